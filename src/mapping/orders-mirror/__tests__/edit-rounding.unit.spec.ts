import { buildEditDraft, medusaTotalToMinorUnits, orderRounding, ROUNDING_MEDUSA_ID, type OrderForMirror, type PaymentOperationBody } from "../../orders"
import { sumToMinorUnits, toMinorUnits } from "../../money"
import { buildSessionOrder } from "../../session"
import { allocateToOrders } from "../allocate"
import { editRounding } from "../edit-rounding"
import { at, perLine, type OrdersRecords } from "../ledger"
import { liveLines, type MirrorState } from "../state"
import { planOrderEdit } from "../../../workflows/outbox/handlers/order-edit"
import { planOrderPlaced, planPlacement } from "../../../workflows/outbox/handlers/order-placed"
import { planPartAuthorization } from "../../../workflows/outbox/handlers/part-authorization"

/**
 * Issue 9's open 1 øre finding (ledger property, seen once in CI): a tax-exclusive SEK order with a fixed promotion,
 * its odd-øre item raised 1 → 2 before capture. Medusa's total after the edit was 1539.23 while its lines, each rounded
 * to the øre, made 1539.22; the payment link asked Medusa's difference (18.83) and the edited Orders lines had room for
 * 18.82. These carts reproduce it with those figures, end to end through the mirror's pure planning: placement, the
 * edit, the link's part authorization, captures and a refund.
 */

type Line = [id: string, total: string, tax: string, quantity?: number]

/** A SEK order (prices without VAT, 25 %): items, then one shipping method of 69.00 (13.80 VAT). */
function sekOrder(items: Line[], shipping: [string, string] = ["69.00", "13.80"]): OrderForMirror & { total: string } {
  const order = {
    id: "order_1",
    currency_code: "sek",
    items: items.map(([id, total, tax_total, quantity], i) => ({
      id,
      title: `Item ${id}`,
      variant_sku: `SKU-${id}`,
      quantity: quantity ?? 1,
      total,
      tax_total,
      tax_lines: [{ rate: 25 }],
      created_at: new Date(Date.UTC(2026, 10, 29, 12, 0, i)).toISOString(),
    })),
    shipping_methods: [{ id: "ship_1", name: "Posten", shipping_option_id: "so_1", total: shipping[0], tax_total: shipping[1], tax_lines: [{ rate: 25 }] }],
  }
  // Medusa's total: the sum of the unrounded line totals.
  const exact = [...order.items.map((i) => i.total), ...order.shipping_methods.map((s) => s.total)]
  return { ...order, total: String(sumToMinorUnits(exact, "SEK") / 100) }
}

const emptyRecords = (): OrdersRecords => ({ authorizations: [], captures: [], refunds: [], cancellations: [] })
const record = (records: OrdersRecords, kind: keyof OrdersRecords, body: PaymentOperationBody) => records[kind].push(body)

/** The Orders order as the mirror plans it: placement, then the edit, then the payment link's authorization. */
function mirror(placed: ReturnType<typeof sekOrder>, edited: ReturnType<typeof sekOrder>) {
  // The Checkout session and transaction of the cart the order was placed from (its rounding line included).
  const session = buildSessionOrder({ ...placed, id: "cart_1", items: placed.items.map((i) => ({ ...i, id: `ca${i.id}` })) } as never)
  const tx = { items: [...session.items, ...(session.shipping_option ? [{ ...session.shipping_option, line_id: session.shipping_option.line_id, type: "shipping" }] : [])] }
  const placement = planOrderPlaced({ ...placed, payment_collections: [] } as never, { id: "pay_1" }, "T1", tx as never, { generateOrderId: true })
  const records = emptyRecords()
  record(records, "authorizations", placement.authorization)
  const held: number = session.amount as number

  const edit = buildEditDraft("D1", placement.state.snapshot, edited, editRounding(placement.state.snapshot, edited))!
  const plan = planOrderEdit({ state: placement.state, edit, records, voided: [] })
  for (const r of plan.records) record(records, r.kind, { items: r.items, payment_details: { payment_id: r.payment_id }, success: true })
  const state: MirrorState = plan.state

  // The payment link asks what Medusa's total needs beyond the kept authorization.
  const link = toMinorUnits(edited.total, "SEK") - held
  const itemTotal = liveLines(state).filter((l) => l.role === "item").reduce((s, l) => s + l.gross_amount, 0)
  return { session, held, plan, state, records, link, itemTotal }
}

