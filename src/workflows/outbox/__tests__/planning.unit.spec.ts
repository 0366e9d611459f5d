import type { EditDraft, MirroredLine, PaymentOperationBody } from "../../../mapping/orders"
import { heldBy, type OrdersRecords } from "../../../mapping/orders-mirror/ledger"
import type { MirrorState } from "../../../mapping/orders-mirror/state"
import { findCheckoutEvent, paymentRecordReference } from "../checkout-references"
import { planCancellation } from "../handlers/cancellation"
import { orderedTransactions, planOrderEdit } from "../handlers/order-edit"
import { awaitingPayment, checkoutAsRecorded, planOrderPlaced, sanitizeOrderId, unpaidOutcome } from "../handlers/order-placed"
import { liveLines } from "../../../mapping/orders-mirror/state"
import { pendingVoidKey, planPartAuthorization } from "../handlers/part-authorization"
import { planPaymentRecord } from "../handlers/payment-record"

const rec = (payment: string, items: [number, number][], extra: Record<string, unknown> = {}) => ({
  items: items.map(([line_id, amount]) => ({ line_id, amount })),
  payment_details: { payment_id: payment },
  ...extra,
})
const records = (r: Partial<OrdersRecords> = {}): OrdersRecords => ({ authorizations: [], captures: [], refunds: [], cancellations: [], ...r })
const body = (payment: string, items: [number, number][]): PaymentOperationBody => ({
  items: items.map(([line_id, amount]) => ({ amount, line_id })),
  payment_details: { payment_id: payment },
  success: true,
})

const snapLine = (line_id: number, gross: number): MirroredLine => ({
  medusa_id: `ordli_${line_id}`, line_id, id: `SKU${line_id}`, quantity: 1, gross_amount: gross, tax_lines: [{ amount: gross / 5, percentage: 25 }], description: `Item ${line_id}`,
})

/** An order of two lines (1: 1000, 2: 500) placed with payment pay_1 = Dintero T1. */
const state = (over: Partial<MirrorState> = {}): MirrorState => ({
  snapshot: { lines: [snapLine(1, 1000), snapLine(2, 500)], next_line_id: 3 },
  lines: [
    { line_id: 1, medusa_id: "ordli_1", role: "item", gross_amount: 1000, from_edit: false },
    { line_id: 2, medusa_id: "ordli_2", role: "item", gross_amount: 500, from_edit: false },
  ],
  checkout_lines: { cali_1: "ordli_1", cali_2: "ordli_2" },
  payments: { pay_1: "T1" },
  original_payment_id: "pay_1",
  ...over,
})

describe("checkout references", () => {
  it("numbers captures/refunds per payment, 1-based, with the amount", () => {
    expect(paymentRecordReference("pay_1", "capture", 0, 1500)).toBe("pay_1-c1-1500")
    expect(paymentRecordReference("pay_1", "refund", 2, 300)).toBe("pay_1-r3-300")
  })

  it("finds the successful event by reference; an unreferenced lone capture of the same amount is auto-capture", () => {
    const tx = { events: [{ event: "CAPTURE", amount: 1500, success: false, event_reference: "r" }, { event: "CAPTURE", amount: 1500, success: true, event_reference: "r", id: "ok" }] }
    expect(findCheckoutEvent(tx, "CAPTURE", "r", 1500)?.id).toBe("ok")
    const auto = { events: [{ event: "CAPTURE", amount: 1500, success: true, id: "auto" }] }
    expect(findCheckoutEvent(auto, "CAPTURE", "pay_1-c1-1500", 1500)?.id).toBe("auto")
    expect(findCheckoutEvent(auto, "CAPTURE", "pay_1-c1-1400", 1400)).toBeUndefined()
    expect(findCheckoutEvent({ events: [{ event: "REFUND", amount: 10, success: true }] }, "REFUND", "x", 10)).toBeUndefined()
  })
})

describe("order placed", () => {
  it("makes a Medusa id a valid Dintero order id", () => {
    expect(sanitizeOrderId("order_01J/ä b")).toBe("order_01J---b")
    expect(sanitizeOrderId("x".repeat(80))).toHaveLength(64)
  })
})

