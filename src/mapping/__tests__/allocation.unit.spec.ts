import fc from "fast-check"
import { AllocatableLine, AllocatedLine, allocateCapture, allocateRefund } from "../allocation"
import { perLineTotals } from "../references"

// The session of Appendix A: a chair and a shipping line.
const chairAndShipping: AllocatableLine[] = [
  { line_id: "1", amount: 29990, quantity: 1 },
  { line_id: "shipping-std", amount: 3900, quantity: 1 },
]

const sum = (lines: AllocatedLine[]) => lines.reduce((total, line) => total + line.amount, 0)

describe("allocateCapture", () => {
  it("captures everything in full, with quantities, when the amount is the full remaining", () => {
    expect(allocateCapture(chairAndShipping, {}, 33890)).toEqual([
      { line_id: "1", amount: 29990, quantity: 1 },
      { line_id: "shipping-std", amount: 3900, quantity: 1 },
    ])
  })

  it("fills lines in order for a partial capture, the last one partially", () => {
    expect(allocateCapture(chairAndShipping, {}, 31000)).toEqual([
      { line_id: "1", amount: 29990, quantity: 1 },
      { line_id: "shipping-std", amount: 1010 },
    ])
    expect(allocateCapture(chairAndShipping, {}, 100)).toEqual([{ line_id: "1", amount: 100 }])
  })

  it("continues after earlier captures (Appendix A.2: line 1 already captured)", () => {
    expect(allocateCapture(chairAndShipping, { "1": 29990 }, 3900)).toEqual([
      { line_id: "shipping-std", amount: 3900, quantity: 1 },
    ])
  })

  it("gives a quantity for a partial part only when it is a whole number of units", () => {
    const lines = [{ line_id: "3", amount: 59700, quantity: 3 }] // 199.00 each
    expect(allocateCapture(lines, {}, 39800)).toEqual([{ line_id: "3", amount: 39800, quantity: 2 }])
    expect(allocateCapture(lines, {}, 39801)).toEqual([{ line_id: "3", amount: 39801 }])
    expect(allocateCapture(lines, { "3": 19900 }, 39800)).toEqual([{ line_id: "3", amount: 39800, quantity: 2 }])
    // 100.00 over 3 units does not divide: only the full line gets its quantity
    const uneven = [{ line_id: "x", amount: 10000, quantity: 3 }]
    expect(allocateCapture(uneven, {}, 5000)).toEqual([{ line_id: "x", amount: 5000 }])
    expect(allocateCapture(uneven, {}, 10000)).toEqual([{ line_id: "x", amount: 10000, quantity: 3 }])
    // decimal quantity: never derived, only passed through for a full line
    const weighed = [{ line_id: "w", amount: 2500, quantity: 2.5 }]
    expect(allocateCapture(weighed, {}, 1000)).toEqual([{ line_id: "w", amount: 1000 }])
    expect(allocateCapture(weighed, {}, 2500)).toEqual([{ line_id: "w", amount: 2500, quantity: 2.5 }])
    // no quantity known
    expect(allocateCapture([{ line_id: "n", amount: 500 }], {}, 500)).toEqual([{ line_id: "n", amount: 500 }])
  })

  it("leaves negative lines (gift card) for the final capture", () => {
    const lines: AllocatableLine[] = [
      { line_id: "a", amount: 60000, quantity: 2 },
      { line_id: "b", amount: 40000, quantity: 1 },
      { line_id: "credit_lines", amount: -20000, quantity: 1 },
    ]
    const first = allocateCapture(lines, {}, 50000)
    expect(first).toEqual([{ line_id: "a", amount: 50000 }])
    const second = allocateCapture(lines, { a: 50000 }, 30000) // the rest: 10000 + 40000 − 20000
    expect(second).toEqual([
      { line_id: "a", amount: 10000 },
      { line_id: "b", amount: 40000, quantity: 1 },
      { line_id: "credit_lines", amount: -20000, quantity: 1 },
    ])
  })

  it("skips lines with nothing left, including zero-amount lines", () => {
    const lines = [
      { line_id: "free-shipping", amount: 0, quantity: 1 },
      { line_id: "a", amount: 1000, quantity: 1 },
    ]
    expect(allocateCapture(lines, {}, 1000)).toEqual([{ line_id: "a", amount: 1000, quantity: 1 }])
    expect(allocateCapture(lines, {}, 400)).toEqual([{ line_id: "a", amount: 400 }])
  })

  it("ignores captured amounts of lines it does not know", () => {
    expect(allocateCapture(chairAndShipping, { ghost: 5000 }, 33890)).toHaveLength(2)
  })

  it("throws clear errors", () => {
    expect(() => allocateCapture(chairAndShipping, {}, 33891)).toThrow(
      "Cannot capture 33891: only 33890 (minor units) is left to capture on the lines"
    )
    expect(() => allocateCapture(chairAndShipping, { "1": 29990, "shipping-std": 3900 }, 1)).toThrow(/only 0/)
    expect(() => allocateCapture(chairAndShipping, {}, 0)).toThrow(/must be positive/)
    expect(() => allocateCapture(chairAndShipping, {}, -5)).toThrow(/must be positive/)
    expect(() => allocateCapture(chairAndShipping, {}, 1.5)).toThrow(/not an integer amount/)
    expect(() => allocateCapture([...chairAndShipping, chairAndShipping[0]], {}, 100)).toThrow(/Duplicate line_id "1"/)
    expect(() => allocateCapture([{ line_id: "a", amount: 9.99 }], {}, 1)).toThrow(/amount of line "a"/)
  })

  it("is deterministic: the same inputs give the same lines (retries send the same capture)", () => {
    expect(allocateCapture(chairAndShipping, { "1": 1000 }, 30000)).toEqual(
      allocateCapture(chairAndShipping, { "1": 1000 }, 30000)
    )
  })
})

