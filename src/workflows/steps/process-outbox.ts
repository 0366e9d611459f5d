import { StepResponse, createStep } from "@medusajs/framework/workflows-sdk"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { processOrderOutbox } from "../outbox/schedule"

/**
 * Sends an order's due outbox operations to Dintero. No compensation: what Dintero recorded stays recorded, and
 * the outbox row says how far it got; a rerun continues from there.
 */
export const processDinteroOutboxStep = createStep(
  "process-dintero-order-outbox",
  async (input: { order_ids?: string[]; force?: boolean }, { container }) => {
    const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
    let orderIds = input.order_ids
    if (!orderIds) {
      // Every order with an operation that is due now.
      const due = await svc.listDinteroOrderOperations(
        { status: ["pending", "processing"] },
        { select: ["order_id", "next_attempt_at", "updated_at", "status", "claimed_until"], take: 500 }
      )
      const now = Date.now()
      orderIds = [
        ...new Set(
          due
            .filter((o) =>
              // A `processing` row whose claim lapsed belongs to a pass that died mid-way: it is resumed.
              o.status === "processing"
                ? new Date(o.claimed_until ?? new Date(o.updated_at).getTime() + 120_000).getTime() < now
                : !o.next_attempt_at || new Date(o.next_attempt_at).getTime() <= now
            )
            .map((o) => o.order_id)
        ),
      ]
    }
    for (const orderId of orderIds) await processOrderOutbox(container, orderId, { force: input.force })
    return new StepResponse({ processed: orderIds })
  }
)

/**
 * Makes failed / needs-action / waiting operations of an order due again (admin retry); a row another pass is
 * running now is left to it (DinteroOrdersService.resetOperations). No compensation: the
 * statuses it would restore may already have been replaced by a pass's real outcomes (done, for instance).
 */
export const resetDinteroOperationsStep = createStep(
  "reset-dintero-order-operations",
  async (input: { order_id: string; operation_id?: string }, { container }) => {
    const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
    const reset = await svc.resetOperations(input.order_id, input.operation_id)
    return new StepResponse({ reset })
  }
)