describe("order placed before its payment exists (ON_HOLD)", () => {
  const withSessions = (...sessions: Record<string, unknown>[]) =>
    ({ payment_collections: [{ id: "pc_1", amount: 100, created_at: "2026-01-01", payment_sessions: sessions }] }) as any
  const dintero = (status: string, dintero_status?: string) => ({ id: `ps_${status}`, provider_id: "pp_dintero_dintero", status, data: { transaction_id: "T1", ...(dintero_status && { dintero_status }) } })

  it("waits for the payment while the Dintero transaction is on hold", () => {
    expect(awaitingPayment(withSessions(dintero("pending", "ON_HOLD")))).toEqual({ status: "wait", reason: expect.stringContaining("on hold") })
  })

  it("tells the merchant when the hold ended FAILED: the order is not paid", () => {
    const outcome = awaitingPayment(withSessions(dintero("error", "FAILED")))
    expect(outcome).toEqual({ status: "needs_action", reason: expect.stringContaining("T1 was on hold and ended FAILED: the order is not paid") })
  })

  it("skips an order paid with another provider, even if a Dintero session was opened first", () => {
    const order = withSessions(dintero("pending", "ON_HOLD"))
    order.payment_collections[0].payments = [{ id: "pay_sys", provider_id: "pp_system_default", amount: 100, currency_code: "nok", data: {} }]
    expect(awaitingPayment(order).status).toBe("skipped")
  })

  it("skips an order that has no Dintero session at all", () => {
    expect(awaitingPayment(withSessions({ id: "ps_1", provider_id: "pp_system_default", status: "authorized", data: {} })).status).toBe("skipped")
  })

  it("cancelled while on hold: keeps waiting for the hold to end, then has nothing to mirror however it ended", () => {
    const cancelled = (session: Record<string, unknown>) => ({ ...withSessions(session), status: "canceled" })
    expect(unpaidOutcome(cancelled(dintero("pending_authorization", "ON_HOLD"))).status).toBe("wait")
    expect(unpaidOutcome(cancelled(dintero("canceled", "AUTHORIZATION_VOIDED")))).toEqual({ status: "skipped", reason: expect.stringContaining("cancelled before its Dintero payment") })
    expect(unpaidOutcome(cancelled(dintero("error", "FAILED"))).status).toBe("skipped")
    // Not cancelled: as before.
    expect(unpaidOutcome(withSessions(dintero("error", "FAILED"))).status).toBe("needs_action")
  })
})

describe("order placed with the session's rounding line", () => {
  // Three lines of 33.33… NOK: the session rounded each to 3333 and added a rounding line of 1 to reach 10000.
  const third = "33.333333333333333333"
  const order = {
    id: "order_1",
    currency_code: "nok",
    items: ["a", "b", "c"].map((id, i) => ({
      id: `ordli_${id}`, title: id, variant_sku: `SKU-${id}`, quantity: 1, total: third, tax_total: "6.666666666666666667",
      tax_lines: [{ rate: 25 }], created_at: `2026-01-0${i + 1}T00:00:00Z`,
    })),
  }
  const sessionLines = (rounding: number) => [
    ...["a", "b", "c"].map((id) => ({ line_id: `cali_${id}`, id: `SKU-${id}`, amount: 3333, quantity: 1 })),
    { line_id: "rounding", id: "rounding", amount: rounding, quantity: 1 },
  ]
  const sum = (items: { amount: number }[]) => items.reduce((s, i) => s + i.amount, 0)

  it("carries the rounding line (1): the Orders order and its authorization add up to the transaction, and a full capture allocates", () => {
    const rounding = 1
    const plan = planOrderPlaced(order as any, { id: "pay_1" }, "T1", { items: sessionLines(rounding) } as any, { generateOrderId: true })
    const draftLines = plan.draft.order.items
    expect(draftLines.at(-1)).toEqual(expect.objectContaining({ id: "rounding", line_id: 4, quantity: 1, gross_amount: rounding, tax_lines: [] }))
    expect(draftLines.reduce((s, l) => s + (l.gross_amount ?? 0), 0)).toBe(9999 + rounding)
    expect(sum(plan.authorization.items)).toBe(9999 + rounding)
    expect(plan.state.checkout_lines).toEqual({ cali_a: "ordli_a", cali_b: "ordli_b", cali_c: "ordli_c", rounding: "checkout:rounding" })

    // Captured in two parts as Checkout splits them (the rounding line with the last).
    const auth = records({ authorizations: [rec("T1", plan.authorization.items.map((i) => [i.line_id, i.amount]))] })
    const first = { event: "CAPTURE", amount: 6666, success: true, event_reference: "pay_1-c1-6666", items: [{ line_id: "cali_a", amount: 3333 }, { line_id: "cali_b", amount: 3333 }] }
    const second = { event: "CAPTURE", amount: 3333 + rounding, success: true, event_reference: `pay_1-c2-${3333 + rounding}`, items: [{ line_id: "cali_c", amount: 3333 }, { line_id: "rounding", amount: rounding }] }
    const one = planPaymentRecord({ kind: "capture", amount: 6666, reference: first.event_reference, transactionId: "T1", tx: { events: [first] }, records: auth, state: plan.state, isOriginalPayment: true })
    expect(one.ok).toBe(true)
    const afterFirst = records({ ...auth, captures: [rec("T1", [[1, 3333], [2, 3333]])] })
    const two = planPaymentRecord({ kind: "capture", amount: 3333 + rounding, reference: second.event_reference, transactionId: "T1", tx: { events: [first, second] }, records: afterFirst, state: plan.state, isOriginalPayment: true })
    expect(two).toEqual({ ok: true, plan: expect.objectContaining({ body: body("T1", [[3, 3333], [4, rounding]]) }) })
    expect(liveLines(plan.state).map((l) => l.medusa_id)).toContain("checkout:rounding")
  })

  it("carries a rounding down (-1) as a reduction of the last line, no negative line; the final capture nets out on it", () => {
    const plan = planOrderPlaced(order as any, { id: "pay_1" }, "T1", { items: sessionLines(-1) } as any, { generateOrderId: true })
    const draftLines = plan.draft.order.items
    expect(draftLines.map((l) => [l.line_id, l.gross_amount])).toEqual([[1, 3333], [2, 3333], [3, 3332]])
    expect(sum(plan.authorization.items)).toBe(9998)
    expect(plan.state.checkout_lines).toEqual({ cali_a: "ordli_a", cali_b: "ordli_b", cali_c: "ordli_c" })

    const auth = records({ authorizations: [rec("T1", plan.authorization.items.map((i) => [i.line_id, i.amount]))] })
    const first = { event: "CAPTURE", amount: 6666, success: true, event_reference: "pay_1-c1-6666", items: [{ line_id: "cali_a", amount: 3333 }, { line_id: "cali_b", amount: 3333 }] }
    const second = { event: "CAPTURE", amount: 3332, success: true, event_reference: "pay_1-c2-3332", items: [{ line_id: "cali_c", amount: 3333 }, { line_id: "rounding", amount: -1 }] }
    const one = planPaymentRecord({ kind: "capture", amount: 6666, reference: first.event_reference, transactionId: "T1", tx: { events: [first] }, records: auth, state: plan.state, isOriginalPayment: true })
    expect(one).toEqual({ ok: true, plan: expect.objectContaining({ body: body("T1", [[1, 3333], [2, 3333]]) }) })
    const afterFirst = records({ ...auth, captures: [rec("T1", [[1, 3333], [2, 3333]])] })
    const two = planPaymentRecord({ kind: "capture", amount: 3332, reference: second.event_reference, transactionId: "T1", tx: { events: [first, second] }, records: afterFirst, state: plan.state, isOriginalPayment: true })
    expect(two).toEqual({ ok: true, plan: expect.objectContaining({ body: body("T1", [[3, 3332]]) }) })
  })
})

