/**
 * order_placed: the Dintero order (a draft with integer line ids, completed) and the authorization of the payment
 * it was placed with.
 */
import type { Transaction } from "../../../dintero"
import { buildInitialDraft, buildPaymentOperation } from "../../../mapping/orders"
import { checkoutOnlyLines, checkoutReduction, mapCheckoutLines } from "../../../mapping/orders-mirror/checkout-lines"
import type { MirrorState } from "../../../mapping/orders-mirror/state"
import { dinteroSessionsOf, isDinteroPayment, loadOrder, loadOrderWith, paymentsOf, transactionIdOf, type OrderRow } from "../../lib/medusa-data"
import type { OperationContext } from "../context"
import type { OperationPlan } from "../operation"
import { done, needsAction, skipped, waitFor, type Outcome } from "../outcome"

/** Pure: the plan of a placed order, from the Medusa order, its Dintero payment and the Checkout transaction. */
export function planOrderPlaced(
  order: OrderRow,
  payment: { id: string },
  transactionId: string,
  tx: Pick<Transaction, "items" | "payment_product_type">,
  options: { generateOrderId: boolean }
): OperationPlan<"order_placed"> {
  const { body, snapshot } = buildInitialDraft(
    order,
    { generateOrderId: options.generateOrderId },
    checkoutOnlyLines(tx.items ?? []),
    checkoutReduction(tx.items ?? [])
  )
  const draftOrder: Record<string, unknown> = body.order
  if (!options.generateOrderId) draftOrder.order_id = sanitizeOrderId(order.id)
  draftOrder.metadata = { medusa_order_id: order.id }
  const state: MirrorState = {
    snapshot,
    lines: snapshot.lines.map((l) => ({ line_id: l.line_id, medusa_id: l.medusa_id, role: "item", gross_amount: l.gross_amount, from_edit: false })),
    checkout_lines: mapCheckoutLines(tx.items ?? [], snapshot.lines),
    payments: { [payment.id]: transactionId },
    original_payment_id: payment.id,
  }
  return {
    draft: body,
    state,
    authorization: buildPaymentOperation(
      snapshot.lines.filter((l) => l.gross_amount !== 0).map((l) => ({ line_id: l.line_id, amount: l.gross_amount })),
      transactionId
    ),
    payment_product_type: tx.payment_product_type,
  }
}

/** Statuses of a Dintero transaction that will never become a payment. */
const ENDED_UNPAID = new Set(["FAILED", "DECLINED", "AUTHORIZATION_VOIDED", "SESSION_CANCELLED"])

/**
 * Pure: an order placed without a Dintero payment. With a Dintero session on hold, the operation waits for the
 * payment (the hold ends AUTHORIZED) or tells the merchant that it never came (the hold ended FAILED); without
 * one, the order was not paid with Dintero.
 */
export function awaitingPayment(order: Pick<OrderRow, "payment_collections">): Outcome {
  const sessions = dinteroSessionsOf(order)
  if (!sessions.length || paymentsOf(order).length) return skipped("the order was not paid with Dintero; nothing to mirror")
  const ended = sessions.find((s) => ENDED_UNPAID.has(String(s.data?.dintero_status ?? "")) || s.status === "error" || s.status === "canceled")
  if (ended && sessions.every((s) => s === ended || s.status === "error" || s.status === "canceled")) {
    const tx = typeof ended.data?.transaction_id === "string" ? ` ${ended.data.transaction_id}` : ""
    return needsAction(
      `the Dintero payment${tx} was on hold and ended ${String(ended.data?.dintero_status ?? ended.status)}: the order is not paid (cancel it, or send the shopper a new payment link)`
    )
  }
  return waitFor("waiting for the Dintero payment: the transaction is on hold")
}

/** Dintero order ids: letters, digits, `.`, `_`, `-`, at most 64 characters. */
export function sanitizeOrderId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 64)
}

/**
 * The order to plan from. The payments the `order.placed` enqueue read moments before in the same job are reused
 * when they hold the Dintero payment with its transaction (a placed order's payment does not change what the plan
 * takes from it: its id and transaction id); without them (a pass of the job or a retry, or no payment yet: ON_HOLD,
 * whose hold may have ended since) the whole order is read.
 */
async function placedOrder(ctx: OperationContext<"order_placed">): Promise<OrderRow | null> {
  const known = ctx.hints.orderPayments
  if (known?.id === ctx.orderId && paymentsOf(known).some((p) => isDinteroPayment(p) && transactionIdOf(p))) {
    return loadOrderWith(ctx.container, ctx.orderId, known)
  }
  return loadOrder(ctx.container, ctx.orderId)
}

export async function mirrorOrderPlaced(ctx: OperationContext<"order_placed">): Promise<Outcome> {
  let plan = ctx.op.plan
  if (!plan) {
    const order = await placedOrder(ctx)
    if (!order) return needsAction(`order ${ctx.orderId} not found`)
    const payment = paymentsOf(order).find((p) => isDinteroPayment(p) && transactionIdOf(p))
    const transactionId = payment && transactionIdOf(payment)
    if (!payment || !transactionId) return awaitingPayment(order)
    const tx = await ctx.client.checkout.getTransaction(transactionId)
    plan = planOrderPlaced(order, payment, transactionId, tx, ctx.options)
    await ctx.setPlan(plan)
  }
  let dinteroOrderId = ctx.mirror.dintero_order_id
  if (!dinteroOrderId) {
    const completed = await ctx.recorder.createAndCompleteDraft(plan.draft, null)
    if (!completed.ok) return needsAction(completed.needsAction)
    dinteroOrderId = completed.orderId
    // The currency with the order id: the mirror has both from the moment a Dintero order exists.
    await ctx.saveMirror({ dintero_order_id: dinteroOrderId, currency_code: plan.draft.order.currency, state: plan.state })
  }
  const auth = {
    ...plan.authorization,
    payment_details: { ...plan.authorization.payment_details, ...(plan.payment_product_type && { payment_product_type: plan.payment_product_type }) },
  }
  if (auth.items.length > 0) await ctx.recorder.recordAuthorization(dinteroOrderId, "authorization", auth)
  return done()
}