describe("allocateRefund", () => {
  it("refunds only what is captured and not yet refunded", () => {
    const captured = { "1": 29990, "shipping-std": 3900 }
    expect(allocateRefund(chairAndShipping, captured, {}, 10000)).toEqual([{ line_id: "1", amount: 10000 }])
    expect(allocateRefund(chairAndShipping, captured, { "1": 29990 }, 3900)).toEqual([
      { line_id: "shipping-std", amount: 3900, quantity: 1 },
    ])
    expect(allocateRefund(chairAndShipping, captured, { "1": 10000 }, 23890)).toEqual([
      { line_id: "1", amount: 19990 },
      { line_id: "shipping-std", amount: 3900, quantity: 1 },
    ])
  })

  it("cannot refund uncaptured lines", () => {
    expect(() => allocateRefund(chairAndShipping, { "1": 29990 }, {}, 30000)).toThrow(
      "Cannot refund 30000: only 29990 (minor units) is left to refund on the lines"
    )
    expect(() => allocateRefund(chairAndShipping, {}, {}, 1)).toThrow(/only 0/)
  })

  it("includes a captured gift card line in a full refund", () => {
    const lines = [
      { line_id: "a", amount: 10000, quantity: 1 },
      { line_id: "credit_lines", amount: -2500, quantity: 1 },
    ]
    const captured = { a: 10000, credit_lines: -2500 }
    expect(allocateRefund(lines, captured, {}, 7500)).toEqual([
      { line_id: "a", amount: 10000, quantity: 1 },
      { line_id: "credit_lines", amount: -2500, quantity: 1 },
    ])
    expect(allocateRefund(lines, captured, {}, 5000)).toEqual([{ line_id: "a", amount: 5000 }])
  })
})

describe("allocation properties", () => {
  const linesArb = fc
    .array(
      fc.record({ amount: fc.integer({ min: -50_000, max: 500_000 }), quantity: fc.integer({ min: 1, max: 5 }) }),
      { minLength: 1, maxLength: 10 }
    )
    .map((lines) => lines.map((line, i) => ({ line_id: `line_${i}`, ...line })))

  /** Earlier captures: for each line, a part of it (same sign as the line). */
  const scenario = linesArb.chain((lines) =>
    fc.record({
      lines: fc.constant(lines),
      capturedShares: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: lines.length, maxLength: lines.length }),
      pick: fc.double({ min: 0, max: 1, noNaN: true }),
    })
  )

  it("sums exactly to the amount and never exceeds any line's remainder", () => {
    fc.assert(
      fc.property(scenario, ({ lines, capturedShares, pick }) => {
        const captured: Record<string, number> = {}
        lines.forEach((line, i) => (captured[line.line_id] = Math.trunc(line.amount * capturedShares[i])))
        const remaining = lines.map((line) => line.amount - captured[line.line_id])
        const total = remaining.reduce((a, b) => a + b, 0)
        fc.pre(total > 0)
        const amount = Math.max(1, Math.round(total * pick))

        const result = allocateCapture(lines, captured, amount)
        expect(sum(result)).toBe(amount)
        expect(new Set(result.map((line) => line.line_id)).size).toBe(result.length)
        for (const part of result) {
          const index = lines.findIndex((line) => line.line_id === part.line_id)
          const left = remaining[index]
          expect(part.amount).not.toBe(0)
          // same sign as what is left, and not more than that
          expect(Math.sign(part.amount)).toBe(Math.sign(left))
          expect(Math.abs(part.amount)).toBeLessThanOrEqual(Math.abs(left))
        }
        if (amount === total) {
          expect(result.map((line) => line.line_id)).toEqual(lines.filter((_, i) => remaining[i] !== 0).map((line) => line.line_id))
        } else {
          expect(result.every((line) => line.amount > 0)).toBe(true)
        }
        // results come in line order
        const order = result.map((part) => lines.findIndex((line) => line.line_id === part.line_id))
        expect([...order].sort((a, b) => a - b)).toEqual(order)
      }),
      { numRuns: 500 }
    )
  })

  it("a series of partial captures ends with everything captured, and refunds mirror it", () => {
    fc.assert(
      fc.property(linesArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), (lines, picks) => {
        const total = lines.reduce((a, line) => a + line.amount, 0)
        fc.pre(total > 0)
        const events: { event: string; success: boolean; items: AllocatedLine[] }[] = []
        let capturedTotal = 0
        for (const pickShare of [...picks, 1]) {
          const left = total - capturedTotal
          if (left === 0) break
          const amount = Math.max(1, Math.round(left * pickShare))
          const items = allocateCapture(lines, perLineTotals(events, "CAPTURE"), amount)
          events.push({ event: "CAPTURE", success: true, items })
          capturedTotal += amount
        }
        const captured = perLineTotals(events, "CAPTURE")
        for (const line of lines) expect(captured[line.line_id] ?? 0).toBe(line.amount)

        const refund = allocateRefund(lines, captured, {}, total)
        expect(sum(refund)).toBe(total)
        events.push({ event: "REFUND", success: true, items: refund })
        const refunded = perLineTotals(events, "REFUND")
        for (const line of lines) expect(refunded[line.line_id] ?? 0).toBe(line.amount)
      }),
      { numRuns: 300 }
    )
  })
})
