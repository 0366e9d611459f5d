/**
 * The pure reduction (carry-reduction.ts): what the session's negative lines take off, spread over the Orders lines,
 * first down to each line's tax, then, only for what is left, down to 0 with the VAT recomputed at the line's rates.
 */
import fc from "fast-check"
import type { OrdersTaxLine } from "../../orders"
import { reduced, spreadReduction, taxAtRates, type ReducibleLine } from "../carry-reduction"

const line = (medusa_id: string, gross: number, taxes: OrdersTaxLine[]): ReducibleLine => ({
  medusa_id,
  id: medusa_id,
  quantity: 1,
  gross_amount: gross,
  tax_lines: taxes,
  description: medusa_id,
})
const taxOf = (l: Pick<ReducibleLine, "tax_lines">) => l.tax_lines.reduce((s, t) => s + t.amount, 0)

/** Spreads `amount` over all lines in one group, as an order is placed; the lines as recorded. */
function spread(lines: ReducibleLine[], amount: number) {
  const carried = lines.map(() => 0)
  const left = spreadReduction(lines, carried, amount, [lines.map((_, i) => i)])
  return { left, carried, recorded: lines.map((l, i) => reduced(l, carried[i] ?? 0)) }
}

describe("spreadReduction", () => {
  // 200.00 incl. 40.00 VAT, 49.00 incl. 9.80 VAT (shipping, last): net 160.00 + 39.20.
  const lines = [line("a", 20000, [{ amount: 4000, percentage: 25 }]), line("ship", 4900, [{ amount: 980, percentage: 25 }])]

  it("takes the last line first, each down to its tax", () => {
    expect(spread(lines, 5000).carried).toEqual([1080, 3920])
    expect(spread(lines, 5000).recorded.map((l) => [l.gross_amount, taxOf(l)])).toEqual([[18920, 4000], [980, 980]])
  })

  it("reaches below the tax only for what the lines cannot carry above it, last line first again, VAT at the line's rate", () => {
    // Net 19920; 100 more comes off the shipping line's 980: 880 incl. 25 % VAT holds 176.
    const { carried, recorded, left } = spread(lines, 20020)
    expect(left).toBe(0)
    expect(carried).toEqual([16000, 4020])
    expect(recorded.map((l) => [l.gross_amount, l.tax_lines])).toEqual([
      [4000, [{ amount: 4000, percentage: 25 }]],
      [880, [{ amount: 176, percentage: 25 }]],
    ])
  })

  it("takes the whole order down to 0 lines, and says what it could not carry beyond that", () => {
    expect(spread(lines, 24900).recorded.map((l) => [l.gross_amount, taxOf(l)])).toEqual([[0, 0], [0, 0]])
    expect(spread(lines, 24901).left).toBe(1)
  })

  it("keeps what a line already carries and asks the groups in order (an edit's changed lines, then the unchanged)", () => {
    const three = [...lines, line("b", 10000, [{ amount: 2000, percentage: 25 }])]
    const carried = [0, 3920, 0]
    // Group 1 is [2] (changed), group 2 [0, 1] (unchanged): b first, down to its tax, then a; only then below tax.
    expect(spreadReduction(three, carried, 9000, [[2], [0, 1]])).toBe(0)
    expect(carried).toEqual([1000, 3920, 8000])
  })

  it("refuses a negative or fractional amount", () => {
    expect(() => spreadReduction(lines, [0, 0], -1, [[0, 1]])).toThrow(/whole amount/)
    expect(() => spreadReduction(lines, [0, 0], 0.5, [[0, 1]])).toThrow(/whole amount/)
  })
})

describe("reduced", () => {
  it("is the line itself without a reduction, and refuses more than the line is worth", () => {
    const a = line("a", 1000, [{ amount: 200, percentage: 25 }])
    expect(reduced({ ...a, checkout_reduction: 5 }, 0)).toEqual(a)
    expect(() => reduced(a, 1001)).toThrow(/cannot carry a reduction of 1001/)
    expect(() => reduced(a, -1)).toThrow(/cannot carry/)
  })
})

