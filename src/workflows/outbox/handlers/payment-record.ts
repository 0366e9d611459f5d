/**
 * capture / refund: one Medusa capture or refund, recorded on the Orders lines the Checkout event used (see
 * mapping/orders-mirror/allocate.ts).
 */
import type { Transaction } from "../../../dintero"
import { buildPaymentOperation } from "../../../mapping/orders"
import { AllocationError, allocateToOrders } from "../../../mapping/orders-mirror/allocate"
import { at, perLine, type OrdersRecords } from "../../../mapping/orders-mirror/ledger"
import { liveLines, type MirrorState } from "../../../mapping/orders-mirror/state"
import { lastRunningTotalPart } from "../../../mapping/money"
import { exactAmount, inRecordOrder, isDinteroPayment, loadPayment } from "../../lib/medusa-data"
import { findCheckoutEvent, paymentRecordReference } from "../checkout-references"
import type { OperationContext } from "../context"
import type { OperationPlan } from "../operation"
import { WAITING_FOR_DINTERO_ORDER, done, needsAction, skipped, type Outcome } from "../outcome"
import { transactionOf } from "./transaction-of"

type Kind = "capture" | "refund"

/**
 * Pure: the Orders record of one capture/refund. The items of the matching Checkout event keep their lines where
 * those still stand; the rest is pooled (AllocationError when it fits on no line: the merchant must look).
 */
export function planPaymentRecord(input: {
  kind: Kind
  amount: number
  reference: string
  transactionId: string
  /** The transaction as Checkout holds it (its events carry the line split). */
  tx: Pick<Transaction, "events"> & { status?: Transaction["status"] }
  records: OrdersRecords
  state: MirrorState
  /** The payment placed with the order: only its Checkout lines map onto the placed Orders lines. */
  isOriginalPayment: boolean
}): { ok: true; plan: OperationPlan<Kind> } | { ok: false; reason: string } {
  const { kind, amount, transactionId, records, state } = input
  const event = findCheckoutEvent(input.tx, kind === "capture" ? "CAPTURE" : "REFUND", input.reference, amount)
  const authorized = perLine(records, "authorizations", transactionId)
  const captured = perLine(records, "captures", transactionId)
  const refunded = perLine(records, "refunds", transactionId)
  const cancelled = perLine(records, "cancellations", transactionId)
  try {
    const items = allocateToOrders({
      kind,
      amount,
      eventItems: event?.items?.map((i) => ({ line_id: String(i.line_id), amount: i.amount })),
      checkoutLines: input.isOriginalPayment ? state.checkout_lines : {},
      lines: liveLines(state),
      room: (lineId) =>
        kind === "capture"
          ? at(authorized, lineId) - at(cancelled, lineId) - at(captured, lineId)
          : at(captured, lineId) - at(refunded, lineId),
    })
    const body = buildPaymentOperation(items, transactionId)
    let release = releasedRest(input.tx, state, authorized, cancelled, captured, kind === "capture" ? items : [])
    // A refund that gives back all the order holds: cancelling the rest too would leave the Orders order with nothing
    // open, which closes it (no later payment, e.g. an edit's difference, could be recorded). Its rest is then left to
    // the order's cancellation.
    if (release && kind === "refund" && !holdsAfter(records, amount, release)) release = undefined
    return { ok: true, plan: { body, reference: input.reference, event_found: !!event, ...(release && { release: buildPaymentOperation(release, transactionId) }) } }
  } catch (e) {
    if (e instanceof AllocationError) return { ok: false, reason: e.message }
    throw e
  }
}

/**
 * Checkout statuses after which nothing of the authorization can be captured any more: the rest was released
 * (CAPTURED, also by `final_capture`; a fully captured transaction refunded), or the transaction was refunded while
 * partly captured, after which it takes no further capture (PARTIALLY_CAPTURED_REFUNDED; docs/orders-mirror.md,
 * "Capture after a part refund"; the plugin's capture refuses it too, whatever Dintero would do).
 */
export const NOTHING_LEFT_TO_CAPTURE: ReadonlySet<string> = new Set(["CAPTURED", "PARTIALLY_REFUNDED", "REFUNDED", "PARTIALLY_CAPTURED_REFUNDED"])

/**
 * Pure: what Checkout no longer holds once this capture or refund is recorded (a last capture after an edit lowered
 * the total, captured with `final_capture`; a refund of a partly captured transaction), per line — authorized −
 * cancelled − captured, after this capture (a refund moves neither). Recorded as a cancellation, so the Orders order
 * keeps no authorization Checkout cannot capture, and a later payment for the same money (Medusa asks for the rest
 * again: its outstanding amount counts captures only) finds room on the lines.
 */
