import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { mirrorOrderEditWorkflow } from "../workflows/mirror-order"
import { enqueueThenSend } from "../workflows/lib/enqueue-then-send"

type Payload = { order_id: string; actions?: { action?: string; order_change_id?: string }[] }

export default async function dinteroOrderEdit({ event, container }: SubscriberArgs<Payload>) {
  const { order_id, actions } = event.data
  await enqueueThenSend(
    container,
    `the edit of order ${order_id}`,
    async () => {
      await mirrorOrderEditWorkflow(container).run({ input: { order_id, actions: (actions ?? []).map((a) => ({ action: a.action, order_change_id: a.order_change_id })) } })
      return { orderId: order_id }
    }
  )
}

export const config: SubscriberConfig = { event: "order-edit.confirmed", context: { subscriberId: "dintero-orders-order-edit" } }