/** Σ of the live lines' authorizations per payment, less cancellations and captures: what each can still capture. */
function room(records: OrdersRecords, payment: string) {
  const a = perLine(records, "authorizations", payment)
  const x = perLine(records, "cancellations", payment)
  const c = perLine(records, "captures", payment)
  return (line: number) => at(a, line) - at(x, line) - at(c, line)
}

// The finding's figures: the odd-øre item 15.06 + 25 % = 18.825 each; two lines a fixed promotion left with
// fractions of an øre. Placed: lines 143 257 + 1 883 + 6 900 = 152 040, the total 1520.403 → 152 040 (no rounding).
// Edited (odd item 1 → 2 = 37.65): lines 143 257 + 3 765 + 6 900 = 153 922, the total 1539.228 → 153 923.
const placedFinding = sekOrder([["odd", "18.825", "3.765"], ["a", "716.284", "143.2568"], ["b", "716.294", "143.2588"]])
const editedFinding = sekOrder([["odd", "37.65", "7.53", 2], ["a", "716.284", "143.2568"], ["b", "716.294", "143.2588"]])

describe("orderRounding: Medusa's total against its lines rounded one by one", () => {
  it("is the finding's 1 øre: 153 923 against 153 922", () => {
    expect(toMinorUnits(editedFinding.total, "SEK")).toBe(153923)
    expect(orderRounding(placedFinding)).toBe(0)
    expect(orderRounding(editedFinding)).toBe(1)
  })

  it("goes either way, by more than 1 øre with more lines", () => {
    // Four lines each half an øre below: rounded up one by one they are 2 øre above the total.
    expect(orderRounding(sekOrder([["a", "1.005", "0.201"], ["b", "2.005", "0.401"], ["c", "3.005", "0.601"], ["d", "4.005", "0.801"]]))).toBe(-2)
    // Five lines each 0.4 øre above a whole øre: rounded down one by one they miss 2 øre of the total.
    expect(orderRounding(sekOrder([["a", "1.004", "0.2"], ["b", "2.004", "0.4"], ["c", "3.004", "0.6"], ["d", "4.004", "0.8"], ["e", "5.004", "1"]]))).toBe(2)
  })
})