// Issue 9, the ledger property's seed 1234, 30th run (path 29), in its figures: a DKK cart whose rounding is −1 øre, its
// items listed by the Medusa order in another order than the cart (and so the Checkout transaction) lists them (items
// created in the same millisecond are ordered by their random ids). The reduction was carried by the Medusa order's
// last line, which was Checkout's FIRST: the 86 % capture took that line whole (27501) where its Orders line holds
// 27500, so all 27501 were pooled and booked as 17980 on it and 9521 on another line.
describe("order placed with a rounding down, the Medusa order listing its lines unlike the cart", () => {
  const item = (id: string, sku: string, quantity: number, total: string, tax: string, at: string) => ({
    id, title: sku, variant_sku: sku, quantity, total, tax_total: tax, tax_lines: [{ rate: 25 }], created_at: at,
  })
  const order = {
    id: "order_1",
    currency_code: "dkk",
    items: [
      item("ordli_pute", "PUTE-1", 1, "129.99", "25.998", "2026-11-30T04:00:00.001Z"),
      item("ordli_outdoor", "175938", 2, "275.01", "55.002", "2026-11-30T04:00:00.002Z"),
      item("ordli_indoor", "003929", 1, "275.01", "55.002", "2026-11-30T04:00:00.003Z"),
    ],
    shipping_methods: [{ id: "ordsm_1", shipping_option_id: "so_1", name: "PostNord", total: "0", tax_total: "0", tax_lines: [{ rate: 25 }] }],
  }
  // The transaction's lines as the session listed the cart: indoor, outdoor, the cushion, the rounding, free shipping.
  const txItems = [
    { line_id: "cali_indoor", id: "003929", quantity: 1, amount: 27501 },
    { line_id: "cali_outdoor", id: "175938", quantity: 2, amount: 27501 },
    { line_id: "cali_pute", id: "PUTE-1", quantity: 1, amount: 12999 },
    { line_id: "rounding", id: "rounding", quantity: 1, amount: -1 },
    { line_id: "shipping_casm_1", id: "so_1", quantity: 1, amount: 0, type: "shipping" },
  ]
  const plan = planOrderPlaced(order as any, { id: "pay_1" }, "T1", { items: txItems } as any, { generateOrderId: true })
  const auth = records({ authorizations: [rec("T1", plan.authorization.items.map((i) => [i.line_id, i.amount]))] })
  // Checkout's 86 % capture (its own split, src/mapping/allocation.ts: first lines first, the rounding line waits).
  const first = { event: "CAPTURE", amount: 58480, success: true, event_reference: "pay_1-c1-58480", items: [{ line_id: "cali_indoor", amount: 27501 }, { line_id: "cali_outdoor", amount: 27501 }, { line_id: "cali_pute", amount: 3478 }] }

  it("carries the −1 on the line Checkout reaches last, and books a capture of Checkout's first line whole on its own line", () => {
    expect(plan.state.checkout_lines).toEqual({ cali_indoor: "ordli_indoor", cali_outdoor: "ordli_outdoor", cali_pute: "ordli_pute", shipping_casm_1: "shipping:ordsm_1" })
    expect(plan.draft.order.items.map((l) => [l.line_id, l.id, l.gross_amount])).toEqual([[1, "PUTE-1", 12998], [2, "175938", 27501], [3, "003929", 27501], [4, "so_1", 0]])
    const one = planPaymentRecord({ kind: "capture", amount: 58480, reference: first.event_reference, transactionId: "T1", tx: { events: [first] }, records: auth, state: plan.state, isOriginalPayment: true })
    // Line for line what Checkout captured: indoor (3) and outdoor (2) whole, 34.78 of the cushion (1).
    expect(one).toEqual({ ok: true, plan: expect.objectContaining({ body: body("T1", [[1, 3478], [2, 27501], [3, 27501]]) }) })
  })

  it("then a part refund and the final capture (the rounding line with it) net out on the reduced line", () => {
    const captured = records({ ...auth, captures: [rec("T1", [[1, 3478], [2, 27501], [3, 27501]])] })
    const refund = { event: "REFUND", amount: 8187, success: true, event_reference: "pay_1-r1-8187", items: [{ line_id: "cali_indoor", amount: 8187 }] }
    const refunded = planPaymentRecord({ kind: "refund", amount: 8187, reference: refund.event_reference, transactionId: "T1", tx: { status: "PARTIALLY_CAPTURED", events: [first, refund] }, records: captured, state: plan.state, isOriginalPayment: true })
    expect(refunded).toEqual({ ok: true, plan: expect.objectContaining({ body: body("T1", [[3, 8187]]) }) })
    const last = { event: "CAPTURE", amount: 9520, success: true, event_reference: "pay_1-c2-9520", items: [{ line_id: "cali_pute", amount: 9521 }, { line_id: "rounding", amount: -1 }] }
    const two = planPaymentRecord({ kind: "capture", amount: 9520, reference: last.event_reference, transactionId: "T1", tx: { status: "CAPTURED", events: [first, last] }, records: captured, state: plan.state, isOriginalPayment: true })
    expect(two).toEqual({ ok: true, plan: expect.objectContaining({ body: body("T1", [[1, 9520]]) }) })
  })
  describe("planned from the lines the payment recorded at its authorization (no transaction read)", () => {
    // What payment-data.ts `withTransaction` keeps of these lines in the payment's data.
    const recordedLines = txItems.map((i) => ({ line_id: i.line_id, amount: i.amount, quantity: i.quantity, id: i.id, type: i.type ?? null }))
    const payment = { id: "pay_1", data: { transaction_id: "T1", payment_product_type: "vipps", lines: recordedLines } }

    it("plans exactly what the transaction's own lines plan", () => {
      const recorded = checkoutAsRecorded({ version: 1 }, payment)
      expect(recorded).toEqual({ items: recordedLines, payment_product_type: "vipps" })
      const fromRecorded = planOrderPlaced(order as any, payment, "T1", recorded!, { generateOrderId: true })
      expect(fromRecorded).toEqual({ ...plan, payment_product_type: "vipps" })
    })

    it("reads the transaction instead for an order edited before the placement ran, or data without article numbers", () => {
      expect(checkoutAsRecorded({ version: 2 }, payment)).toBeNull()
      const legacy = { data: { ...payment.data, lines: recordedLines.map(({ id: _id, type: _type, ...rest }) => rest) } }
      expect(checkoutAsRecorded({ version: 1 }, legacy)).toBeNull()
      expect(checkoutAsRecorded({ version: 1 }, { data: { transaction_id: "T1" } })).toBeNull()
      expect(checkoutAsRecorded({ version: 1 }, { data: { lines: [] } })).toBeNull()
      // A line without an article number was recorded as such (null) and pairs as before.
      const noSku = { data: { lines: [{ line_id: "cali_1", amount: 100, quantity: 1, id: null, type: null }] } }
      expect(checkoutAsRecorded({ version: 1 }, noSku)?.items).toHaveLength(1)
    })
  })
})

