import { readFileSync } from "node:fs"
import { join } from "node:path"
import fc from "fast-check"
import {
  MirrorSnapshot,
  OrderForMirror,
  OrdersMappingError,
  buildEditDraft,
  buildInitialDraft,
  buildPaymentOperation,
  ordersTaxLines,
} from "../orders"
import { LineItemInput } from "../lines"
import { planEditPayments } from "../orders-mirror/plan-edit"

/**
 * The JSON bodies of Dintero's guide "Update an order where existing items are reversed and new items are added"
 * (the project's seed 000), kept in the repository as the fixture every run reads.
 */
const seed = JSON.parse(readFileSync(join(__dirname, "fixtures/seed-000-order-edit.json"), "utf8"))

const outdoorChair: LineItemInput = {
  id: "ordli_outdoor",
  title: "Stablestol for utendørsbruk",
  variant_title: "Staplestol",
  variant_sku: "175938",
  variant_id: "variant_outdoor",
  quantity: 2,
  total: 398, // 2 × 199.00 NOK incl. 25% VAT
  tax_total: "79.6",
  tax_lines: [{ rate: 25 }],
  created_at: "2026-01-05T10:00:00Z",
}

const indoorChair: LineItemInput = {
  id: "ordli_indoor",
  title: "Stablestol for innendørsbruk",
  variant_title: "Staplestol Lux",
  variant_sku: "003929",
  quantity: 1,
  total: { value: "398.00" },
  tax_total: "79.60",
  tax_lines: [{ rate: "25" }],
  created_at: "2026-01-06T10:00:00Z",
}

describe("the seed: reverse an item and add a new one", () => {
  const {
    create_order: createBody,
    authorize_and_capture: authorizeBody,
    reverse_and_add: editBody,
    capture_reversed: captureReversed,
    capture_new: captureNew,
  } = seed

  it("builds the seed's create-order draft from a Medusa order", () => {
    const { body, snapshot } = buildInitialDraft(
      { id: "order_1", currency_code: "nok", items: [outdoorChair] },
      { generateOrderId: true }
    )
    expect(body).toEqual(createBody)
    expect(JSON.stringify(body)).toBe(JSON.stringify(createBody)) // same key order as the documented body
    expect(snapshot).toEqual({
      lines: [
        {
          medusa_id: "ordli_outdoor",
          line_id: 1,
          id: "175938",
          quantity: 2,
          gross_amount: 39800,
          tax_lines: [{ amount: 7960, percentage: 25 }],
          description: "Stablestol for utendørsbruk",
          description_alias: "Staplestol",
        },
      ],
      next_line_id: 2,
      rounding: 0, // Medusa's total is its lines' (orderRounding)
    })
  })

  it("builds the seed's authorize/capture body", () => {
    expect(buildPaymentOperation([{ line_id: 1, amount: 39800 }], "PID_123")).toEqual(authorizeBody)
  })

  it("builds EXACTLY the seed's reversal draft when item 175938 ×2 is replaced by 003929 ×1", () => {
    const { snapshot } = buildInitialDraft({ id: "order_1", currency_code: "NOK", items: [outdoorChair] }, { generateOrderId: true })
    const edit = buildEditDraft("{order_id}", snapshot, { id: "order_1", currency_code: "NOK", items: [indoorChair] })
    expect(edit).not.toBeNull()
    expect(edit!.body).toEqual(editBody)
    expect(JSON.stringify(edit!.body)).toBe(JSON.stringify(editBody))
    expect(edit!.reversed).toEqual([{ line_id: 2, reverses_line_id: 1, medusa_id: "ordli_outdoor", gross_amount: -39800 }])
    expect(edit!.added.map((line) => line.line_id)).toEqual([3])
    expect(edit!.snapshot).toEqual({
      lines: [
        {
          medusa_id: "ordli_indoor",
          line_id: 3,
          id: "003929",
          quantity: 1,
          gross_amount: 39800,
          tax_lines: [{ amount: 7960, percentage: 25 }],
          description: "Stablestol for innendørsbruk",
          description_alias: "Staplestol Lux",
        },
      ],
      next_line_id: 4,
      rounding: 0,
    })
    // and the payment records that follow it
    expect(buildPaymentOperation([{ line_id: 2, amount: -39800 }], "PID_123")).toEqual(captureReversed)
    expect(buildPaymentOperation([{ line_id: 3, amount: 39800 }], "PID_123")).toEqual(captureNew)
  })
})

