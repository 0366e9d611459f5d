import { StepResponse, createStep } from "@medusajs/framework/workflows-sdk"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { ensureOrderMirror, writeOutboxRows, type EnqueueInput } from "../outbox/enqueue"

export type { EnqueueInput, OperationToEnqueue } from "../outbox/enqueue"

/** The order's mirror row, found or created (outbox/enqueue.ts). No compensation: see ensureOrderMirror. */
export const ensureDinteroOrderMirrorStep = createStep("ensure-dintero-order-mirror", async (input: EnqueueInput, { container }) => {
  return new StepResponse({ mirror_id: await ensureOrderMirror(container, input) })
})

/** Writes the outbox rows (outbox/enqueue.ts). Compensation removes exactly the rows this step created. */
export const enqueueDinteroOperationsStep = createStep(
  "enqueue-dintero-order-operations",
  async (input: EnqueueInput, { container }) => {
    const ids = await writeOutboxRows(container, input)
    return new StepResponse({ created: ids, order_id: input.order_id }, ids)
  },
  async (ids, { container }) => {
    if (!ids?.length) return
    await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).deleteDinteroOrderOperations(ids)
  }
)