describe("an edit keeps the Orders order worth Medusa's total (issue 9, the open 1 øre finding)", () => {
  it("the finding: the payment link's 18.83 is authorized whole, on the edited lines and a rounding line", () => {
    const m = mirror(placedFinding, editedFinding)
    expect(m.link).toBe(1883)
    // The Orders order is worth Medusa's new total, not the sum of its rounded lines.
    expect(m.itemTotal).toBe(153923)
    const rounding = m.state.lines.find((l) => l.medusa_id === ROUNDING_MEDUSA_ID && l.reversed_by === undefined)
    expect(rounding).toMatchObject({ gross_amount: 1, from_edit: true })
    expect(m.plan.draft.order.items).toContainEqual(expect.objectContaining({ id: "rounding", gross_amount: 1, description: "Rounding", tax_lines: [] }))
    expect(m.plan.unauthorized).toBe(1883)

    const part = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: m.link, records: m.records, state: m.state })
    if (part.status !== "planned") throw new Error(`part authorization ${part.status}: ${part.reason}`)
    expect(part.plan.unplaced).toBe(0)
    expect(part.plan.body.items.reduce((s, i) => s + i.amount, 0)).toBe(1883)
  })

  it("later partial captures of both payments and a refund of the link's allocate without needs_action, the rounding line included", () => {
    const m = mirror(placedFinding, editedFinding)
    const part = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: m.link, records: m.records, state: m.state })
    if (part.status !== "planned") throw new Error(part.reason)
    record(m.records, "authorizations", part.plan.body)
    const lines = liveLines(m.state)
    const capture = (payment: string, amount: number) => {
      const items = allocateToOrders({ kind: "capture", amount, checkoutLines: m.state.checkout_lines, lines, room: room(m.records, payment) })
      record(m.records, "captures", { items: items.map(({ line_id, amount }) => ({ line_id, amount })), payment_details: { payment_id: payment }, success: true })
    }
    // The link's money first in two parts (its 1 øre last), then the kept authorization in two.
    capture("T2", 1000)
    capture("T2", 883)
    capture("T1", 100000)
    capture("T1", m.held - 100000)
    const captured = perLine(m.records, "captures")
    // Every live line is captured to its gross: the rounding line too, nothing left over or missing.
    for (const line of lines) expect([line.line_id, at(captured, line.line_id)]).toEqual([line.line_id, line.gross_amount])
    // The link's payment refunded whole: back from the lines it was captured on, the rounding line included.
    const byLink = perLine(m.records, "captures", "T2")
    const refunded = allocateToOrders({ kind: "refund", amount: 1883, checkoutLines: m.state.checkout_lines, lines, room: (l) => at(byLink, l) })
    expect(refunded).toEqual([...byLink].filter(([, amount]) => amount > 0).map(([line_id, amount]) => ({ line_id, amount })).sort((x, y) => x.line_id - y.line_id))
  })

  // Medusa's rounding as placed → as edited (lines in tenths of an øre above or below their rounded øre). One changed
  // line moves the rounding by at most 1 øre; two move it by 2.
  it.each([
    ["+2 øre, two items 1 → 2 (no rounding at placement)", 0, 2,
      [["a", "1.004", "0.2"], ["b", "2.004", "0.4"], ["c", "3.004", "0.6"], ["d", "3.996", "0.8"], ["e", "4.996", "1"]],
      [["a", "1.004", "0.2"], ["b", "2.004", "0.4"], ["c", "3.004", "0.6"], ["d", "7.992", "1.6", 2], ["e", "9.992", "2", 2]]],
    ["−2 øre, two items 1 → 2: a rounding line up at placement becomes a reduction", 1, -1,
      [["a", "1.004", "0.2"], ["b", "2.004", "0.4"], ["c", "3.004", "0.6"]],
      [["a", "1.004", "0.2"], ["b", "4.0152", "0.8", 2], ["c", "6.0152", "1.2", 2]]],
    ["+1 øre from a rounding down at placement (−1, a reduction) to none", -1, 0,
      [["a", "1.005", "0.201"], ["b", "2.005", "0.401"]],
      [["a", "1.005", "0.201"], ["b", "4.01", "0.802", 2]]],
    ["a lower total (2 → 1), the rounding line up at placement goes", 1, 0,
      [["a", "1.004", "0.2"], ["b", "8.012", "1.6", 2]],
      [["a", "1.004", "0.2"], ["b", "4.006", "0.8"]]],
    ["a lower total (2 → 1), the rounding 0 → −1 (a reduction)", 0, -1,
      [["a", "1.006", "0.2"], ["b", "8.012", "1.6", 2]],
      [["a", "1.006", "0.2"], ["b", "4.006", "0.8"]]],
  ] as [string, number, number, Line[], Line[]][])("%s", (_name, placedRounding, editedRounding, before, after) => {
    const placed = sekOrder(before.map(([id, total, tax, q]) => [id, total, tax ?? "0", q] as Line))
    const edited = sekOrder(after.map(([id, total, tax, q]) => [id, total, tax ?? "0", q] as Line))
    // The premise: Medusa's rounding changes by the edit as the case says.
    expect([orderRounding(placed), orderRounding(edited)]).toEqual([placedRounding, editedRounding])
    const m = mirror(placed, edited)
    // The Orders order as placed equals the Checkout transaction; after the edit its lines equal Medusa's new total.
    expect(m.held).toBe(toMinorUnits(placed.total, "SEK"))
    expect(m.itemTotal).toBe(toMinorUnits(edited.total, "SEK"))
    // Only reversals carry negative amounts.
    expect(m.plan.draft.order.items.filter((i) => i.gross_amount < 0 && !i.related_item)).toEqual([])
    if (m.link > 0) {
      const part = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: m.link, records: m.records, state: m.state })
      if (part.status !== "planned") throw new Error(part.reason)
      expect(part.plan.unplaced).toBe(0)
      expect(m.plan.unauthorized).toBe(m.link)
    } else {
      // A lower total: what the kept authorization holds beyond it is on the refund-remaining line, to the øre.
      const remaining = m.state.lines.find((l) => l.role === "refund_remaining")
      expect(remaining?.gross_amount).toBe(-m.link)
      expect(m.plan.unauthorized).toBe(0)
    }
  })

  it("a second edit moves the rounding again from what the first recorded", () => {
    const first = mirror(placedFinding, editedFinding)
    // Back to one odd item: Medusa's rounding returns to 0, so the 1 øre rounding line goes.
    const again = buildEditDraft("D1", first.state.snapshot, placedFinding, editRounding(first.state.snapshot, placedFinding))!
    expect(again.snapshot.rounding).toBe(0)
    expect(again.snapshot.lines.reduce((s, l) => s + l.gross_amount, 0)).toBe(toMinorUnits(placedFinding.total, "SEK"))
    expect(again.snapshot.lines.some((l) => l.medusa_id === ROUNDING_MEDUSA_ID)).toBe(false)
  })

  it("a snapshot recorded before the rounding was kept counts its rounding line as the rounding", () => {
    const placement = mirror(placedFinding, editedFinding)
    const { rounding: _kept, ...legacy } = planOrderPlaced({ ...placedFinding, payment_collections: [] } as never, { id: "pay_1" }, "T1", { items: placement.session.items } as never, { generateOrderId: true }).state.snapshot
    const edit = buildEditDraft("D1", legacy, editedFinding, editRounding(legacy, editedFinding))!
    expect(edit.snapshot.lines.reduce((s, l) => s + l.gross_amount, 0)).toBe(153923)
  })
})