describe("capture after an edit before capture (lower total, authorization reused)", () => {
  // Placed: 1 item 1000, 2 shipping 500. Edit: 3 reverses 1, 4 new item 600, 5 refund-remaining 400 (the money held
  // beyond the new total). The reused payment captures 1100 with final_capture: Checkout releases the other 400.
  const edited = state({
    lines: [
      { line_id: 1, medusa_id: "ordli_1", role: "item", gross_amount: 1000, from_edit: false, reversed_by: 3 },
      { line_id: 2, medusa_id: "shipping:sm_1", role: "item", gross_amount: 500, from_edit: false },
      { line_id: 3, medusa_id: "ordli_1", role: "reversal", gross_amount: -1000, from_edit: true },
      { line_id: 4, medusa_id: "ordli_4", role: "item", gross_amount: 600, from_edit: true },
      { line_id: 5, medusa_id: "", role: "refund_remaining", gross_amount: 400, from_edit: true },
    ],
    checkout_lines: { cali_1: "ordli_1", shipping_sm: "shipping:sm_1" },
  })
  const held = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]]), rec("T1", [[3, -1000]]), rec("T1", [[4, 600], [5, 400]])] })
  const capture = { event: "CAPTURE", amount: 1100, success: true, event_reference: "pay_2-c1-1100", items: [{ line_id: "cali_1", amount: 600 }, { line_id: "shipping_sm", amount: 500 }] }

  it("books the capture on the kept lines and shipping, not on the refund-remaining line, and cancels what Checkout released", () => {
    const planned = planPaymentRecord({
      kind: "capture", amount: 1100, reference: "pay_2-c1-1100", transactionId: "T1",
      tx: { status: "CAPTURED", events: [capture] }, records: held, state: edited, isOriginalPayment: false,
    })
    expect(planned).toEqual({
      ok: true,
      plan: { body: body("T1", [[2, 500], [4, 600]]), reference: "pay_2-c1-1100", event_found: true, release: body("T1", [[5, 400]]) },
    })
  })

  it("cancels nothing while Checkout still holds the rest (a partial capture that is not the last)", () => {
    const planned = planPaymentRecord({
      kind: "capture", amount: 600, reference: "pay_2-c1-600", transactionId: "T1",
      tx: { status: "PARTIALLY_CAPTURED", events: [] }, records: held, state: edited, isOriginalPayment: false,
    })
    expect(planned).toEqual({ ok: true, plan: { body: body("T1", [[4, 600]]), reference: "pay_2-c1-600", event_found: false } })
  })
})

