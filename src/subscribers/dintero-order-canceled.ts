import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { mirrorOrderCanceledWorkflow } from "../workflows/mirror-order"
import { enqueueAndKick } from "../workflows/lib/kick"

export default async function dinteroOrderCanceled({ event, container }: SubscriberArgs<{ id: string }>) {
  await enqueueAndKick(container, `the cancellation of order ${event.data.id}`, () => mirrorOrderCanceledWorkflow(container).run({ input: { order_id: event.data.id } }), () => event.data.id)
}

export const config: SubscriberConfig = { event: "order.canceled", context: { subscriberId: "dintero-orders-order-canceled" } }
