import fc from "fast-check"
import { allocateAuthorization, allocateToOrders, AllocationError } from "../allocate"
import { nextAttemptDelayMs } from "../backoff"
import { mapCheckoutLines } from "../checkout-lines"
import { findByMarker, perLine } from "../ledger"
import { planEditPayments } from "../plan-edit"
import type { LedgerLine } from "../state"

const item = (line_id: number, gross: number, extra: Partial<LedgerLine> = {}): LedgerLine => ({
  line_id, medusa_id: `ordli_${line_id}`, role: "item", gross_amount: gross, from_edit: false, ...extra,
})

describe("planEditPayments (seed 000)", () => {
  const seedBase = {
    reversed: [{ line_id: 2, reverses_line_id: 1, medusa_id: "ordli_1", gross_amount: -39800 }],
    payments: ["PID_123"],
    authorized: (_p: string, line: number) => (line === 1 ? 39800 : 0),
    captured: (_p: string, line: number) => (line === 1 ? 39800 : 0),
    nextLineId: 4,
    reversedTax: [[{ percentage: 25 }]],
    currency: "NOK",
  }
  const newLine = (gross: number) => ({ medusa_id: "ordli_3", line_id: 3, id: "003929", quantity: 1, gross_amount: gross, tax_lines: [], description: "x" })

  it("moves the held money from the reversed line to the new one, as the seed's four records", () => {
    const plan = planEditPayments({ ...seedBase, added: [newLine(39800)] })
    expect(plan.records.map(({ kind, items, payment_id }) => ({ kind, items, payment_id }))).toEqual([
      { kind: "authorizations", items: [{ line_id: 2, amount: -39800 }], payment_id: "PID_123" },
      { kind: "captures", items: [{ line_id: 2, amount: -39800 }], payment_id: "PID_123" },
      { kind: "authorizations", items: [{ line_id: 3, amount: 39800 }], payment_id: "PID_123" },
      { kind: "captures", items: [{ line_id: 3, amount: 39800 }], payment_id: "PID_123" },
    ])
    expect(plan.refundRemaining).toBeUndefined()
    expect(plan.unauthorized).toBe(0)
  })

  it("puts what the cheaper new line does not take on a refund-remaining line with the reversed line's VAT", () => {
    const plan = planEditPayments({ ...seedBase, added: [newLine(38800)] })
    expect(plan.refundRemaining).toEqual(expect.objectContaining({ line_id: 4, gross_amount: 1000, tax_lines: [{ amount: 200, percentage: 25 }] }))
    expect(plan.records.slice(2).map((r) => r.items)).toEqual([
      [{ line_id: 3, amount: 38800 }, { line_id: 4, amount: 1000 }],
      [{ line_id: 3, amount: 38800 }, { line_id: 4, amount: 1000 }],
    ])
  })

  it("leaves the rest of a dearer new line unauthorized (part authorization later)", () => {
    const plan = planEditPayments({ ...seedBase, added: [newLine(40800)] })
    expect(plan.unauthorized).toBe(1000)
    expect(plan.records.slice(2).map((r) => r.items)).toEqual([[{ line_id: 3, amount: 39800 }], [{ line_id: 3, amount: 39800 }]])
  })

  it("moves only what was captured when the reversed line was captured in part", () => {
    const plan = planEditPayments({ ...seedBase, captured: (_p, l) => (l === 1 ? 10000 : 0), added: [newLine(30000)] })
    expect(plan.records.map((r) => [r.kind, r.items])).toEqual([
      ["authorizations", [{ line_id: 2, amount: -39800 }]],
      ["captures", [{ line_id: 2, amount: -10000 }]],
      ["authorizations", [{ line_id: 3, amount: 30000 }, { line_id: 4, amount: 9800 }]],
      ["captures", [{ line_id: 3, amount: 10000 }]],
    ])
  })

  it("keeps every payment's authorized and captured totals (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.integer({ min: 0, max: 50000 }), c: fc.integer({ min: 0, max: 100 }) }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 80000 }), { minLength: 0, maxLength: 4 }),
        (olds, news) => {
          const reversed = olds.map((_, i) => ({ line_id: 100 + i, reverses_line_id: i + 1, medusa_id: `o${i}`, gross_amount: -olds[i].a }))
          const added = news.map((g, i) => ({ medusa_id: `n${i}`, line_id: 200 + i, id: "x", quantity: 1, gross_amount: g, tax_lines: [], description: "x" }))
          const cap = (i: number) => Math.floor((olds[i].a * olds[i].c) / 100)
          const plan = planEditPayments({
            reversed, added, payments: ["P"], nextLineId: 300, reversedTax: [], currency: "NOK",
            authorized: (_p, l) => olds[l - 1].a, captured: (_p, l) => cap(l - 1),
          })
          const sum = (kind: string) => plan.records.filter((r) => r.kind === kind).flatMap((r) => r.items).reduce((s, i) => s + i.amount, 0)
          expect(sum("authorizations")).toBe(0)
          expect(sum("captures")).toBe(0)
          const newAuth = plan.records.filter((r) => r.kind === "authorizations" && r.key.startsWith("new")).flatMap((r) => r.items)
          for (const line of added) expect(newAuth.filter((i) => i.line_id === line.line_id).reduce((s, i) => s + i.amount, 0)).toBeLessThanOrEqual(line.gross_amount)
          expect(plan.unauthorized).toBe(Math.max(0, news.reduce((s, g) => s + g, 0) - olds.reduce((s, o) => s + o.a, 0)))
        }
      )
    )
  })
})