describe("a reduction beyond the lines' tax", () => {
  it("takes the line below its tax with the VAT recomputed at its rate; only more than the lines are worth is an OrdersMappingError", () => {
    // One line of 100.00 incl. 20.00 VAT: 80.00 of a gift card leave it at its tax; 1 øre more reaches into the tax.
    const lines = order([item("a", 1, "100", "20", "2026-01-01T00:00:00Z")])
    expect(buildInitialDraft(lines, { generateOrderId: true }, [], 8000).body.order.items[0]).toEqual(
      expect.objectContaining({ gross_amount: 2000, tax_lines: [{ amount: 2000, percentage: 25 }] })
    )
    // 19.99 incl. 25 % VAT holds 4.00 (3.998 rounded).
    expect(buildInitialDraft(lines, { generateOrderId: true }, [], 8001).body.order.items[0]).toEqual(
      expect.objectContaining({ gross_amount: 1999, tax_lines: [{ amount: 400, percentage: 25 }] })
    )
    expect(buildInitialDraft(lines, { generateOrderId: true }, [], 10000).body.order.items[0]).toEqual(
      expect.objectContaining({ gross_amount: 0, tax_lines: [{ amount: 0, percentage: 25 }] })
    )
    const refused = (() => {
      try {
        buildInitialDraft(lines, { generateOrderId: true }, [], 10001)
      } catch (e) {
        return e
      }
    })()
    expect(refused).toBeInstanceOf(OrdersMappingError)
    expect((refused as Error).message).toContain("take off 10001 (minor units), more than the order's lines can still carry (10000)")
  })
})

function order(items: LineItemInput[], shipping: OrderForMirror["shipping_methods"] = []): OrderForMirror {
  return { id: "order_1", currency_code: "NOK", items, shipping_methods: shipping }
}

const item = (id: string, quantity: number, total: string, tax: string, created: string): LineItemInput => ({
  id,
  title: `Item ${id}`,
  variant_sku: `SKU-${id}`,
  quantity,
  total,
  tax_total: tax,
  tax_lines: [{ rate: 25 }],
  created_at: created,
})

describe("buildInitialDraft", () => {
  it("numbers items in creation order, then shipping methods", () => {
    const { body, snapshot } = buildInitialDraft(
      order(
        [item("b", 1, "200", "40", "2026-01-02T00:00:00Z"), item("a", 1, "100", "20", "2026-01-01T00:00:00Z")],
        [{ id: "ordsm_1", name: "Bring", shipping_option_id: "so_bring", total: "49", tax_total: "9.80", tax_lines: [{ rate: 25 }] }]
      ),
      { generateOrderId: false }
    )
    expect(body.options).toEqual({})
    expect(body.order.items.map((line) => [line.line_id, line.id, line.gross_amount])).toEqual([
      [1, "SKU-a", 10000],
      [2, "SKU-b", 20000],
      [3, "so_bring", 4900],
    ])
    expect(body.order.items[2]).toEqual({
      id: "so_bring",
      line_id: 3,
      quantity: 1,
      gross_amount: 4900,
      tax_lines: [{ amount: 980, percentage: 25 }],
      description: "Bring",
    })
    expect(snapshot.lines.map((line) => line.medusa_id)).toEqual(["a", "b", "shipping:ordsm_1"])
    expect(snapshot.next_line_id).toBe(4)
  })

  it("leaves out items an edit removed (quantity 0)", () => {
    const { snapshot } = buildInitialDraft(order([item("a", 0, "0", "0", "2026-01-01T00:00:00Z")]), { generateOrderId: true })
    expect(snapshot.lines).toEqual([])
  })

  it("works for 0- and 3-decimal currencies", () => {
    const jpy = buildInitialDraft({ ...order([item("a", 1, "1100", "100", "x")]), currency_code: "jpy" }, { generateOrderId: true })
    expect(jpy.body.order).toEqual({
      currency: "JPY",
      items: [expect.objectContaining({ gross_amount: 1100, tax_lines: [{ amount: 100, percentage: 25 }] })],
    })
    const kwd = buildInitialDraft({ ...order([item("a", 1, "1.2345", "0.2469", "x")]), currency_code: "KWD" }, { generateOrderId: true })
    expect(kwd.body.order.items[0]).toMatchObject({ gross_amount: 1235, tax_lines: [{ amount: 247, percentage: 25 }] })
  })
})

