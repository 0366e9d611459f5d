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
 * Writes the outbox rows (and the order's mirror row, linked to the order, on first use). An identity already in
 * the outbox is left alone: the same Medusa event delivered twice enqueues nothing new.
 * Compensation removes exactly the rows this step created.
 */
export const enqueueDinteroOperationsStep = createStep(
  "enqueue-dintero-order-operations",
  async (input: EnqueueInput, { container }) => {
    if (!input.order_id || input.operations.length === 0) return new StepResponse({ created: [] as string[], order_id: input.order_id }, { ops: [] as string[], mirror: undefined as string | undefined })
    const svc = container.resolve(DINTERO_ORDERS_MODULE) as DinteroOrdersService
    let createdMirror: string | undefined
    const [mirror] = await svc.listDinteroOrderMirrors({ order_id: input.order_id })
    if (!mirror) {
      const created = await svc.createDinteroOrderMirrors({ order_id: input.order_id })
      createdMirror = created.id
      try {
        await container.resolve(ContainerRegistrationKeys.LINK).create({
          [Modules.ORDER]: { order_id: input.order_id },
          [DINTERO_ORDERS_MODULE]: { dintero_order_mirror_id: created.id },
        })
      } catch {
        // The link is a convenience for queries; the mirror works without it.
      }
    }
    const existing = await svc.listDinteroOrderOperations({ identity: input.operations.map((o) => o.identity) }, { select: ["identity"] })
    const known = new Set(existing.map((o) => o.identity))
    const fresh = input.operations.filter((o, i, all) => !known.has(o.identity) && all.findIndex((x) => x.identity === o.identity) === i)
    const rows = fresh.length
      ? await svc.createDinteroOrderOperations(
          fresh.map((o, sequence) => ({
            order_id: input.order_id!,
            identity: o.identity,
            kind: o.kind,
            sequence,
            status: o.status ?? "pending",
            input: o.input ?? null,
          })) as any
        )
      : []
    const ids = ([] as { id: string }[]).concat(rows as any).map((r) => r.id)
    return new StepResponse({ created: ids, order_id: input.order_id }, { ops: ids, mirror: createdMirror })
  },
  async (comp, { container }) => {
    if (!comp) return
    const svc = container.resolve(DINTERO_ORDERS_MODULE) as DinteroOrdersService
    if (comp.ops.length) await svc.deleteDinteroOrderOperations(comp.ops)
    if (comp.mirror) await svc.deleteDinteroOrderMirrors([comp.mirror])
  }
)
