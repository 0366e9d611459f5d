/**
 * order_placed: the Dintero order (a draft with integer line ids, completed) and the authorization of the payment
 * it was placed with; for an order edited before this ran, then the edits since, as reversed and new lines.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { LINE_FIELDS } from "../../../mapping/lines"
import { buildInitialDraft, buildPaymentOperation, type OrderForMirror } from "../../../mapping/orders"
import { checkoutOnlyLines, checkoutReduction, inCheckoutOrder, mapCheckoutLines, type CheckoutLineLike } from "../../../mapping/orders-mirror/checkout-lines"
import type { MirrorState } from "../../../mapping/orders-mirror/state"
import { dinteroSessionsOf, isDinteroPayment, loadOrder, loadOrderWith, paymentsOf, transactionIdOf, type OrderRow } from "../../lib/medusa-data"
import type { OperationContext } from "../context"
import type { OperationPlan } from "../operation"
import { OrdersRecorder, type ProgressStore } from "../orders-recorder"
import { done, needsAction, skipped, waitFor, type Outcome } from "../outcome"
import { carryOutEdit, planEditToOrder } from "./order-edit"
import { settleDinteroPayment } from "../../settle-payment"
import { linesForPairing } from "../../../mapping/recorded-lines"

/** What a placement takes from the Checkout transaction: its lines, payment product and authorized amount. */
export type PlacementCheckout = {
  items?: CheckoutLineLike[] | null
  payment_product_type?: string | null
  amount?: number
}

/** Pure: the plan of a placed order, from the Medusa order, its Dintero payment and the Checkout transaction. */
export function planOrderPlaced(
  order: OrderRow,
  payment: { id: string },
  transactionId: string,
  tx: PlacementCheckout,
  options: { generateOrderId: boolean }
): OperationPlan<"order_placed"> {
  const { body, snapshot } = buildInitialDraft(
    order,
    { generateOrderId: options.generateOrderId },
    checkoutOnlyLines(tx.items ?? []),
    checkoutReduction(tx.items ?? []),
    (lines) => inCheckoutOrder(tx.items ?? [], lines)
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
    payment_product_type: tx.payment_product_type ?? undefined,
  }
}

/**
 * Pure: the plan of a placed order from the order as its payment paid for it. The operation may run after the order
 * was edited (its attempts failed through an Orders API outage lasting past the edit; its event was lost and the
 * reconciliation or a later payment record enqueued it): the order as it is now is then worth more or less than the
 * Checkout transaction, and placed from it the Orders order would show the edited lines as bought, authorized beyond
 * what the transaction holds (or short of it). So when Medusa's order has versions since the first (`first`: its
 * version 1, the order as the cart became it), the order is placed from that version if its lines are worth exactly
 * what the transaction authorized, and the edits since are mirrored after it as reversed and new lines
 * (`placed_version`, then `catch_up`): the Orders order's history is the one an order mirrored in time has. Otherwise
 * (an unedited order, or a version 1 the transaction did not pay: a raised authorization) the order as it is now.
 */
export function planPlacement(input: {
  current: OrderRow
  first: OrderForMirror | null
  payment: { id: string }
  transactionId: string
  tx: PlacementCheckout
  options: { generateOrderId: boolean }
}): OperationPlan<"order_placed"> {
  const { current, first, payment, transactionId, tx, options } = input
  if (first && (current.version ?? 1) > 1) {
    const asPlaced = planOrderPlaced({ ...first, id: current.id }, payment, transactionId, tx, options)
    if (authorizedTotal(asPlaced) === tx.amount) return { ...asPlaced, placed_version: 1 }
  }
  return planOrderPlaced(current, payment, transactionId, tx, options)
}

const authorizedTotal = (plan: OperationPlan<"order_placed">) => plan.authorization.items.reduce((sum, item) => sum + item.amount, 0)

/** The order's lines as they were in `version` (the Order module keeps every version's items and shipping methods). */
async function loadOrderVersion(container: MedusaContainer, orderId: string, version: number): Promise<OrderForMirror | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  // `total` too: the Order module computes the lines' totals only when an order total is asked for.
  const { data } = await query.graph({ entity: "order", fields: ["id", "currency_code", "version", "total", ...LINE_FIELDS], filters: { id: orderId, version } as never })
  const order = data[0] as (OrderForMirror & { version?: number }) | undefined
  return order ?? null
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

/**
 * Pure: an order without its Dintero payment. Cancelled while the payment was on hold, it keeps waiting for the hold
 * to end (its settlement then releases the money: settle-payment.ts) and afterwards has nothing to mirror.
 */
export function unpaidOutcome(order: Pick<OrderRow, "payment_collections" | "status">): Outcome {
  const outcome = awaitingPayment(order)
  if (order.status !== "canceled" || outcome.status === "wait") return outcome
  return skipped("the order was cancelled before its Dintero payment was settled; nothing to mirror")
}

const dinteroPaymentOf = (order: OrderRow) => paymentsOf(order).find((p) => isDinteroPayment(p) && transactionIdOf(p))