describe("capture after a part refund (Checkout takes no further capture: PARTIALLY_CAPTURED_REFUNDED)", () => {
  // Placed: 1 item 1000, 2 item 500, authorized by T1. Captured 1380 (line 1 in full, 380 of line 2), then 75
  // refunded on line 1: Checkout cannot capture the other 120 of line 2 any more.
  const captured = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])], captures: [rec("T1", [[1, 1000], [2, 380]])] })
  const refund = { event: "REFUND", amount: 75, success: true, event_reference: "pay_1-r1-75", items: [{ line_id: "cali_1", amount: 75 }] }
  const refunded = planPaymentRecord({
    kind: "refund", amount: 75, reference: "pay_1-r1-75", transactionId: "T1",
    tx: { status: "PARTIALLY_CAPTURED_REFUNDED", events: [refund] }, records: captured, state: state(), isOriginalPayment: true,
  })

  it("records the refund and cancels the uncaptured rest, per line (authorized − captured − cancelled)", () => {
    expect(refunded).toEqual({
      ok: true,
      plan: { body: body("T1", [[1, 75]]), reference: "pay_1-r1-75", event_found: true, release: body("T1", [[2, 120]]) },
    })
  })

  it("cancels nothing when the refunded transaction was fully captured (nothing rests)", () => {
    const full = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])], captures: [rec("T1", [[1, 1000], [2, 500]])] })
    const planned = planPaymentRecord({
      kind: "refund", amount: 75, reference: "pay_1-r1-75", transactionId: "T1",
      tx: { status: "PARTIALLY_REFUNDED", events: [refund] }, records: full, state: state(), isOriginalPayment: true,
    })
    expect(planned).toEqual({ ok: true, plan: { body: body("T1", [[1, 75]]), reference: "pay_1-r1-75", event_found: true } })
  })

  it("leaves the rest open when the refund gives back all the order holds (cancelling it would close the Orders order)", () => {
    const part = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])], captures: [rec("T1", [[1, 400]])] })
    const all = { event: "REFUND", amount: 400, success: true, event_reference: "pay_1-r1-400", items: [{ line_id: "cali_1", amount: 400 }] }
    const planned = planPaymentRecord({
      kind: "refund", amount: 400, reference: "pay_1-r1-400", transactionId: "T1",
      tx: { status: "PARTIALLY_CAPTURED_REFUNDED", events: [all] }, records: part, state: state(), isOriginalPayment: true,
    })
    expect(planned).toEqual({ ok: true, plan: { body: body("T1", [[1, 400]]), reference: "pay_1-r1-400", event_found: true } })
  })

  it("cancels nothing twice: a rest already cancelled (by a capture planned after the refund) is not released again", () => {
    const released = records({ ...captured, cancellations: [rec("T1", [[2, 120]])] })
    const planned = planPaymentRecord({
      kind: "refund", amount: 75, reference: "pay_1-r1-75", transactionId: "T1",
      tx: { status: "PARTIALLY_CAPTURED_REFUNDED", events: [refund] }, records: released, state: state(), isOriginalPayment: true,
    })
    expect(planned).toEqual({ ok: true, plan: expect.not.objectContaining({ release: expect.anything() }) })
  })

  it("a capture planned once the transaction was refunded cancels the rest after it", () => {
    const authorized = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])], captures: [rec("T1", [[1, 1000]])] })
    const capture = { event: "CAPTURE", amount: 380, success: true, event_reference: "pay_1-c2-380", items: [{ line_id: "cali_2", amount: 380 }] }
    const planned = planPaymentRecord({
      kind: "capture", amount: 380, reference: "pay_1-c2-380", transactionId: "T1",
      tx: { status: "PARTIALLY_CAPTURED_REFUNDED", events: [capture, refund] }, records: authorized, state: state(), isOriginalPayment: true,
    })
    expect(planned).toEqual({
      ok: true,
      plan: { body: body("T1", [[2, 380]]), reference: "pay_1-c2-380", event_found: true, release: body("T1", [[2, 120]]) },
    })
  })

  it("then the payment for an edit's difference (Medusa asks for the rest again) fits the lines to the øre", () => {
    // The edit adds line 3 (600). Medusa's outstanding amount counts captures only: 1500 + 600 − (1380 − 75) − the
    // refund's credit line 75 = 720, the new line and the rest T1 no longer captures.
    const edited = state({
      snapshot: { lines: [snapLine(1, 1000), snapLine(2, 500), snapLine(3, 600)], next_line_id: 4 },
      lines: [...state().lines, { line_id: 3, medusa_id: "ordli_3", role: "item", gross_amount: 600, from_edit: true }],
    })
    if (!refunded.ok || !refunded.plan.release) throw new Error("the refund should release the rest")
    const afterRefund = records({ ...captured, refunds: [rec("T1", [[1, 75]])], cancellations: [refunded.plan.release] })
    const planned = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: 720, records: afterRefund, state: edited })
    expect(planned).toEqual({ status: "planned", plan: { body: body("T2", [[2, 120], [3, 600]]), unplaced: 0 } })
    // Without the cancellation (the code before this fix) the rest could not be placed.
    const kept = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: 720, records: records({ ...captured, refunds: [rec("T1", [[1, 75]])] }), state: edited })
    expect(kept).toEqual({ status: "planned", plan: { body: body("T2", [[3, 600]]), unplaced: 120 } })
  })
})

