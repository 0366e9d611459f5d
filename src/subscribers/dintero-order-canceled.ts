import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { mirrorOrderCanceledWorkflow } from "../workflows/mirror-order"
import { enqueueThenSend } from "../workflows/lib/enqueue-then-send"

export default async function dinteroOrderCanceled({ event, container }: SubscriberArgs<{ id: string }>) {
  await enqueueThenSend(container, `the cancellation of order ${event.data.id}`, async () => {
    await mirrorOrderCanceledWorkflow(container).run({ input: { order_id: event.data.id } })
    return { orderId: event.data.id }
  })
}

export const config: SubscriberConfig = { event: "order.canceled", context: { subscriberId: "dintero-orders-order-canceled" } }
