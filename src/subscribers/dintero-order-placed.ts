import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { mirrorOrderPlacedWorkflow } from "../workflows/mirror-order"
import { enqueueThenSend } from "../workflows/lib/enqueue-then-send"

export default async function dinteroOrderPlaced({ event, container }: SubscriberArgs<{ id: string }>) {
  // The order to send for is the one the enqueue resolved: none when there is nothing to mirror (paid with another
  // provider, the mirror switched off), so such an order costs no outbox pass (its lock and its rows' read).
  let orderId: string | null = null
  await enqueueThenSend(
    container,
    `order ${event.data.id}`,
    async () => {
      const { result } = await mirrorOrderPlacedWorkflow(container).run({ input: { order_id: event.data.id } })
      orderId = result.order_id
      return result
    },
    () => orderId
  )
}

export const config: SubscriberConfig = { event: "order.placed", context: { subscriberId: "dintero-orders-order-placed" } }