describe("planPaymentRecord", () => {
  const authorized = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])] })

  it("records a capture on the lines of its Checkout event", () => {
    const tx = { events: [{ event: "CAPTURE", amount: 500, success: true, event_reference: "pay_1-c1-500", items: [{ line_id: "cali_2", amount: 500 }] }] }
    const planned = planPaymentRecord({ kind: "capture", amount: 500, reference: "pay_1-c1-500", transactionId: "T1", tx, records: authorized, state: state(), isOriginalPayment: true })
    expect(planned).toEqual({ ok: true, plan: { body: body("T1", [[2, 500]]), reference: "pay_1-c1-500", event_found: true } })
  })

  it("without a matching event the amount is pooled, first lines first", () => {
    const planned = planPaymentRecord({ kind: "capture", amount: 1200, reference: "ref", transactionId: "T1", tx: { events: [] }, records: authorized, state: state(), isOriginalPayment: true })
    expect(planned).toEqual({ ok: true, plan: { body: body("T1", [[1, 1000], [2, 200]]), reference: "ref", event_found: false } })
  })

  it("a refund beyond what was captured needs action, with the allocation's reason", () => {
    const planned = planPaymentRecord({ kind: "refund", amount: 300, reference: "ref", transactionId: "T1", tx: { events: [] }, records: authorized, state: state(), isOriginalPayment: true })
    expect(planned).toEqual({ ok: false, reason: "300 (minor units) of this refund has no Orders line left to be recorded on" })
  })
})

