/**
 * A further payment (the payment link for the difference after an edit) pays for the order as Medusa holds it after
 * its edits, so its authorization is planned on the mirror's lines only once those edits are mirrored: planned on the
 * lines as they were before (the edit's event handled late, or lost), it finds the wrong lines (issue 9's 1 øre:
 * an edit moves the rounding line, src/mapping/orders-mirror/edit-rounding.ts) or none.
 *
 * The edits are Medusa's confirmed order changes (the reconciliation's finder, reconcile/find.ts). One without an
 * outbox row is enqueued here, as its subscriber would have (the same identity, so it is written once whoever comes
 * first), in its place by when Medusa confirmed it. An unfinished edit row that sorts before the authorization's row
 * is what the authorization waits for; an edit sorting after it (confirmed after the payment was recorded in the
 * outbox) is not: the queue's order is the rule, so a waiting authorization never waits for a row that waits for it.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { Reader } from "../reconcile/find"
import { resolveOrderEdit } from "../steps/resolve-operations"
import { enqueueOutbox } from "./enqueue"

const FINISHED = new Set(["done", "skipped"])

/** Identities of the order's edits still to be mirrored before operation `operationId` (enqueued when missing). */
export async function editsToMirrorFirst(container: MedusaContainer, orderId: string, operationId: string): Promise<string[]> {
  const edits = await new Reader(container).confirmedEdits({ order_id: orderId })
  if (!edits.length) return []
  const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  const identities = edits.map((e) => e.identity)
  const rowsOf = () =>
    svc.listDinteroOrderOperations(
      { order_id: orderId, identity: [...identities] },
      { select: ["id", "identity", "status", "created_at", "sequence"] }
    )
  let rows = await rowsOf()
  const missing = edits.filter((e) => !rows.some((r) => r.identity === e.identity))
  for (const edit of missing) {
    // The change id named in the identity: what the edit's subscriber would have read from the event.
    const changeId = edit.identity.slice("order_edit:".length)
    await enqueueOutbox(container, await resolveOrderEdit(container, { order_id: orderId, actions: [{ order_change_id: changeId }] }))
  }
  if (missing.length) rows = await rowsOf()
  const [self] = await svc.listDinteroOrderOperations({ id: operationId }, { select: ["id", "created_at", "sequence"] })
  if (!self) return []
  const at = (r: { created_at: Date | string }) => new Date(r.created_at).getTime()
  const before = (r: { created_at: Date | string; sequence: number }) =>
    at(r) < at(self) || (at(r) === at(self) && r.sequence < self.sequence)
  return rows.filter((r) => !FINISHED.has(r.status) && before(r)).map((r) => r.identity)
}