describe("allocateToOrders", () => {
  const lines = [item(1, 39800), item(2, 4900, { medusa_id: "shipping:sm_1" })]
  const map = { cali_1: "ordli_1", shipping_sm_1: "shipping:sm_1" }

  it("records the Checkout event's items on the same Orders lines", () => {
    expect(
      allocateToOrders({ kind: "capture", amount: 14900, eventItems: [{ line_id: "cali_1", amount: 10000 }, { line_id: "shipping_sm_1", amount: 4900 }], checkoutLines: map, lines, room: (l) => (l === 1 ? 39800 : 4900) })
    ).toEqual([{ line_id: 1, amount: 10000 }, { line_id: 2, amount: 4900 }])
  })

  it("pools amounts of reversed lines onto edit lines, refund-remaining first for refunds", () => {
    const live = [item(2, 4900, { medusa_id: "shipping:sm_1" }), item(4, 30000, { from_edit: true }), item(5, 9800, { from_edit: true, role: "refund_remaining", medusa_id: "" })]
    expect(allocateToOrders({ kind: "refund", amount: 9800, eventItems: [{ line_id: "cali_1", amount: 9800 }], checkoutLines: map, lines: live, room: (l) => ({ 2: 4900, 4: 30000, 5: 9800 })[l as 2] ?? 0 })).toEqual([{ line_id: 5, amount: 9800 }])
    expect(allocateToOrders({ kind: "capture", amount: 5000, eventItems: [{ line_id: "cali_1", amount: 5000 }], checkoutLines: map, lines: live, room: (l) => ({ 2: 4900, 4: 30000, 5: 9800 })[l as 2] ?? 0 })).toEqual([{ line_id: 4, amount: 5000 }])
  })

  describe("refunds after edits follow the edited lines (issue 9)", () => {
    // Placed: 1 outdoor chair ×2 (ordli_A), 2 shipping. Edit 1: chair 2 → 1 and an indoor chair added at the same
    // price: 3 reverses 1, 4 outdoor ×1 (ordli_A), 5 indoor ×1 (ordli_B). Edit 2: the outdoor chair removed: 6 reverses
    // 4, 7 refund remaining. Live: shipping, the indoor chair the shopper keeps, the refund-remaining line.
    const live = [
      item(2, 4900, { medusa_id: "shipping:sm_1" }),
      item(5, 19900, { medusa_id: "ordli_B", from_edit: true }),
      item(7, 19900, { medusa_id: "", from_edit: true, role: "refund_remaining" }),
    ]
    const checkoutLines = { cali_A: "ordli_A", shipping_sm_1: "shipping:sm_1" }
    const captured: Record<number, number> = { 2: 4900, 5: 19900, 7: 19900 }
    const refund = (amount: number, refunded: Record<number, number>, eventItems = [{ line_id: "cali_A", amount }]) =>
      allocateToOrders({ kind: "refund", amount, eventItems, checkoutLines, lines: live, room: (l) => (captured[l] ?? 0) - (refunded[l] ?? 0) })

    it("takes the refund-remaining line first", () => {
      expect(refund(19900, {})).toEqual([{ line_id: 7, amount: 19900 }])
    })

    it("once the refund-remaining line is used up, follows the money the edit moved, the lines as placed last", () => {
      // The cart's chair line (reversed at Orders) paid for the indoor chair since edit 1: Checkout's refund on it
      // lands there; shipping keeps Checkout's own allocation (nothing refunded on it at Checkout).
      expect(refund(4900, { 7: 19900 })).toEqual([{ line_id: 5, amount: 4900 }])
      expect(refund(100, { 7: 19900 }, undefined)).toEqual([{ line_id: 5, amount: 100 }])
      expect(allocateToOrders({ kind: "refund", amount: 20000, checkoutLines, lines: live, room: (l) => (captured[l] ?? 0) - (l === 7 ? 19900 : 0) })).toEqual([
        { line_id: 2, amount: 100 },
        { line_id: 5, amount: 19900 },
      ])
    })

    it("prefers the line that replaced the refunded one (same Medusa item) over other lines an edit added", () => {
      // Edit 1 added the indoor chair (line 3); edit 2 lowered the outdoor chair 2 → 1: 4 reverses 1, 5 outdoor ×1, 6 refund remaining.
      const lines = [
        item(2, 4900, { medusa_id: "shipping:sm_1" }),
        item(3, 19900, { medusa_id: "ordli_B", from_edit: true }),
        item(5, 19900, { medusa_id: "ordli_A", from_edit: true }),
        item(6, 19900, { medusa_id: "", from_edit: true, role: "refund_remaining" }),
      ]
      const room = (l: number) => ({ 2: 4900, 3: 19900, 5: 19900, 6: 19900 })[l as 2] ?? 0
      // The shopper returns both outdoor chairs: the refund-remaining line, then the outdoor chair, never the indoor one.
      expect(allocateToOrders({ kind: "refund", amount: 39800, eventItems: [{ line_id: "cali_A", amount: 39800 }], checkoutLines, lines, room })).toEqual([
        { line_id: 5, amount: 19900 },
        { line_id: 6, amount: 19900 },
      ])
    })

    it("places every refund on live lines only, within their room, adding up to the amount (property)", () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ room: fc.integer({ min: 0, max: 30000 }), edit: fc.boolean(), rr: fc.boolean(), same: fc.boolean() }), { minLength: 1, maxLength: 6 }),
          fc.integer({ min: 1, max: 100 }),
          fc.boolean(),
          (spec, share, withEvent) => {
            // The refunded Checkout line's Orders line (ordli_A) was reversed: only edit lines may stand for it now.
            const lines = spec.map((l, i) =>
              item(10 + i, 30000, { from_edit: l.edit || l.rr, role: l.rr ? "refund_remaining" : "item", medusa_id: l.same && l.edit && !l.rr ? "ordli_A" : `ordli_${i}` })
            )
            const room = (id: number) => spec[id - 10]?.room ?? 0
            const total = spec.reduce((s, l) => s + l.room, 0)
            const amount = Math.floor((total * share) / 100)
            if (amount <= 0) return
            const items = allocateToOrders({
              kind: "refund", amount, checkoutLines, lines, room,
              eventItems: withEvent ? [{ line_id: "cali_A", amount }] : undefined,
            })
            expect(items.reduce((s, i) => s + i.amount, 0)).toBe(amount)
            for (const i of items) {
              expect(i.amount).toBeGreaterThan(0)
              expect(i.amount).toBeLessThanOrEqual(room(i.line_id))
            }
            // Nothing lands elsewhere while a refund-remaining line still has room; lines as placed only once no edit line has room.
            const used = new Map(items.map((i) => [i.line_id, i.amount]))
            const rrLeft = lines.filter((l) => l.role === "refund_remaining").some((l) => room(l.line_id) - (used.get(l.line_id) ?? 0) > 0)
            if (rrLeft) expect(items.every((i) => lines.find((l) => l.line_id === i.line_id)!.role === "refund_remaining")).toBe(true)
            const editLeft = lines.filter((l) => l.from_edit).some((l) => room(l.line_id) - (used.get(l.line_id) ?? 0) > 0)
            if (editLeft) expect(items.every((i) => lines.find((l) => l.line_id === i.line_id)!.from_edit)).toBe(true)
          }
        )
      )
    })
  })

  it("refuses an amount no line has room for", () => {
    expect(() => allocateToOrders({ kind: "refund", amount: 100, checkoutLines: {}, lines, room: () => 0 })).toThrow(AllocationError)
  })

  it("allocateAuthorization fills lines not yet authorized, first lines first", () => {
    expect(allocateAuthorization([item(1, 100), item(3, 500)], (l) => (l === 1 ? 100 : 200), 400)).toEqual({ items: [{ line_id: 3, amount: 300 }], unplaced: 100 })
  })
})

