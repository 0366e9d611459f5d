/**
 * authorization: a further payment of the order (e.g. the difference after an edit), authorized on the Orders lines
 * not yet fully authorized; then the cancellations of authorizations Medusa voided at an edit, which wait for it.
 */
import { buildPaymentOperation } from "../../../mapping/orders"
import { toMinorUnits } from "../../../mapping/money"
import { recordedTotal } from "../../../mapping/recorded-lines"
import { allocateAuthorization } from "../../../mapping/orders-mirror/allocate"
import { at, perLine, recordedForReuse, type OrdersRecords } from "../../../mapping/orders-mirror/ledger"
import { liveLines, type MirrorState } from "../../../mapping/orders-mirror/state"
import { isDinteroPayment, loadPayment } from "../../lib/medusa-data"
import type { OperationContext } from "../context"
import { editsToMirrorFirst } from "../edits-first"
import type { OperationPlan } from "../operation"
import type { OrdersRecorder } from "../orders-recorder"
import { WAITING_FOR_DINTERO_ORDER, behind, done, needsAction, skipped, type Outcome } from "../outcome"
import { transactionOf } from "./transaction-of"

export type PartAuthorizationPlan =
  | { status: "planned"; plan: OperationPlan<"authorization"> }
  | { status: "skipped"; reason: string }
  | { status: "needs_action"; reason: string }

/** Pure: what of a further payment is a new authorization, and on which lines. */
export function planPartAuthorization(input: {
  paymentId: string
  transactionId: string
  /** The payment's amount, minor units. */
  amount: number
  records: OrdersRecords
  state: MirrorState
  /**
   * For a payment that reuses a kept authorization (`reused_authorization` in its data): what Checkout holds on the
   * transaction (its recorded lines' total). Undefined for any other payment.
   */
  heldAtCheckout?: number
}): PartAuthorizationPlan {
  const { transactionId, records, state } = input
  let amount = input.amount
  const recordedOnOrder = recordedForReuse(records, transactionId)
  // A reuse of an authorization the Orders order has never recorded: a payment link paid and not captured (its own
  // authorization row is written at its first capture or refund), then an edit that lowered the total, so Medusa
  // keeps only part of the link on the new collection. Checkout holds the whole transaction, so the whole is recorded,
  // as the link's own row would have; the edit already put what Medusa no longer needs on a "Refund remaining" line.
  if (input.heldAtCheckout !== undefined && input.heldAtCheckout > amount && recordedOnOrder === 0) {
    amount = input.heldAtCheckout
  }
  const reuses = Object.values(state.payments).includes(transactionId)
  if (reuses) {
    // The payment reuses an authorization the Dintero order already records (kept across an order edit): only
    // what it holds beyond that (a raised Klarna/Billie authorization) is a new authorization.
    amount -= recordedOnOrder
    if (amount <= 0) return { status: "skipped", reason: `reuses the authorization of Dintero transaction ${transactionId}, already recorded` }
  }
  const authorized = perLine(records, "authorizations")
  const cancelled = perLine(records, "cancellations")
  for (const v of state.pending_voids ?? []) for (const i of v.body.items) cancelled.set(i.line_id, at(cancelled, i.line_id) + i.amount)
  const { items, unplaced } = allocateAuthorization(liveLines(state), (l) => at(authorized, l) - at(cancelled, l), amount)
  // A payment reusing a recorded authorization is not a new hold at Dintero: the transaction is already on the order,
  // and what of it found no line was said by the payment that recorded it (an edit lowered the lines after a
  // payment link was paid; ledger property seed 1234 path 63: the link's 730.64, then a reuse of it for 491.50).
  if (items.length === 0 && reuses) {
    return { status: "skipped", reason: `reuses the authorization of Dintero transaction ${transactionId}, already recorded; its further ${amount} fits no line left to authorize` }
  }
  if (items.length === 0) return { status: "needs_action", reason: `payment ${input.paymentId} (${amount}) matches no line left to authorize on the Dintero order` }
  return { status: "planned", plan: { body: buildPaymentOperation(items, transactionId), unplaced } }
}

