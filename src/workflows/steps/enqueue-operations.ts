import type { LinkDefinition } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
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
 * The order's mirror row, created on first use. Returns the link to create between the order and a new mirror
 * (the workflow creates it with createRemoteLinkStep, which dismisses it on rollback). Compensation deletes the
 * mirror row only if this step created it.
 */
export const ensureDinteroOrderMirrorStep = createStep(
  "ensure-dintero-order-mirror",
  async (input: EnqueueInput, { container }) => {
    // The compensation input is always given (StepResponse would pass the output instead of an undefined one).
    const none = { created_mirror_id: null as string | null }
    if (!input.order_id || input.operations.length === 0) return new StepResponse({ links: [] as LinkDefinition[] }, none)
    const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
    const [mirror] = await svc.listDinteroOrderMirrors({ order_id: input.order_id })
    if (mirror) return new StepResponse({ links: [] as LinkDefinition[] }, none)
    const created = await svc.createDinteroOrderMirrors({ order_id: input.order_id })
    const link: LinkDefinition = {
      [Modules.ORDER]: { order_id: input.order_id },
      [DINTERO_ORDERS_MODULE]: { dintero_order_mirror_id: created.id },
    }
    return new StepResponse({ links: [link] }, { created_mirror_id: created.id })
  },
  async (comp, { container }) => {
    if (!comp?.created_mirror_id) return
    await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).deleteDinteroOrderMirrors([comp.created_mirror_id])
  }
)

/**
 * Writes the outbox rows. An identity already in the outbox is left alone: the same Medusa event delivered twice
 * enqueues nothing new. Compensation removes exactly the rows this step created.
 */
export const enqueueDinteroOperationsStep = createStep(
  "enqueue-dintero-order-operations",
  async (input: EnqueueInput, { container }) => {
    const orderId = input.order_id
    if (!orderId || input.operations.length === 0) return new StepResponse({ created: [] as string[], order_id: orderId }, [] as string[])
    const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
    const existing = await svc.listDinteroOrderOperations({ identity: input.operations.map((o) => o.identity) }, { select: ["identity"] })
    const known = new Set(existing.map((o) => o.identity))
    const fresh = input.operations.filter((o, i, all) => !known.has(o.identity) && all.findIndex((x) => x.identity === o.identity) === i)
    const rows = fresh.length
      ? await svc.createDinteroOrderOperations(
          fresh.map((o, sequence) => ({
            order_id: orderId,
            identity: o.identity,
            kind: o.kind,
            sequence,
            status: o.status ?? "pending",
            input: o.input ?? null,
          }))
        )
      : []
    const ids = rows.map((r) => r.id)
    return new StepResponse({ created: ids, order_id: orderId }, ids)
  },
  async (ids, { container }) => {
    if (!ids?.length) return
    await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).deleteDinteroOrderOperations(ids)
  }
)