describe("mapCheckoutLines", () => {
  it("pairs cart lines with order lines by article, quantity and amount; shipping by amount", () => {
    const lines = [
      { medusa_id: "ordli_a", line_id: 1, id: "175938", quantity: 2, gross_amount: 39800, tax_lines: [], description: "a" },
      { medusa_id: "ordli_b", line_id: 2, id: "175938", quantity: 2, gross_amount: 39800, tax_lines: [], description: "b" },
      { medusa_id: "shipping:osm_1", line_id: 3, id: "so_1", quantity: 1, gross_amount: 4900, tax_lines: [], description: "s" },
    ]
    expect(
      mapCheckoutLines(
        [
          { line_id: "cali_1", id: "175938", amount: 39800, quantity: 2 },
          { line_id: "cali_2", id: "175938", amount: 39800, quantity: 2 },
          { line_id: "shipping_csm_1", id: "so_1", amount: 4900, quantity: 1 },
          { line_id: "rounding", id: "rounding", amount: 1, quantity: 1 },
        ],
        lines
      )
    ).toEqual({ cali_1: "ordli_a", cali_2: "ordli_b", shipping_csm_1: "shipping:osm_1" })
  })
})

describe("ledger and backoff", () => {
  it("sums successful records per line and payment, and finds a step's record by its marker", () => {
    const records = {
      authorizations: [],
      captures: [
        { success: true, items: [{ line_id: 1, amount: 100 }], payment_details: { payment_id: "A" }, metadata: { medusa_operation: "capture:c1#capture" } },
        { success: false, items: [{ line_id: 1, amount: 50 }], payment_details: { payment_id: "A" } },
        { success: true, items: [{ line_id: 1, amount: 7 }], payment_details: { payment_id: "B" } },
      ],
      refunds: [],
      cancellations: [],
    }
    expect(perLine(records, "captures").get(1)).toBe(107)
    expect(perLine(records, "captures", "A").get(1)).toBe(100)
    expect(findByMarker(records.captures, "capture:c1#capture")).toBe(records.captures[0])
    expect(findByMarker(records.captures, "capture:c2#capture")).toBeUndefined()
  })

  it("backs off exponentially with jitter, capped at an hour", () => {
    expect(nextAttemptDelayMs(1, () => 0.5)).toBe(10_000)
    expect(nextAttemptDelayMs(3, () => 0.5)).toBe(40_000)
    expect(nextAttemptDelayMs(30, () => 0.5)).toBe(3_600_000)
    expect(nextAttemptDelayMs(1, () => 0)).toBe(8_000)
  })
})
