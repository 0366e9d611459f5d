import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { mirrorOrderPlacedWorkflow } from "../workflows/mirror-order"
import { enqueueAndKick } from "../workflows/lib/kick"

export default async function dinteroOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  await enqueueAndKick(container, `order ${event.data.id}`, () => mirrorOrderPlacedWorkflow(container).run({ input: { order_id: event.data.id } }), () => event.data.id)
}

export const config: SubscriberConfig = { event: "order.placed", context: { subscriberId: "dintero-orders-order-placed" } }
