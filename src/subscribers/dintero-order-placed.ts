import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { mirrorOrderPlacedWorkflow } from "../workflows/mirror-order"
import { enqueueThenSend } from "../workflows/lib/enqueue-then-send"

export default async function dinteroOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  await enqueueThenSend(container, `order ${event.data.id}`, () => mirrorOrderPlacedWorkflow(container).run({ input: { order_id: event.data.id } }), () => event.data.id)
}

export const config: SubscriberConfig = { event: "order.placed", context: { subscriberId: "dintero-orders-order-placed" } }