describe("taxAtRates", () => {
  it("splits the tax of several rates in proportion (largest remainder) and is 0 at rate 0", () => {
    // 1000 incl. 25 % + 12.5 % holds 1000 × 37.5 / 137.5 = 272.7 → 273, split 2 : 1 → 182 + 91.
    expect(taxAtRates([{ amount: 0, percentage: 25 }, { amount: 0, percentage: 12.5 }], 1000)).toEqual([
      { amount: 182, percentage: 25 },
      { amount: 91, percentage: 12.5 },
    ])
    expect(taxAtRates([{ amount: 7, percentage: 0 }], 1000)).toEqual([{ amount: 0, percentage: 0 }])
    expect(taxAtRates([], 1000)).toEqual([])
  })
})

describe("property: any lines, any VAT rates, any reduction up to the whole order", () => {
  const rates = fc.constantFrom(0, 6, 8, 12, 12.5, 15, 24, 25, 25.5)
  /** A Medusa line: its gross and the VAT in it at one or two rates (rounded as Medusa would: to the øre). */
  const medusaLine = fc.record({ gross: fc.integer({ min: 0, max: 2_000_000 }), rates: fc.array(rates, { minLength: 0, maxLength: 2 }) })
  const arbitrary = fc
    .array(medusaLine, { minLength: 1, maxLength: 8 })
    .chain((specs) => {
      const lines = specs.map(({ gross, rates }, i) =>
        line(`l${i}`, gross, rates.length === 0 ? [] : taxAtRates(rates.map((percentage) => ({ amount: 0, percentage })), gross))
      )
      const worth = lines.reduce((s, l) => s + l.gross_amount, 0)
      return fc.record({ lines: fc.constant(lines), amount: fc.oneof(fc.integer({ min: 0, max: worth }), fc.constant(worth)) })
    })

  it("sums exactly, integer amounts, no negatives, VAT within each line, VAT kept wherever the lines' net allows", () => {
    fc.assert(
      fc.property(arbitrary, ({ lines, amount }) => {
        const { left, recorded, carried } = spread(lines, amount)
        expect(left).toBe(0)
        const worth = lines.reduce((s, l) => s + l.gross_amount, 0)
        expect(recorded.reduce((s, l) => s + l.gross_amount, 0)).toBe(worth - amount)
        expect(carried.reduce((s, c) => s + c, 0)).toBe(amount)
        recorded.forEach((l, i) => {
          expect(Number.isSafeInteger(l.gross_amount) && l.gross_amount >= 0).toBe(true)
          for (const t of l.tax_lines) expect(Number.isSafeInteger(t.amount) && t.amount >= 0).toBe(true)
          expect(taxOf(l)).toBeLessThanOrEqual(l.gross_amount)
          expect(l.checkout_reduction ?? 0).toBe(carried[i])
          expect(l.gross_amount + (l.checkout_reduction ?? 0)).toBe(lines[i]!.gross_amount)
          // Deterministic: an edit recognises the line as recorded.
          expect(reduced(lines[i]!, carried[i]!)).toEqual(l)
        })
        const net = lines.reduce((s, l) => s + l.gross_amount - taxOf(l), 0)
        if (amount <= net) {
          // Pass 1 was enough: every line keeps its VAT, so the order's VAT is the Checkout transaction's.
          recorded.forEach((l, i) => expect(l.tax_lines).toEqual(lines[i]!.tax_lines))
        } else {
          // Pass 2: every line gave up at least all it had above its tax.
          recorded.forEach((_, i) => expect(carried[i]).toBeGreaterThanOrEqual(lines[i]!.gross_amount - taxOf(lines[i]!)))
        }
      }),
      { numRuns: 500 }
    )
  })
})
