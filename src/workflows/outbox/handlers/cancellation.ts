/**
 * cancellation: the order was cancelled in Medusa; release at Dintero what each payment still holds authorized. With
 * a `transaction_id`, one payment only: its authorization, which an order edit left unneeded, was voided by the
 * plugin (lib/release-kept-authorization.ts), and the Orders order must not keep it authorized.
 */
import { buildPaymentOperation } from "../../../mapping/orders"
import { at, perLine, type OrdersRecords } from "../../../mapping/orders-mirror/ledger"
import type { MirrorState } from "../../../mapping/orders-mirror/state"
import type { OperationContext } from "../context"
import type { OperationPlan } from "../operation"
import { WAITING_FOR_DINTERO_ORDER, done, needsAction, skipped, type Outcome } from "../outcome"
import { isDinteroPayment, loadOrderPaymentsByLink, paymentsOf } from "../../lib/medusa-data"

/** Pure: per payment, authorized − captured − cancelled on every line, as one cancellation each. */
export function planCancellation(state: MirrorState, records: OrdersRecords, only?: string): OperationPlan<"cancellation"> {
  const bodies: OperationPlan<"cancellation">["bodies"] = []
  for (const tx of only ? [only] : new Set(Object.values(state.payments))) {
    const a = perLine(records, "authorizations", tx)
    const c = perLine(records, "captures", tx)
    const x = perLine(records, "cancellations", tx)
    const items = state.lines
      .map((l) => ({ line_id: l.line_id, amount: at(a, l.line_id) - at(c, l.line_id) - at(x, l.line_id) }))
      .filter((i) => i.amount !== 0)
    if (items.length > 0) bodies.push({ key: `cancellation-${tx}`, body: buildPaymentOperation(items, tx) })
  }
  return { bodies }
}

export async function mirrorCancellation(ctx: OperationContext<"cancellation">): Promise<Outcome> {
  const dinteroOrderId = ctx.mirror.dintero_order_id
  if (!dinteroOrderId) {
    // Cancelled before any Dintero payment existed (its hold ended after the cancellation, and was released): the
    // placement had nothing to mirror, so there is no Orders API order to cancel either.
    const paid = paymentsOf(await loadOrderPaymentsByLink(ctx.container, ctx.orderId)).some(isDinteroPayment)
    return paid ? WAITING_FOR_DINTERO_ORDER : skipped("the order never had a Dintero payment; nothing to cancel in the Orders API")
  }
  let plan = ctx.op.plan
  if (!plan) {
    const records = await ctx.recorder.readRecords(dinteroOrderId)
    if (!ctx.mirror.state) return needsAction("the order has not been mirrored yet")
    plan = planCancellation(ctx.mirror.state, records, ctx.op.input.transaction_id)
    await ctx.setPlan(plan)
  }
  if (plan.bodies.length === 0) return done("nothing authorized was left to cancel")
  for (const { key, body } of plan.bodies) await ctx.recorder.recordCancellation(dinteroOrderId, key, body)
  return done()
}
