/**
 * Writing the outbox: the order's mirror row (found or created), then the operations' rows.
 * Database work only, no Dintero call. Shared by the enqueue workflows' steps (steps/enqueue-operations.ts) and the
 * `order.placed` subscriber, which calls it directly (see docs/architecture.md, "The outbox's cost per order").
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type { OperationKind } from "../../modules/dintero-orders/models/order-operation"
import type DinteroOrdersService from "../../modules/dintero-orders/service"

export interface OperationToEnqueue {
  identity: string
  kind: OperationKind
  input?: Record<string, unknown>
  status?: "pending" | "needs_action"
  /**
   * When Medusa's fact happened, if the row is to be ordered by it rather than by when its event was handled (an
   * order edit: see DinteroOrdersService.enqueueOperations and docs/orders-mirror.md, "Edits before the payments
   * that pay for them").
   */
  happened_at?: Date
}

export interface EnqueueInput {
  order_id: string | null
  operations: OperationToEnqueue[]
}

/**
 * The order's mirror row, found or created. Several actors may enqueue for one order at the same moment (the
 * `order.placed` subscriber, the reconciliation, an admin Retry, on different processes): the service's atomic
 * find-or-create gives them all the same row. The order reaches it through the read-only link on the row's
 * `order_id` (src/links/order-dintero-mirror.ts): nothing else to write. Null when there is nothing to enqueue. Never
 * undone: once it exists the mirror may hold another actor's work (its operations, the Dintero order id); an
 * order's mirror without operations is harmless.
 */
export async function ensureOrderMirror(container: MedusaContainer, input: EnqueueInput): Promise<string | null> {
  if (!input.order_id || input.operations.length === 0) return null
  return (await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).ensureMirror(input.order_id)).id
}

/**
 * Writes the outbox rows. An identity already in the outbox is left alone (atomically: see
 * DinteroOrdersService.enqueueOperations): the same Medusa event delivered twice, or enqueued by its subscriber and
 * the reconciliation at once, enqueues it once. Answers the ids of the rows this call created.
 */
export async function writeOutboxRows(
  container: MedusaContainer,
  input: EnqueueInput,
  options: { withMirror?: boolean } = {}
): Promise<string[]> {
  const orderId = input.order_id
  if (!orderId || input.operations.length === 0) return []
  const fresh = input.operations.filter((o, i, all) => all.findIndex((x) => x.identity === o.identity) === i)
  return container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).enqueueOperations(
    orderId,
    fresh.map((o, sequence) => ({ identity: o.identity, kind: o.kind, sequence, status: o.status ?? "pending", input: o.input ?? null, happened_at: o.happened_at ?? null })),
    options
  )
}

/**
 * The mirror row (created when missing), then the outbox rows, in one statement: what an event's enqueue writes.
 * Answers the ids of the rows created.
 */
export async function enqueueOutbox(container: MedusaContainer, input: EnqueueInput): Promise<string[]> {
  return writeOutboxRows(container, input, { withMirror: true })
}
