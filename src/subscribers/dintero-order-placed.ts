import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { enqueueOutbox } from "../workflows/outbox/enqueue"
import { enqueueThenSend } from "../workflows/lib/enqueue-then-send"
import { resolveOrderPlaced } from "../workflows/steps/resolve-operations"

/**
 * Runs on every order placed, whatever paid it, so it is kept cheap: the rows are written by direct module calls
 * (the same ones the enqueue workflow's steps make, without a workflow run's checkpoints), and the pass reuses the
 * order's payments as read here. The order to send for is the one the enqueue resolved: none when there is nothing
 * to mirror (paid with another provider, the mirror switched off), so such an order costs no outbox pass.
 */
export default async function dinteroOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  await enqueueThenSend(container, `order ${event.data.id}`, async () => {
    const { toEnqueue, payments } = await resolveOrderPlaced(container, event.data.id)
    await enqueueOutbox(container, toEnqueue)
    return { orderId: toEnqueue.order_id, hints: payments ? { orderPayments: payments } : undefined }
  })
}

export const config: SubscriberConfig = { event: "order.placed", context: { subscriberId: "dintero-orders-order-placed" } }
