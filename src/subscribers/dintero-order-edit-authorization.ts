import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { moveDinteroAuthorizationAfterEditWorkflow } from "../workflows/mirror-order"
import { messageOf } from "../lib/error-message"

/** order-edit.confirmed → move a kept Dintero authorization to the order's new payment collection. */
export default async function dinteroOrderEditAuthorization({ event, container }: SubscriberArgs<{ order_id: string }>) {
  try {
    const { result } = await moveDinteroAuthorizationAfterEditWorkflow(container).run({ input: { order_id: event.data.order_id } })
    for (const moved of result) {
      container
        .resolve(ContainerRegistrationKeys.LOGGER)
        .info(`[dintero] order ${event.data.order_id}: authorization ${moved.transaction_id} ${moved.problem ? `not moved: ${moved.problem}` : `moved to ${moved.payment_collection_id}`}`)
    }
  } catch (e) {
    container
      .resolve(ContainerRegistrationKeys.LOGGER)
      .error(`[dintero] could not move the Dintero authorization of order ${event.data.order_id}: ${messageOf(e)}`)
  }
}

export const config: SubscriberConfig = {
  event: "order-edit.confirmed",
  context: { subscriberId: "dintero-order-edit-authorization" },
}