describe("planPartAuthorization", () => {
  it("authorizes a further payment on the lines not yet fully authorized", () => {
    const planned = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: 700, records: records({ authorizations: [rec("T1", [[1, 1000]])] }), state: state() })
    expect(planned).toEqual({ status: "planned", plan: { body: body("T2", [[2, 500]]), unplaced: 200 } })
  })

  it("counts pending voids as cancelled, so their lines can be authorized again", () => {
    const s = state({ pending_voids: [{ key: "order_edit:x#voided-T1", body: body("T1", [[1, 1000]]) }] })
    const planned = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: 1000, records: records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])] }), state: s })
    expect(planned).toEqual({ status: "planned", plan: { body: body("T2", [[1, 1000]]), unplaced: 0 } })
  })

  it("a payment reusing a recorded authorization is skipped unless it holds more", () => {
    const r = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])], cancellations: [rec("T1", [[2, 100]])] })
    expect(heldBy(r, "T1")).toBe(1400)
    expect(planPartAuthorization({ paymentId: "pay_3", transactionId: "T1", amount: 1400, records: r, state: state() })).toEqual({
      status: "skipped",
      reason: "reuses the authorization of Dintero transaction T1, already recorded",
    })
    // Raised by 100 (Klarna): only the 100 is a new authorization, on the line with room.
    expect(planPartAuthorization({ paymentId: "pay_3", transactionId: "T1", amount: 1500, records: r, state: state() })).toEqual({
      status: "planned",
      plan: { body: body("T1", [[2, 100]]), unplaced: 0 },
    })
  })

  it("a reuse of an authorization the Orders order never recorded records what Checkout holds, not the reused part", () => {
    // A payment link T2 of 500, paid and not captured (its own row comes with its first capture), then an edit lowered
    // the total by 100: Medusa's payment reuses 400 of T2. Line 2 (500) is open.
    const r = records({ authorizations: [rec("T1", [[1, 1000]])] })
    expect(planPartAuthorization({ paymentId: "pay_reuse", transactionId: "T2", amount: 400, records: r, state: state(), heldAtCheckout: 500 })).toEqual({
      status: "planned",
      plan: { body: body("T2", [[2, 500]]), unplaced: 0 },
    })
    // Once T2 is recorded, a reuse asks only what is new, whatever Checkout holds.
    const recorded = records({ authorizations: [rec("T1", [[1, 1000]]), rec("T2", [[2, 500]])] })
    expect(planPartAuthorization({ paymentId: "pay_reuse", transactionId: "T2", amount: 400, records: recorded, state: state({ payments: { pay_1: "T1", pay_link: "T2" } }), heldAtCheckout: 500 }).status).toBe("skipped")
    // Without the held amount (not a reuse), the payment's own amount.
    expect(planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: 400, records: r, state: state() })).toEqual({
      status: "planned",
      plan: { body: body("T2", [[2, 400]]), unplaced: 0 },
    })
  })

  it("a reuse of an authorization whose rest was released after a part capture is no raise (seed 399800838 path 6)", () => {
    // T1 authorized 1500, 500 captured, then the first refund released the uncaptured 1000 (a cancellation). The
    // order's cancel asks again about the payment reusing T1 for 1500: nothing is new at Dintero.
    const r = records({
      authorizations: [rec("T1", [[1, 1000], [2, 500]])],
      captures: [rec("T1", [[1, 500]])],
      refunds: [rec("T1", [[1, 480]])],
      cancellations: [rec("T1", [[1, 500], [2, 500]])],
    })
    expect(heldBy(r, "T1")).toBe(500)
    expect(planPartAuthorization({ paymentId: "pay_reuse", transactionId: "T1", amount: 1500, records: r, state: state() })).toEqual({
      status: "skipped",
      reason: "reuses the authorization of Dintero transaction T1, already recorded",
    })
    // A raise recorded before the capture counts too: 1600 authorized in all, the reuse asks 1600.
    const raised = records({ ...r, authorizations: [...r.authorizations, rec("T1", [[2, 100]])] })
    expect(planPartAuthorization({ paymentId: "pay_reuse", transactionId: "T1", amount: 1600, records: raised, state: state() }).status).toBe("skipped")
  })

  it("a reuse of a recorded authorization that finds no open line is skipped, not a new hold (seed 1234 path 63)", () => {
    // The payment link T2 (730.64) was recorded on the only open line (365.32) after an edit lowered it; Medusa's
    // payment reusing T2 for 491.50 holds nothing more at Dintero.
    const s = state({ payments: { pay_1: "T1", pay_link: "T2" } })
    const r = records({ authorizations: [rec("T1", [[1, 1000]]), rec("T2", [[2, 500]])] })
    expect(planPartAuthorization({ paymentId: "pay_reuse", transactionId: "T2", amount: 700, records: r, state: s })).toEqual({
      status: "skipped",
      reason: "reuses the authorization of Dintero transaction T2, already recorded; its further 200 fits no line left to authorize",
    })
  })

  it("needs action when no line has room", () => {
    const planned = planPartAuthorization({ paymentId: "pay_2", transactionId: "T2", amount: 300, records: records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])] }), state: state() })
    expect(planned).toEqual({ status: "needs_action", reason: "payment pay_2 (300) matches no line left to authorize on the Dintero order" })
  })

  it("step keys of pending voids keep only safe characters", () => {
    expect(pendingVoidKey("order_edit:ordch_1#voided-T1")).toBe("void-order_edit_ordch_1_voided-T1")
  })
})

