import type { LinkDefinition, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { StepResponse, createStep } from "@medusajs/framework/workflows-sdk"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import type { OperationKind } from "../../modules/dintero-orders/models/order-operation"

export interface OperationToEnqueue {
  identity: string
  kind: OperationKind
  input?: Record<string, unknown>
  status?: "pending" | "needs_action"
}

export interface EnqueueInput {
  order_id: string | null
  operations: OperationToEnqueue[]
}

/**
 * The order's mirror row, found or created, and its link to the order. Several actors may enqueue for one order at
 * the same moment (the `order.placed` subscriber, the reconciliation, an admin Retry, on different processes): the
 * service's atomic find-or-create gives them all the same row, and each makes sure the link exists (see
 * `linkMirror`). No compensation: once it exists the mirror may hold another actor's work (its operations, the
 * Dintero order id), so a rollback of this workflow must never delete it; an order's mirror without operations is
 * harmless.
 */
export const ensureDinteroOrderMirrorStep = createStep("ensure-dintero-order-mirror", async (input: EnqueueInput, { container }) => {
  if (!input.order_id || input.operations.length === 0) return new StepResponse({ mirror_id: null as string | null })
  const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  const mirror = await svc.ensureMirror(input.order_id)
  await linkMirror(container, input.order_id, mirror.id)
  return new StepResponse({ mirror_id: mirror.id as string | null })
})

/**
 * Links the order to its mirror unless that link exists. Checked every time (one read), not only by the creator of
 * the row: a creator that died between the row and the link leaves the link to the next enqueue. Medusa refuses a
 * second link of a one-to-one pair ("Cannot create multiple links"), also when a concurrent actor has just created
 * this very link: then it is read again, and only a link to another mirror is an error.
 */
async function linkMirror(container: MedusaContainer, orderId: string, mirrorId: string): Promise<void> {
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const definition: LinkDefinition = {
    [Modules.ORDER]: { order_id: orderId },
    [DINTERO_ORDERS_MODULE]: { dintero_order_mirror_id: mirrorId },
  }
  if ((await link.list(definition)).length) return
  try {
    await link.create(definition)
  } catch (e) {
    if ((await link.list(definition)).length) return
    throw e
  }
}

/**
 * Writes the outbox rows. An identity already in the outbox is left alone (atomically: see
 * DinteroOrdersService.enqueueOperations): the same Medusa event delivered twice, or enqueued by its subscriber and
 * the reconciliation at once, enqueues it once. Compensation removes exactly the rows this step created.
 */
export const enqueueDinteroOperationsStep = createStep(
  "enqueue-dintero-order-operations",
  async (input: EnqueueInput, { container }) => {
    const orderId = input.order_id
    if (!orderId || input.operations.length === 0) return new StepResponse({ created: [] as string[], order_id: orderId }, [] as string[])
    const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
    const fresh = input.operations.filter((o, i, all) => all.findIndex((x) => x.identity === o.identity) === i)
    const ids = await svc.enqueueOperations(
      orderId,
      fresh.map((o, sequence) => ({ identity: o.identity, kind: o.kind, sequence, status: o.status ?? "pending", input: o.input ?? null }))
    )
    return new StepResponse({ created: ids, order_id: orderId }, ids)
  },
  async (ids, { container }) => {
    if (!ids?.length) return
    await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).deleteDinteroOrderOperations(ids)
  }
)