/**
 * Issue 9, a placement mirrored after an edit: the order_placed operation ran only after the order was edited (its
 * attempts failed through an Orders API outage lasting past the edit, or its event was lost and a later payment
 * record or the reconciliation enqueued it). It read the edited order and recorded the edited lines as placed, with
 * an authorization of every line's full amount: more than the Checkout transaction holds. The edit's operation then
 * found nothing changed, and the payment link for the difference found 1 øre of room (1882 of its 1883 unplaced).
 * The cart is the http test's: 15.06 and 10.02 without VAT (18.825 and 12.525, the session's rounding −1), the first
 * raised 1 → 2 before capture (37.65, Medusa's rounding 0).
 */
describe("a placement mirrored after the order was edited (issue 9)", () => {
  const placed = sekOrder([["odd", "18.825", "3.765"], ["b", "12.525", "2.505"]])
  const edited = sekOrder([["odd", "37.65", "7.53", 2], ["b", "12.525", "2.505"]])
  const session = buildSessionOrder({ ...placed, id: "cart_1", items: placed.items.map((i) => ({ ...i, id: `ca${i.id}` })) } as never)
  const tx = { items: [...session.items, ...(session.shipping_option ? [{ ...session.shipping_option, type: "shipping" }] : [])], amount: session.amount as number }
  const sum = (items: { amount: number }[]) => items.reduce((s, i) => s + i.amount, 0)
  const asOrderRow = (order: OrderForMirror, version: number) => ({ ...order, version, payment_collections: [] }) as never

  it("the premise: the edited order, placed as it is, is authorized beyond what the Checkout transaction holds", () => {
    expect(session.items.find((i) => i.line_id === "rounding")?.amount).toBe(-1)
    const fromEdited = planOrderPlaced(asOrderRow(edited, 2), { id: "pay_1" }, "T1", tx as never, { generateOrderId: true })
    expect(sum(fromEdited.authorization.items)).toBeGreaterThan(tx.amount)
  })

  it("is placed as its payment paid for it (version 1), then brought to the edited order as reversed and new lines; the link's payment is recorded whole", () => {
    const plan = planPlacement({ current: asOrderRow(edited, 2), first: placed, payment: { id: "pay_1" }, transactionId: "T1", tx: tx as never, options: { generateOrderId: true } })
    expect(plan.placed_version).toBe(1)
    // The Orders order as placed is worth the Checkout transaction, and so is its authorization.
    expect(sum(plan.authorization.items)).toBe(tx.amount)
    expect(plan.state.snapshot.lines.reduce((s, l) => s + l.gross_amount, 0)).toBe(tx.amount)

    // The catch-up edit, planned as the handler plans it once the Dintero order exists (its records: the placement's).
    const records = emptyRecords()
    record(records, "authorizations", plan.authorization)
    const edit = buildEditDraft("D1", plan.state.snapshot, edited, editRounding(plan.state.snapshot, edited))!
    const caughtUp = planOrderEdit({ state: plan.state, edit, records, voided: [] })
    // History as an edit mirrored in time: the odd line reversed ("Quantity increased") and sent again at 2.
    expect(caughtUp.draft.order.items).toContainEqual(expect.objectContaining({ gross_amount: -1883, quantity: 1, reversed_reason: "Quantity increased" }))
    expect(caughtUp.draft.order.items).toContainEqual(expect.objectContaining({ gross_amount: 3765, quantity: 2 }))
    for (const r of caughtUp.records) record(records, r.kind, { items: r.items, payment_details: { payment_id: r.payment_id }, success: true })
    // The kept authorization still holds exactly the transaction; the edited lines are worth Medusa's new total.
    expect([...perLine(records, "authorizations", "T1").values()].reduce((s, a) => s + a, 0)).toBe(tx.amount)
    expect(liveLines(caughtUp.state).reduce((s, l) => s + l.gross_amount, 0)).toBe(toMinorUnits(edited.total, "SEK"))

    const link = toMinorUnits(edited.total, "SEK") - tx.amount
    expect(link).toBe(1883)
    const part = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: link, records, state: caughtUp.state })
    if (part.status !== "planned") throw new Error(`part authorization ${part.status}: ${part.reason}`)
    expect({ placed: sum(part.plan.body.items), unplaced: part.plan.unplaced }).toEqual({ placed: 1883, unplaced: 0 })
  })

  it("an unedited order, or a version 1 the transaction did not pay (a raised authorization), is placed as it is now", () => {
    const unedited = planPlacement({ current: asOrderRow(placed, 1), first: null, payment: { id: "pay_1" }, transactionId: "T1", tx: tx as never, options: { generateOrderId: true } })
    expect(unedited.placed_version).toBeUndefined()
    expect(sum(unedited.authorization.items)).toBe(tx.amount)
    const raised = { ...tx, amount: toMinorUnits(edited.total, "SEK") }
    const plan = planPlacement({ current: asOrderRow(edited, 2), first: placed, payment: { id: "pay_1" }, transactionId: "T1", tx: raised as never, options: { generateOrderId: true } })
    expect(plan.placed_version).toBeUndefined()
    expect(plan.state.snapshot.lines.find((l) => l.medusa_id === "odd")?.quantity).toBe(2)
  })
})

