import fc from "fast-check"
import { reuseKept } from "../amount-to-collect"
import { releaseOutcome, unneededKept, unneededLive } from "../kept-release"

describe("unneededKept", () => {
  it("is the kept authorizations the older ones cover entirely (an edit that lowered the total below the first payment)", () => {
    // The first payment (447.00) and the first edit's paid link (398.00); the second edit brings the total to 248.00.
    const kept = ["T.first", "T.link"]
    expect(unneededKept(kept, reuseKept(24800, [44700, 39800]))).toEqual(["T.link"])
    // Both needed while the total is above the first payment: the link is reused for the rest.
    expect(unneededKept(kept, reuseKept(50000, [44700, 39800]))).toEqual([])
    // Exactly the first payment: the link backs nothing.
    expect(unneededKept(kept, reuseKept(44700, [44700, 39800]))).toEqual(["T.link"])
  })

  it("never names an authorization that backs part of what is due (property)", () => {
    fc.assert(
      fc.property(fc.nat(200_000), fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 5 }), (due, held) => {
        const ids = held.map((_, i) => `T.${i}`)
        const reuses = reuseKept(due, held)
        const unneeded = new Set(unneededKept(ids, reuses))
        const kept = held.filter((_, i) => !unneeded.has(ids[i]!))
        // What the kept ones hold still covers what is due (up to all they hold), and each released one got nothing.
        expect(Math.min(due, kept.reduce((s, h) => s + h, 0))).toBe(Math.min(due, held.reduce((s, h) => s + h, 0)))
        for (const [i, id] of ids.entries()) if (unneeded.has(id)) expect(reuses[i]).toBe(0)
      })
    )
  })

  it("refuses lists that do not match and amounts that are not minor units", () => {
    expect(() => unneededKept(["T.a"], [])).toThrow(/1 kept authorizations but 0 reuse amounts/)
    expect(() => unneededKept(["T.a"], [0.5])).toThrow(/reused amount/)
  })
})

describe("releaseOutcome", () => {
  it("voids an authorization that is held and has nothing captured", () => {
    expect(releaseOutcome({ status: "AUTHORIZED", captured: 0, inUseBy: [] })).toEqual({ kind: "void" })
  })

  it("sends nothing for one already voided (an earlier attempt whose answer was lost, Backoffice)", () => {
    expect(releaseOutcome({ status: "AUTHORIZATION_VOIDED", captured: 0, inUseBy: [] })).toEqual({ kind: "voided_already" })
  })

  it("never voids one a live Medusa payment names, whatever Dintero says", () => {
    const outcome = releaseOutcome({ status: "AUTHORIZED", captured: 0, inUseBy: ["pay_1"] })
    expect(outcome).toMatchObject({ kind: "in_use" })
    expect("reason" in outcome && outcome.reason).toContain("pay_1")
  })

  it("leaves a part-captured card authorization and says why (Dintero cannot void its rest)", () => {
    for (const status of ["PARTIALLY_CAPTURED", "AUTHORIZED"]) {
      const outcome = releaseOutcome({ status, captured: 10000, inUseBy: [] })
      expect(outcome.kind).toBe("not_voidable")
      expect("reason" in outcome && outcome.reason).toMatch(/cannot void the uncaptured rest of a partly captured card authorization/)
    }
  })

  it("leaves captured money to a refund, and has nothing to release when nothing is held", () => {
    for (const status of ["CAPTURED", "PARTIALLY_REFUNDED", "REFUNDED", "PARTIALLY_CAPTURED_REFUNDED"]) {
      expect([status, releaseOutcome({ status, captured: 100, inUseBy: [] }).kind]).toEqual([status, "not_voidable"])
    }
    for (const status of ["DECLINED", "FAILED"]) {
      expect([status, releaseOutcome({ status, captured: 0, inUseBy: [] }).kind]).toEqual([status, "nothing_held"])
    }
  })
})

describe("unneededLive", () => {
  const live = (transaction_id: string, over: Partial<Parameters<typeof unneededLive>[1][number]> = {}) => ({
    transaction_id,
    medusa_captured: 0,
    status: "AUTHORIZED",
    amount: 4700,
    captured: 0,
    ...over,
  })

  it("releases an uncaptured authorization of an order an edit left owing nothing (below the gift card, before capture)", () => {
    // 447.00 with a 400.00 card: 47.00 authorized; the edit takes a chair off: Medusa's outstanding amount is -152.00.
    expect(unneededLive(-15200, [live("T.1")])).toEqual([{ transaction_id: "T.1", held: 4700 }])
    // Exactly nothing owed: the authorization backs nothing either.
    expect(unneededLive(0, [live("T.1")])).toEqual([{ transaction_id: "T.1", held: 4700 }])
    // One payment per transaction is released once.
    expect(unneededLive(0, [live("T.1"), live("T.1")])).toEqual([{ transaction_id: "T.1", held: 4700 }])
  })

  it("releases nothing while the order still owes something", () => {
    expect(unneededLive(1, [live("T.1")])).toEqual([])
  })

  it("leaves what was captured on (in Medusa or at Dintero) and what is not AUTHORIZED", () => {
    expect(unneededLive(-100, [live("T.medusa", { medusa_captured: 2000 }), live("T.dintero", { captured: 2000, status: "PARTIALLY_CAPTURED" }), live("T.void", { status: "AUTHORIZATION_VOIDED" }), live("T.free")])).toEqual([
      { transaction_id: "T.free", held: 4700 },
    ])
  })

  it("refuses amounts that are not minor units", () => {
    expect(() => unneededLive(0.5, [])).toThrow(/minor units|integer/)
    expect(() => unneededLive(0, [live("T.1", { amount: 47.5 })])).toThrow(/minor units|integer/)
  })
})