/** Step key of the cancellation recording a voided authorization (letters, digits, `_`, `-`). */
export const pendingVoidKey = (key: string) => `void-${key.replace(/[^A-Za-z0-9_-]/g, "_")}`

export async function mirrorPartAuthorization(ctx: OperationContext<"authorization">): Promise<Outcome> {
  const paymentId = ctx.op.input.payment_id
  if (!ctx.mirror.state) return needsAction("the order has not been mirrored yet")
  if (paymentId === ctx.mirror.state.original_payment_id) return skipped("authorized with the order")
  const dinteroOrderId = ctx.mirror.dintero_order_id
  if (!dinteroOrderId) return WAITING_FOR_DINTERO_ORDER
  let plan = ctx.op.plan
  if (!plan) {
    const payment = await loadPayment(ctx.container, paymentId)
    if (!payment || !isDinteroPayment(payment)) return skipped("not a Dintero payment")
    const transactionId = transactionOf(payment, ctx.mirror.state)
    if (!transactionId) return needsAction(`payment ${payment.id} has no Dintero transaction`)
    // Planned on lines older than the order this payment pays for, it would find the wrong lines: the order's edits
    // confirmed before it are mirrored first (outbox/edits-first.ts). Checked only before planning: a stored plan
    // was made on the right lines.
    const edits = await editsToMirrorFirst(ctx.container, ctx.orderId, ctx.op.id)
    if (edits.length) return behind(`waiting for the order's edit to be mirrored first (${edits.join(", ")})`)
    const amount = toMinorUnits(payment.amount, payment.currency_code)
    const records = await ctx.recorder.readRecords(dinteroOrderId)
    const state = ctx.mirror.state
    const remember = () => ctx.saveMirror({ state: { ...state, payments: { ...state.payments, [paymentId]: transactionId } } })
    if (Object.values(state.payments).includes(transactionId)) await remember()
    const heldAtCheckout = payment.data?.reused_authorization === true ? (recordedTotal(payment.data?.lines) ?? undefined) : undefined
    const planned = planPartAuthorization({ paymentId, transactionId, amount, records, state, heldAtCheckout })
    if (planned.status === "skipped") return skipped(planned.reason)
    if (planned.status === "needs_action") return needsAction(planned.reason)
    plan = planned.plan
    await ctx.setPlan(plan)
    await remember()
  }
  await ctx.recorder.recordAuthorization(dinteroOrderId, "authorization", plan.body)
  await recordPendingVoids(ctx, ctx.recorder, dinteroOrderId)
  if (plan.unplaced > 0) {
    // With the order's edits mirrored, a part that fits no line is money Checkout holds and the Orders order does not
    // show: the merchant is told (a notice, which blocks nothing), and what fitted stays recorded. Not needs_action on
    // this row: a retry would plan and send the same again, and the payment's captures behind it would wait for nothing.
    const message = `${plan.unplaced} (minor units) of payment ${paymentId} (Dintero ${plan.body.payment_details.payment_id}) exceeds the Orders lines' open amount and is not recorded on Dintero order ${dinteroOrderId}; Checkout holds it`
    await ctx.notice(`unplaced-${paymentId}`, message)
    return done(message)
  }
  return done()
}

/** Cancellations of authorizations Medusa voided at an edit, deferred until another payment holds money. */
async function recordPendingVoids(ctx: OperationContext<"authorization">, recorder: OrdersRecorder, dinteroOrderId: string) {
  const state = ctx.mirror.state
  const voids = state?.pending_voids ?? []
  for (const v of voids) await recorder.recordCancellation(dinteroOrderId, pendingVoidKey(v.key), v.body)
  if (state && voids.length) await ctx.saveMirror({ state: { ...state, pending_voids: [] } })
}
