import fc from "fast-check"
import { amountToCollect, capturableRest, reuseKept, type HeldAuthorization } from "../amount-to-collect"

/** 447.00 NOK authorized, 400.00 captured: 47.00 left on both sides. */
const partlyCaptured: HeldAuthorization = { medusa_remaining: 4700, status: "PARTIALLY_CAPTURED", amount: 44700, captured: 40000 }

describe("capturableRest", () => {
  it("is what Checkout and Medusa both still let the merchant capture", () => {
    expect(capturableRest(partlyCaptured)).toBe(4700)
    expect(capturableRest({ ...partlyCaptured, status: "AUTHORIZED", captured: 0, medusa_remaining: 44700 })).toBe(44700)
    // The smaller side wins: Medusa refuses more than its remaining, Dintero more than it holds.
    expect(capturableRest({ ...partlyCaptured, medusa_remaining: 4000 })).toBe(4000)
    expect(capturableRest({ ...partlyCaptured, captured: 41000 })).toBe(3700)
  })

  it("is nothing once Checkout takes no further capture", () => {
    for (const status of ["CAPTURED", "AUTHORIZATION_VOIDED", "PARTIALLY_CAPTURED_REFUNDED", "PARTIALLY_REFUNDED", "REFUNDED", "ON_HOLD", "DECLINED"] as const) {
      expect([status, capturableRest({ ...partlyCaptured, status })]).toEqual([status, 0])
    }
    expect(capturableRest({ ...partlyCaptured, medusa_remaining: 0 })).toBe(0)
  })

  it("refuses amounts that are not minor units", () => {
    expect(() => capturableRest({ ...partlyCaptured, medusa_remaining: 47.5 })).toThrow(/Medusa's remaining amount/)
  })
})

describe("amountToCollect", () => {
  it("asks the link only for what the part-captured rest does not cover (the item added after the part capture)", () => {
    // Medusa's outstanding amount after adding 398.00: 845 − 400 captured = 445.00, of which 47.00 is still held.
    expect(amountToCollect(44500, 0, [partlyCaptured])).toEqual({ collection: 39800, covered: 4700, link: 39800 })
  })

  it("asks for the whole outstanding amount when nothing held can capture it (full capture, part refund)", () => {
    expect(amountToCollect(39800, 0, [])).toEqual({ collection: 39800, covered: 0, link: 39800 })
    expect(amountToCollect(44500, 0, [{ ...partlyCaptured, status: "PARTIALLY_CAPTURED_REFUNDED" }])).toEqual({ collection: 44500, covered: 0, link: 44500 })
  })

  it("asks for nothing when an edit lowered the total below what the rest still holds", () => {
    expect(amountToCollect(3000, 0, [partlyCaptured])).toEqual({ collection: 0, covered: 3000, link: 0 })
  })

  it("counts a kept authorization's reuse first, then the other rests, then the link", () => {
    expect(amountToCollect(50000, 30000, [partlyCaptured])).toEqual({ collection: 45300, covered: 4700, link: 15300 })
    expect(amountToCollect(32000, 30000, [partlyCaptured])).toEqual({ collection: 30000, covered: 2000, link: 0 })
  })

  it("refuses a reuse larger than the outstanding amount", () => {
    expect(() => amountToCollect(100, 200, [])).toThrow(/does not fit/)
  })

  it("property: the parts add up to the outstanding amount exactly, nothing is asked twice, nothing negative", () => {
    const held = fc.record({
      medusa_remaining: fc.integer({ min: 0, max: 1_000_000 }),
      status: fc.constantFrom("AUTHORIZED" as const, "PARTIALLY_CAPTURED" as const, "CAPTURED" as const, "PARTIALLY_CAPTURED_REFUNDED" as const),
      amount: fc.integer({ min: 0, max: 1_000_000 }),
      captured: fc.integer({ min: 0, max: 1_000_000 }),
    })
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), fc.nat(), fc.array(held, { maxLength: 3 }), (due, r, rests) => {
        const reused = due === 0 ? 0 : r % (due + 1)
        const out = amountToCollect(due, reused, rests)
        const capturable = rests.reduce((s, h) => s + capturableRest(h), 0)
        expect(out.collection + out.covered).toBe(due)
        expect(out.collection - reused).toBe(out.link)
        expect(Math.min(out.link, out.covered)).toBeGreaterThanOrEqual(0)
        expect(out.covered).toBeLessThanOrEqual(capturable)
        // The link asks for something only when every rest is counted.
        if (out.link > 0) expect(out.covered).toBe(capturable)
      })
    )
  })
})

describe("reuseKept", () => {
  it("counts every kept authorization before a link: the first link's money is reused, no second link (seed 1234 path 63)", () => {
    // DKK: the order was paid 1321.79, an edit added 730.64 (paid through the link), the next edit removed 565.37:
    // Medusa's new collection is 1487.06; the first payment and the first link together hold 2052.43.
    const reuses = reuseKept(148706, [132179, 73064])
    expect(reuses).toEqual([132179, 16527])
    expect(amountToCollect(148706, reuses[0]! + reuses[1]!, [])).toEqual({ collection: 148706, covered: 0, link: 0 })
  })

  it("leaves a kept authorization the lowered total does not need at 0", () => {
    expect(reuseKept(112174, [132179, 73064])).toEqual([112174, 0])
    expect(reuseKept(0, [500])).toEqual([0])
  })

  it("refuses amounts that are not minor units", () => {
    expect(() => reuseKept(100, [12.5])).toThrow(/held amount/)
  })

  it("property: the oldest first, none above what it holds, the total is the smaller of due and Σ held", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2_000_000 }), fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 4 }), (due, held) => {
        const reuses = reuseKept(due, held)
        const total = reuses.reduce((s, r) => s + r, 0)
        expect(total).toBe(Math.min(due, held.reduce((s, h) => s + h, 0)))
        reuses.forEach((r, i) => {
          expect(r).toBeGreaterThanOrEqual(0)
          expect(r).toBeLessThanOrEqual(held[i]!)
          // A later one takes something only when every earlier one gave all it holds.
          if (r > 0) for (let j = 0; j < i; j++) expect(reuses[j]).toBe(held[j])
        })
      })
    )
  })
})
