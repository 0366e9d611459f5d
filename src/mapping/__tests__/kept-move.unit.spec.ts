import fc from "fast-check"
import type { HeldAuthorization } from "../amount-to-collect"
import { planKeptMove, type KeptTransaction } from "../kept-move"

const authorized = (id: string, amount: number, product = "dintero_psp.creditcard"): KeptTransaction => ({
  transaction_id: id,
  status: "AUTHORIZED",
  amount,
  captured: 0,
  payment_product_type: product,
})

describe("planKeptMove", () => {
  it("reuses the kept authorization for a lower total, asks nothing more and releases nothing", () => {
    expect(planKeptMove({ due: 24800, kept: [authorized("T.first", 44700)], others: [] })).toEqual({
      problems: [],
      release: [],
      reuse: [{ transaction_id: "T.first", amount: 24800 }],
      split: { collection: 24800, covered: 0, link: 0 },
    })
  })

  it("reuses what a card authorization holds and sends a payment link for the rest of a higher total", () => {
    const plan = planKeptMove({ due: 84500, kept: [authorized("T.first", 44700)], others: [] })
    expect(plan.raise).toBeUndefined()
    expect(plan.reuse).toEqual([{ transaction_id: "T.first", amount: 44700 }])
    expect(plan.split).toEqual({ collection: 84500, covered: 0, link: 39800 })
  })

  it("raises a lone Klarna authorization to a higher total first, then reuses it whole", () => {
    const kept = [authorized("T.k", 44700, "klarna.klarna")]
    const first = planKeptMove({ due: 84500, kept, others: [] })
    expect(first).toEqual({ problems: [], raise: { transaction_id: "T.k", from: 44700, to: 84500 }, release: [], reuse: [] })
    // Planned again with what Dintero raised it to: no second raise, no link.
    const after = planKeptMove({ due: 84500, kept: [{ ...kept[0]!, amount: 84500 }], others: [], raised: true })
    expect(after.raise).toBeUndefined()
    expect(after.reuse).toEqual([{ transaction_id: "T.k", amount: 84500 }])
    expect(after.split).toEqual({ collection: 84500, covered: 0, link: 0 })
    // A raise Dintero answered with less is not asked again: the rest goes to the link.
    expect(planKeptMove({ due: 84500, kept, others: [], raised: true }).split?.link).toBe(39800)
  })

  it("does not raise when another authorization still captures part of the difference", () => {
    const others: HeldAuthorization[] = [{ medusa_remaining: 4700, status: "PARTIALLY_CAPTURED", amount: 44700, captured: 40000 }]
    const plan = planKeptMove({ due: 84500, kept: [authorized("T.k", 44700, "klarna.klarna")], others })
    expect(plan.raise).toBeUndefined()
    expect(plan.split).toEqual({ collection: 79800, covered: 4700, link: 35100 })
  })

  it("releases a kept authorization the older ones cover (covered), oldest reused first", () => {
    const plan = planKeptMove({ due: 24800, kept: [authorized("T.first", 44700), authorized("T.link", 39800)], others: [] })
    expect(plan.reuse).toEqual([{ transaction_id: "T.first", amount: 24800 }])
    expect(plan.release).toEqual([{ transaction_id: "T.link", held: 39800, reason: "covered" }])
  })

  it("releases every held one when no unpaid collection is open (no_open_collection), and moves nothing", () => {
    const plan = planKeptMove({ due: null, kept: [authorized("T.first", 44700), { ...authorized("T.gone", 1000), status: "AUTHORIZATION_VOIDED" }], others: [] })
    expect(plan).toEqual({
      problems: [{ transaction_id: "T.gone", problem: "the transaction is AUTHORIZATION_VOIDED, not AUTHORIZED" }],
      release: [{ transaction_id: "T.first", held: 44700, reason: "no_open_collection" }],
      reuse: [],
    })
    expect(plan.split).toBeUndefined()
  })

  it("leaves a kept authorization that is no longer AUTHORIZED, saying why (a part capture: what the merchant can do)", () => {
    const plan = planKeptMove({ due: 24800, kept: [{ ...authorized("T.part", 44700), status: "PARTIALLY_CAPTURED", captured: 10000 }], others: [] })
    expect(plan.reuse).toEqual([])
    expect(plan.release).toEqual([])
    expect(plan.split).toBeUndefined()
    expect(plan.problems).toHaveLength(1)
    expect(plan.problems[0]!.next).toContain("final capture")
  })

  it("refuses amounts that are not minor units", () => {
    expect(() => planKeptMove({ due: 248.5, kept: [authorized("T.first", 44700)], others: [] })).toThrow(/minor units|integer/i)
    expect(() => planKeptMove({ due: 24800, kept: [authorized("T.first", 447.5)], others: [] })).toThrow(/minor units|integer/i)
  })

  it("never asks the shopper twice: reused + covered + link is what is due, and nothing released backs any of it (property)", () => {
    fc.assert(
      fc.property(
        fc.nat(300_000),
        fc.array(fc.integer({ min: 1, max: 100_000 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 50_000 }), { maxLength: 2 }),
        (due, held, rests) => {
          const kept = held.map((h, i) => authorized(`T.${i}`, h))
          const others: HeldAuthorization[] = rests.map((r) => ({ medusa_remaining: r, status: "AUTHORIZED", amount: r, captured: 0 }))
          const plan = planKeptMove({ due, kept, others })
          const reused = plan.reuse.reduce((s, r) => s + r.amount, 0)
          expect(reused + plan.split!.covered + plan.split!.link).toBe(due)
          expect(plan.split!.collection).toBe(reused + plan.split!.link)
          const released = new Set(plan.release.map((r) => r.transaction_id))
          for (const r of plan.reuse) expect(released.has(r.transaction_id)).toBe(false)
          // Every kept authorization is either reused or released: none is left held for nothing.
          expect(plan.reuse.length + plan.release.length).toBe(kept.length)
        }
      )
    )
  })
})