describe("ordersTaxLines", () => {
  it("gives one tax line all the tax", () => {
    expect(ordersTaxLines([{ rate: 25 }], 39800, 7960)).toEqual([{ amount: 7960, percentage: 25 }])
  })
  it("splits several tax lines by rate, adding up exactly", () => {
    expect(ordersTaxLines([{ rate: 10 }, { rate: "2.5" }], 11250, 1250)).toEqual([
      { amount: 1000, percentage: 10 },
      { amount: 250, percentage: 2.5 },
    ])
    // 1001 over three equal rates: the remainder goes to the first
    expect(ordersTaxLines([{ rate: 5 }, { rate: 5 }, { rate: 5 }], 7675, 1001)).toEqual([
      { amount: 334, percentage: 5 },
      { amount: 334, percentage: 5 },
      { amount: 333, percentage: 5 },
    ])
    expect(ordersTaxLines([{ rate: 5 }, { rate: 5 }, { rate: 5 }], -7675, -1001).map((t) => t.amount)).toEqual([-334, -334, -333])
  })
  it("derives a rate when there are no tax lines, none when untaxed", () => {
    expect(ordersTaxLines([], 12500, 2500)).toEqual([{ amount: 2500, percentage: 25 }])
    expect(ordersTaxLines(undefined, 10000, 0)).toEqual([])
    expect(ordersTaxLines([{ rate: 0 }, { rate: 0 }], 10000, 0)).toEqual([
      { amount: 0, percentage: 0 },
      { amount: 0, percentage: 0 },
    ])
  })
  it("property: the parts always add up to the tax", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 3000 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: -1e9, max: 1e9 }),
        (hundredths, tax) => {
          const lines = ordersTaxLines(
            hundredths.map((h) => ({ rate: (h / 100).toFixed(2) })),
            tax * 5,
            tax
          )
          expect(lines.reduce((sum, line) => sum + line.amount, 0)).toBe(tax)
          lines.forEach((line) => expect(Number.isSafeInteger(line.amount)).toBe(true))
        }
      )
    )
  })
})