describe("planCancellation", () => {
  it("releases per payment what is authorized and neither captured nor cancelled", () => {
    const r = records({
      authorizations: [rec("T1", [[1, 1000], [2, 500]]), rec("T2", [[2, 200]])],
      captures: [rec("T1", [[1, 1000]])],
      cancellations: [rec("T1", [[2, 100]])],
    })
    expect(planCancellation(state({ payments: { pay_1: "T1", pay_2: "T2" } }), r)).toEqual({
      bodies: [
        { key: "cancellation-T1", body: body("T1", [[2, 400]]) },
        { key: "cancellation-T2", body: body("T2", [[2, 200]]) },
      ],
    })
  })

  it("plans nothing when everything is captured", () => {
    const r = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])], captures: [rec("T1", [[1, 1000], [2, 500]])] })
    expect(planCancellation(state(), r)).toEqual({ bodies: [] })
  })
  it("for a release (one transaction), cancels only that payment's open authorization; one never recorded plans nothing", () => {
    const r = records({ authorizations: [rec("T1", [[1, 1000], [2, 500]]), rec("T2", [[2, 200]])], cancellations: [rec("T2", [[2, 50]])] })
    const s = state({ payments: { pay_1: "T1", pay_2: "T2" } })
    expect(planCancellation(s, r, "T2")).toEqual({ bodies: [{ key: "cancellation-T2", body: body("T2", [[2, 150]]) }] })
    expect(planCancellation(s, r, "T.link")).toEqual({ bodies: [] })
  })
})

describe("planOrderEdit", () => {
  // Line 2 (500) removed: reversed by line 3.
  const edit = (): EditDraft => ({
    body: {
      options: { order_id: "D1" },
      order: { currency: "NOK", items: [{ ...snapLine(2, 500), line_id: 3, gross_amount: -500, tax_lines: [{ amount: -100, percentage: 25 }], reversed_reason: "Item removed", related_item: { line_id: 2, type: "reversed" } }] },
    },
    snapshot: { lines: [snapLine(1, 1000)], next_line_id: 4 },
    reversed: [{ line_id: 3, reverses_line_id: 2, medusa_id: "ordli_2", gross_amount: -500 }],
    added: [],
    notes: [],
  })

  it("reverses the removed line's money onto a refund-remaining line and updates the ledger", () => {
    const plan = planOrderEdit({ state: state(), edit: edit(), records: records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])] }), voided: [] })
    expect(plan.records).toEqual([
      { kind: "authorizations", key: "reversed-auth-T1", payment_id: "T1", items: [{ line_id: 3, amount: -500 }] },
      { kind: "authorizations", key: "new-auth-T1", payment_id: "T1", items: [{ line_id: 4, amount: 500 }] },
    ])
    expect(plan.draft.order.items.map((i) => i.line_id)).toEqual([3, 4])
    expect(plan.state.snapshot.next_line_id).toBe(5)
    expect(plan.state.lines.map((l) => [l.line_id, l.role, l.reversed_by])).toEqual([
      [1, "item", undefined],
      [2, "item", 3],
      [3, "reversal", undefined],
      [4, "refund_remaining", undefined],
    ])
    expect(plan.voided).toEqual([])
    expect(plan.notes).toEqual([])
    expect(plan.unauthorized).toBe(0)
  })

  it("records what a voided authorization still held as a cancellation first, and moves nothing of it", () => {
    const plan = planOrderEdit({
      state: state(),
      edit: edit(),
      records: records({ authorizations: [rec("T1", [[1, 1000], [2, 500]])] }),
      voided: [{ paymentId: "pay_1", transactionId: "T1" }],
    })
    expect(plan.voided).toEqual([{ key: "voided-T1", body: body("T1", [[1, 1000], [2, 500]]) }])
    expect(plan.records).toEqual([])
    expect(plan.notes).toEqual(["Medusa voided the authorization of payment pay_1 (Dintero T1) when the edit was confirmed"])
  })

  it("uses the original payment's money first", () => {
    expect(orderedTransactions(state({ payments: { pay_0: "T0", pay_1: "T1", pay_2: "T1" }, original_payment_id: "pay_1" }))).toEqual(["T1", "T0"])
  })
})