/**
 * Issue 9's 1 øre seen only with two http files at a time (seed 1234's 21st run): SEK, a fixed promotion across the
 * items, 15.06 raised 1 → 2 before capture, the link asking 18.83 and the Orders API recording 18.82. The load only
 * decided which payment the run captured first (the admin API lists the kept authorization and the link in no fixed
 * order); captured first, the link's authorization is recorded and compared. The figures are Medusa's, read in the
 * replica test (its `raw_total`s): the edited lines sum to 1539.224999999999993 (so does Medusa's own
 * `raw_current_order_total`) for a total that is exactly 1539.225, noise of Medusa's 20-digit arithmetic. The link
 * asked 18.83 (the payment collection, read as a number, is 1539.225); rounded exactly the sum gave no rounding move.
 */
describe("Medusa's rounding rounds away its own noise (issue 9, seed 1234's 21st run)", () => {
  const placed = sekOrder([["odd", "18.04872095519627425", "3.6", 1], ["a", "286.67025580896074375", "57.33"], ["b", "1146.681023235842975", "229.34", 2]], ["69", "13.8"])
  const edited = sekOrder([["odd", "36.87372095519627425", "7.37", 2], ["a", "286.67025580896074375", "57.33"], ["b", "1146.681023235842975", "229.34", 2]], ["69", "13.8"])

  it("the premise: the exact sum is a hair below the half øre", () => {
    expect(sumToMinorUnits(edited.items.map((i) => i.total).concat("69"), "SEK")).toBe(153922)
  })

  it("the edited order's rounding is the øre its total asks for; the placed order's stays 0", () => {
    expect(medusaTotalToMinorUnits([...edited.items.map((i) => i.total), "69"], "SEK")).toBe(153923)
    expect(orderRounding(edited)).toBe(1)
    expect(orderRounding(placed)).toBe(0)
  })

  it("an edit then moves the rounding line by it, and the link's 18.83 is recorded whole", () => {
    const m = mirror({ ...placed, total: "1520.40" }, { ...edited, total: "1539.225" })
    expect(m.link).toBe(1883)
    expect(m.itemTotal).toBe(153923)
    const part = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: m.link, records: m.records, state: m.state })
    if (part.status !== "planned") throw new Error(part.reason)
    expect({ placed: part.plan.body.items.reduce((s, i) => s + i.amount, 0), unplaced: part.plan.unplaced }).toEqual({ placed: 1883, unplaced: 0 })
  })

  it("keeps 15 significant digits: real fractions of an øre still round as before", () => {
    expect(medusaTotalToMinorUnits(["18.825", "12.525"], "SEK")).toBe(3135)
    expect(medusaTotalToMinorUnits(["1.004", "2.004"], "SEK")).toBe(301)
    expect(medusaTotalToMinorUnits(["-1539.224999999999993"], "SEK")).toBe(-153923)
  })
})