/**
 * An order waiting for a payment on hold looks at its transaction at each attempt (spaced out: classify-failure.ts):
 * a hold that ended (authorized, or failed) is settled as its callback would have settled it, whatever its age. Its
 * callbacks may all have been lost after the reconciliation stopped looking at the session (a hold longer than the
 * session lookback). Answers whether a settlement ran (the order is then read again).
 */
async function settleEndedHold(ctx: OperationContext<"order_placed">, order: OrderRow): Promise<boolean> {
  for (const session of dinteroSessionsOf(order)) {
    const transactionId = session.status === "pending_authorization" ? session.data?.transaction_id : undefined
    if (typeof transactionId !== "string") continue
    const tx = await ctx.client.checkout.getTransaction(transactionId)
    if (tx.status === "ON_HOLD") continue
    const outcome = await settleDinteroPayment(ctx.container, { transactionId })
    // A settlement that must be retried: the attempt ends as a wait (looked at again at the next interval).
    if (outcome.kind === "done") return true
  }
  return false
}

/**
 * The Checkout lines as the payment recorded them when its authorization read the transaction (payment-data.ts
 * `withTransaction`): a transaction's lines never change once paid, so for an order as its payment paid for it
 * (version 1) reading the transaction again would tell the placement nothing more. Null, and the transaction is
 * read, when the order was edited before this ran (planPlacement then needs the authorized amount) or the data
 * lacks what pairing needs (the article numbers: data written before they were kept).
 */
export function checkoutAsRecorded(order: Pick<OrderRow, "version">, payment: { data?: Record<string, unknown> | null }): PlacementCheckout | null {
  if ((order.version ?? 1) > 1) return null
  const items = linesForPairing(payment.data?.lines)
  if (!items) return null
  const product = payment.data?.payment_product_type
  return { items, payment_product_type: typeof product === "string" ? product : undefined }
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
    let order = await placedOrder(ctx)
    if (!order) return needsAction(`order ${ctx.orderId} not found`)
    let payment = dinteroPaymentOf(order)
    if (!payment) {
      const waiting = unpaidOutcome(order)
      if (waiting.status !== "wait" || !(await settleEndedHold(ctx, order))) return waiting
      order = await loadOrder(ctx.container, ctx.orderId)
      payment = order ? dinteroPaymentOf(order) : undefined
      if (!order || !payment) return order ? unpaidOutcome(order) : needsAction(`order ${ctx.orderId} not found`)
    }
    const transactionId = transactionIdOf(payment)!
    const tx = checkoutAsRecorded(order, payment) ?? (await ctx.client.checkout.getTransaction(transactionId))
    const first = (order.version ?? 1) > 1 ? await loadOrderVersion(ctx.container, ctx.orderId, 1) : null
    plan = planPlacement({ current: order, first, payment, transactionId, tx, options: ctx.options })
    // Saved with the draft's id (the first thing sent for it), one write fewer per placed order.
    ctx.holdPlan(plan)
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
  const catchesUp = plan.placed_version !== undefined
  if (auth.items.length > 0) await ctx.recorder.recordAuthorization(dinteroOrderId, "authorization", auth, { lastStep: !catchesUp })
  if (catchesUp) return catchUp(ctx, dinteroOrderId, plan)
  return done()
}

/**
 * The edits Medusa confirmed since the version the order was placed from, mirrored now as one edit (reversed and new
 * lines, the money held moved to them), exactly as the order_edit operation would, before any later operation of
 * the order plans on the lines: a further payment's authorization then finds the edited lines, whenever its row was
 * written. The order_edit rows of those edits find nothing left to change. Planned once (stored on the plan) and
 * marked in its own part of the progress (its draft and records are not the placement's).
 */
async function catchUp(ctx: OperationContext<"order_placed">, dinteroOrderId: string, plan: OperationPlan<"order_placed">): Promise<Outcome> {
  const progress: ProgressStore = {
    get progress() {
      return ctx.op.progress.catch_up ?? {}
    },
    set: (key, value) => ctx.setProgress("catch_up", { ...(ctx.op.progress.catch_up ?? {}), [key]: value }),
  }
  const recorder = new OrdersRecorder(ctx.client.orders, `${ctx.op.identity}:edits`, ctx.op.attempts, progress, ctx.recorder.ledger)
  let edit = plan.catch_up
  if (!edit) {
    const state = ctx.mirror.state
    if (!state) return needsAction("the order has not been mirrored yet")
    const order = await loadOrder(ctx.container, ctx.orderId)
    if (!order) return needsAction(`order ${ctx.orderId} not found`)
    edit = (await planEditToOrder(ctx, recorder, dinteroOrderId, state, order)) ?? { nothing: true }
    await ctx.setPlan({ ...plan, catch_up: edit })
  }
  if ("nothing" in edit) return done()
  return carryOutEdit(
    {
      identity: `${ctx.op.identity}:edits`,
      recorder,
      draftDone: !!progress.progress.draft_done,
      markDraftDone: () => progress.set("draft_done", true),
      saveMirror: (update) => ctx.saveMirror(update),
      notice: (key, message) => ctx.notice(key, message),
    },
    dinteroOrderId,
    edit
  )
}