function releasedRest(
  tx: { status?: string },
  state: MirrorState,
  authorized: Map<number, number>,
  cancelled: Map<number, number>,
  captured: Map<number, number>,
  capture: { line_id: number; amount: number }[]
): { line_id: number; amount: number }[] | undefined {
  if (!tx.status || !NOTHING_LEFT_TO_CAPTURE.has(tx.status)) return undefined
  const now = new Map(capture.map((i) => [i.line_id, i.amount]))
  // Live lines only: a reversed line and its reversal hold opposite amounts that cancel out.
  const rest = liveLines(state)
    .map((l) => ({ line_id: l.line_id, amount: at(authorized, l.line_id) - at(cancelled, l.line_id) - at(captured, l.line_id) - (now.get(l.line_id) ?? 0) }))
    .filter((i) => i.amount > 0)
  return rest.length ? rest : undefined
}

/** Pure: whether the Orders order still holds money (open authorization or unrefunded capture) after this refund and release. */
function holdsAfter(records: OrdersRecords, refund: number, release: { amount: number }[]): boolean {
  const sum = (kind: keyof OrdersRecords) => [...perLine(records, kind).values()].reduce((a, b) => a + b, 0)
  const open = sum("authorizations") - sum("captures") - sum("cancellations") - release.reduce((a, i) => a + i.amount, 0)
  return open > 0 || sum("captures") - sum("refunds") - refund > 0
}

/** What a plan used of the Checkout transaction: its status and the event of this capture or refund. */
type CheckoutSeen = Pick<Transaction, "events"> & { status?: Transaction["status"] }

function checkoutSeen(tx: CheckoutSeen, kind: Kind, reference: string, amount: number): Required<Pick<CheckoutSeen, "events">> & CheckoutSeen {
  const event = findCheckoutEvent(tx, kind === "capture" ? "CAPTURE" : "REFUND", reference, amount)
  return { ...(tx.status && { status: tx.status }), events: event ? [event] : [] }
}

export async function mirrorPaymentRecord(ctx: OperationContext<Kind>): Promise<Outcome> {
  const kind = ctx.op.kind
  const dinteroOrderId = ctx.mirror.dintero_order_id
  if (!dinteroOrderId) return WAITING_FOR_DINTERO_ORDER
  let plan = ctx.op.plan
  let read: OrdersRecords | undefined
  let seen: CheckoutSeen | undefined
  // Doubt about a plan made from the recorded ledger that has sent nothing yet (a retry: Dintero refused it, or its
  // answer was lost): if Dintero holds its record, it was applied and is kept; otherwise it is made again from
  // Dintero's records (a ledger that missed a record made outside the plugin planned it wrong), with the Checkout
  // transaction as the first plan saw it: read now, a later capture's status would release what this one must not.
  if (plan?.from_ledger && plan.checkout_seen && ctx.op.attempts > 1 && Object.keys(ctx.op.progress.sent ?? {}).length === 0) {
    read = await ctx.recorder.readRecords(dinteroOrderId)
    if (!ctx.recorder.holds(read, kind === "capture" ? "captures" : "refunds", kind)) {
      seen = plan.checkout_seen
      plan = null
    }
  }
  if (!plan) {
    const { payment_id: paymentId, record_id: recordId } = ctx.op.input
    const payment = await loadPayment(ctx.container, paymentId)
    if (!payment) return needsAction(`payment ${paymentId} not found`)
    if (!isDinteroPayment(payment)) return skipped("not a Dintero payment")
    const transactionId = transactionOf(payment, ctx.mirror.state)
    if (!transactionId) return needsAction(`payment ${payment.id} has no Dintero transaction`)
    const rows = inRecordOrder(kind === "capture" ? payment.captures : payment.refunds)
    const index = rows.findIndex((r) => r.id === recordId)
    const row = rows[index]
    if (!row) return needsAction(`${kind} ${recordId} no longer exists in Medusa`)
    const state = ctx.mirror.state
    const amount = lastRunningTotalPart(rows.slice(0, index + 1).map(exactAmount), payment.currency_code.toUpperCase())
    if (amount === 0) return skipped(`${kind} ${recordId} is 0 in minor units once rounded with the payment's earlier ones`)
    const reference = paymentRecordReference(payment.id, kind, index, amount)
    const tx: CheckoutSeen = seen ?? (await ctx.client.checkout.getTransaction(transactionId))
    if (!state) return needsAction("the order has not been mirrored yet")
    // Normally from the recorded ledger (no Orders request); Dintero's records on a retry or without one.
    const { records, from } = read ? { records: read, from: "dintero" } : await ctx.recorder.plannedRecords(dinteroOrderId)
    const planned = planPaymentRecord({ kind, amount, reference, transactionId, tx, records, state, isOriginalPayment: payment.id === state.original_payment_id })
    if (!planned.ok) return needsAction(planned.reason)
    plan = from === "ledger" ? { ...planned.plan, from_ledger: true, checkout_seen: checkoutSeen(tx, kind, reference, amount) } : planned.plan
    await ctx.setPlan(plan)
  }
  if (kind === "capture") await ctx.recorder.recordCapture(dinteroOrderId, "capture", plan.body)
  else await ctx.recorder.recordRefund(dinteroOrderId, "refund", plan.body)
  if (plan.release) await ctx.recorder.recordCancellation(dinteroOrderId, "release", plan.release)
  return done()
}
