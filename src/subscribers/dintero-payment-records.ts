import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import type { MedusaContainer } from "@medusajs/framework/types"
import { DINTERO_ORDERS_MODULE } from "../modules/dintero-orders"
import type DinteroOrdersService from "../modules/dintero-orders/service"
import { mirrorPaymentRecordsWorkflow } from "../workflows/mirror-order"
import { enqueueThenSend } from "../workflows/lib/enqueue-then-send"

/**
 * payment.captured / payment.refunded → captures / refunds on the Dintero order. Refunds made by returns, claims,
 * exchanges and order cancellation all arrive here too (they go through Medusa's refund-payment workflow).
 */
export default async function dinteroPaymentRecords({ event, container }: SubscriberArgs<{ id: string }>) {
  const kind = event.name === "payment.refunded" ? "refund" : "capture"
  await enqueueThenSend(container, `${kind}s of payment ${event.data.id}`, async () => {
    const { result } = await mirrorPaymentRecordsWorkflow(container).run({ input: { payment_id: event.data.id, kind } })
    return { orderId: result.order_id ?? (await orderOf(container, event.data.id)) }
  })
}

async function orderOf(container: MedusaContainer, paymentId: string): Promise<string | null> {
  const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  const [op] = await svc.listDinteroOrderOperations({ identity: `authorization:${paymentId}` }, { select: ["order_id"] })
  return op?.order_id ?? null
}

export const config: SubscriberConfig = {
  event: ["payment.captured", "payment.refunded"],
  context: { subscriberId: "dintero-orders-payment-records" },
}