describe("buildEditDraft", () => {
  const a = item("a", 2, "200", "40", "2026-01-01T00:00:00Z")
  const b = item("b", 1, "50", "10", "2026-01-02T00:00:00Z")
  const ship = { id: "ordsm_1", name: "Bring", total: "49", tax_total: "9.8", tax_lines: [{ rate: 25 }] }
  const initial = buildInitialDraft(order([a, b], [ship]), { generateOrderId: true }).snapshot

  it("returns null when nothing recorded changed (a new title is cosmetic)", () => {
    expect(buildEditDraft("ORD1", initial, order([a, b], [ship]))).toBeNull()
    expect(buildEditDraft("ORD1", initial, order([{ ...a, title: "Renamed" }, b], [ship]))).toBeNull()
  })

  it("reverses a line whose quantity changed and adds it again with a fresh line id", () => {
    const edit = buildEditDraft("ORD1", initial, order([{ ...a, quantity: 3, total: "300", tax_total: "60" }, b], [ship]))!
    expect(edit.body).toEqual({
      options: { order_id: "ORD1" },
      order: {
        currency: "NOK",
        items: [
          {
            id: "SKU-a",
            line_id: 4,
            quantity: 2,
            gross_amount: -20000,
            tax_lines: [{ amount: -4000, percentage: 25 }],
            description: "Item a",
            reversed_reason: "Quantity increased",
            related_item: { line_id: 1, type: "reversed" },
          },
          {
            id: "SKU-a",
            line_id: 5,
            quantity: 3,
            gross_amount: 30000,
            tax_lines: [{ amount: 6000, percentage: 25 }],
            description: "Item a",
          },
        ],
      },
    })
    expect(edit.snapshot.lines.map((line) => [line.medusa_id, line.line_id])).toEqual([
      ["a", 5],
      ["b", 2],
      ["shipping:ordsm_1", 3],
    ])
    expect(edit.snapshot.next_line_id).toBe(6)
  })

  it("reverses a removed line (gone, or quantity 0) without adding anything", () => {
    for (const current of [order([a], [ship]), order([a, { ...b, quantity: 0, total: 0, tax_total: 0 }], [ship])]) {
      const edit = buildEditDraft("ORD1", initial, current)!
      expect(edit.body.order.items).toEqual([
        expect.objectContaining({ line_id: 4, gross_amount: -5000, related_item: { line_id: 2, type: "reversed" } }),
      ])
      expect(edit.added).toEqual([])
      expect(edit.reversed).toEqual([{ line_id: 4, reverses_line_id: 2, medusa_id: "b", gross_amount: -5000 }])
      expect(edit.snapshot.lines.map((line) => line.line_id)).toEqual([1, 3])
    }
  })

  it("says on every reversal what happened: 'Replace item' only when the edit brings another item instead", () => {
    const c = item("c", 1, "10", "2", "2026-01-03T00:00:00Z")
    const reasons = (current: ReturnType<typeof order>) =>
      buildEditDraft("ORD1", initial, current)!.body.order.items.filter((i) => i.related_item).map((i) => [i.related_item!.line_id, i.reversed_reason])
    expect(reasons(order([a], [ship]))).toEqual([[2, "Item removed"]])
    expect(reasons(order([a, { ...b, quantity: 0, total: 0, tax_total: 0 }], [ship]))).toEqual([[2, "Item removed"]])
    expect(reasons(order([{ ...a, quantity: 1, total: "100", tax_total: "20" }, b], [ship]))).toEqual([[1, "Quantity decreased"]])
    expect(reasons(order([a, c], [ship]))).toEqual([[2, "Replace item"]])
    expect(reasons(order([a, { ...b, total: "45", tax_total: "9" }], [{ ...ship, total: 0, tax_total: 0 }]))).toEqual([
      [2, "Price changed"],
      [3, "Price changed"],
    ])
  })

  it("adds a new line without reversing anything", () => {
    const c = item("c", 1, "10", "2", "2026-01-03T00:00:00Z")
    const edit = buildEditDraft("ORD1", initial, order([a, b, c], [ship]))!
    expect(edit.reversed).toEqual([])
    expect(edit.body.order.items).toEqual([expect.objectContaining({ id: "SKU-c", line_id: 4, gross_amount: 1000 })])
    expect(edit.snapshot.lines.map((line) => line.medusa_id)).toEqual(["a", "b", "c", "shipping:ordsm_1"])
  })

  it("treats a changed discount (gross amount) and a changed shipping price as changes", () => {
    const edit = buildEditDraft(
      "ORD1",
      initial,
      order([a, { ...b, total: "45", tax_total: "9" }], [{ ...ship, total: 0, tax_total: 0 }]))!
    expect(edit.reversed.map((line) => line.reverses_line_id)).toEqual([2, 3])
    expect(edit.added.map((line) => [line.medusa_id, line.line_id, line.gross_amount])).toEqual([
      ["b", 6, 4500],
      ["shipping:ordsm_1", 7, 0],
    ])
  })

  it("never reuses line ids across successive edits", () => {
    const first = buildEditDraft("ORD1", initial, order([{ ...a, quantity: 1, total: "100", tax_total: "20" }, b], [ship]))!
    const second = buildEditDraft("ORD1", first.snapshot, order([{ ...a, quantity: 4, total: "400", tax_total: "80" }, b], [ship]))!
    const ids = [...initial.lines, ...first.body.order.items, ...second.body.order.items].map((line) => line.line_id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(second.body.order.items.map((line) => [line.line_id, line.related_item?.line_id])).toEqual([
      [6, 5],
      [7, undefined],
    ])
  })

  it("stays above every known line id even if next_line_id was stored too low", () => {
    const stale: MirrorSnapshot = { ...initial, next_line_id: 2 }
    const edit = buildEditDraft("ORD1", stale, order([a], [ship]))!
    expect(edit.body.order.items[0].line_id).toBe(4)
  })

  it("records a Medusa line below zero at 0: its held money goes to the refund-remaining line, not a negative new line", () => {
    // Ledger property seed 1234 path 4 (NOK, 40 % and fixed promotions, 98 % refund, edit 2 → 1): Medusa left the
    // line at −0.4675 NOK; the Orders API takes negative amounts only on reversal lines.
    const pute: LineItemInput = { id: "ordli_pute", title: "Pute 1", variant_sku: "PUTE-1", quantity: 2, total: "0.63", tax_total: "0.126", tax_lines: [{ rate: 25 }], created_at: "2026-01-01T00:00:00Z" }
    const freeShip = { id: "ordsm_1", name: "Posten", total: 0, tax_total: 0, tax_lines: [{ rate: 25 }] }
    const before = buildInitialDraft(order([pute], [freeShip]), { generateOrderId: true }).snapshot
    const edit = buildEditDraft("ORD1", before, order([{ ...pute, quantity: 1, total: "-0.4675", tax_total: "-0.0935" }], [freeShip]))!
    expect(edit.body.order.items).toEqual([
      expect.objectContaining({ line_id: 3, quantity: 2, gross_amount: -63, tax_lines: [{ amount: -13, percentage: 25 }], related_item: { line_id: 1, type: "reversed" } }),
      expect.objectContaining({ line_id: 4, quantity: 1, gross_amount: 0, tax_lines: [{ amount: 0, percentage: 25 }] }),
    ])
    expect(edit.notes).toEqual([expect.stringContaining('"Pute 1" totals -47 (minor units, NOK), below zero')])
    const plan = planEditPayments({
      reversed: edit.reversed,
      added: edit.added,
      payments: ["T1"],
      authorized: (_tx, line) => (line === 1 ? 63 : 0),
      captured: (_tx, line) => (line === 1 ? 63 : 0),
      nextLineId: edit.snapshot.next_line_id,
      reversedTax: [[{ percentage: 25 }]],
      currency: "NOK",
    })
    expect(plan.refundRemaining).toEqual(expect.objectContaining({ line_id: 5, gross_amount: 63 }))
    expect(plan.unauthorized).toBe(0)
    // The same order edited again (nothing changed) is no draft: the zero line is what the mirror recorded.
    expect(buildEditDraft("ORD1", edit.snapshot, order([{ ...pute, quantity: 1, total: "-0.4675", tax_total: "-0.0935" }], [freeShip]))).toBeNull()
  })

  it("validates its inputs", () => {
    expect(() => buildEditDraft("", initial, order([a]))).toThrow(/Dintero order id/)
    expect(() => buildEditDraft("ORD1", { lines: [], next_line_id: 0 }, order([a]))).toThrow(/next_line_id/)
  })

  it("property: replaying random edits keeps line ids unique and the mirror's net total equal to the order", () => {
    const edits = fc.array(
      fc.array(fc.record({ present: fc.boolean(), quantity: fc.integer({ min: 0, max: 4 }), price: fc.integer({ min: 0, max: 3 }) }), {
        minLength: 4,
        maxLength: 4,
      }),
      { minLength: 1, maxLength: 6 }
    )
    fc.assert(
      fc.property(edits, (steps) => {
        const orderAt = (step: { present: boolean; quantity: number; price: number }[]) =>
          order(
            step
              .map((line, i) => ({ ...line, i }))
              .filter((line) => line.present)
              .map((line) => {
                const gross = line.quantity * (100 + line.price * 25)
                return item(`i${line.i}`, line.quantity, String(gross), String(gross / 5), `2026-01-0${line.i + 1}T00:00:00Z`)
              })
          )
        const initial = buildInitialDraft(orderAt(steps[0]), { generateOrderId: true })
        let snapshot = initial.snapshot
        const sent = [...initial.body.order.items]
        for (const step of steps.slice(1)) {
          const edit = buildEditDraft("ORD1", snapshot, orderAt(step))
          if (!edit) continue
          sent.push(...edit.body.order.items)
          snapshot = edit.snapshot
        }
        const ids = sent.map((line) => line.line_id)
        expect(new Set(ids).size).toBe(ids.length)
        const last = buildInitialDraft(orderAt(steps[steps.length - 1]), { generateOrderId: true }).snapshot
        const net = sent.reduce((sum, line) => sum + line.gross_amount, 0)
        expect(net).toBe(last.lines.reduce((sum, line) => sum + line.gross_amount, 0))
        const netTax = sent.reduce((sum, line) => sum + line.tax_lines.reduce((s, t) => s + t.amount, 0), 0)
        expect(netTax).toBe(last.lines.reduce((sum, line) => sum + line.tax_lines[0]?.amount, 0))
        expect(snapshot.lines.map((line) => line.medusa_id)).toEqual(last.lines.map((line) => line.medusa_id))
      }),
      { numRuns: 300 }
    )
  })
})

describe("buildPaymentOperation", () => {
  it("refuses a missing payment id and non-integer line ids or amounts", () => {
    expect(() => buildPaymentOperation([{ line_id: 1, amount: 1 }], " ")).toThrow(/payment_id/)
    expect(() => buildPaymentOperation([{ line_id: 1.5, amount: 1 }], "T1")).toThrow(/line_id/)
    expect(() => buildPaymentOperation([{ line_id: 1, amount: 0.5 }], "T1")).toThrow(/not an integer amount/)
  })
  it("keeps negative amounts (captures of reversed lines)", () => {
    expect(buildPaymentOperation([{ line_id: 2, amount: -39800 }], "T1").items).toEqual([{ amount: -39800, line_id: 2 }])
  })
})
