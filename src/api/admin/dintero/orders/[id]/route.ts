import type { AuthenticatedMedusaRequest, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { toMinorUnits } from "../../../../../mapping/money"
import { DINTERO_ORDERS_MODULE } from "../../../../../modules/dintero-orders"
import type DinteroOrdersService from "../../../../../modules/dintero-orders/service"
import type { MirrorOperationView, OrderMirrorResponse, PaymentLinkView } from "../../lib/wire-types"
import type { AdminDinteroOrderMirrorQuery } from "../../validators"
import { isDinteroProviderId } from "../../../../../providers/dintero/provider-id"
import { loadOrderPaymentCollections } from "../../../../../workflows/lib/medusa-data"
import { parseMirrorState } from "../../../../../workflows/outbox/operation"
import { pathParam } from "../../lib/path-param"
import { messageOf } from "../../../../../lib/error-message"

/**
 * GET /admin/dintero/orders/:id — the Orders mirror of a Medusa order: the Dintero order id, the line map
 * (Medusa line ↔ Orders line_id, with reversals and refund-remaining lines) and every outbox operation with its
 * status, attempts and last error. `?dintero=true` also reads the order and its payment records from Dintero.
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminDinteroOrderMirrorQuery>, res: MedusaResponse) {
  const svc = req.scope.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  const orderId = pathParam(req, "id")
  const [mirror] = await svc.listDinteroOrderMirrors({ order_id: orderId })
  const operations = await svc.listDinteroOrderOperations(
    { order_id: orderId },
    { order: { created_at: "ASC", sequence: "ASC" }, take: 1000 }
  )
  // A state that does not parse is shown as no lines: every operation of the order stops on it with the reason
  // (needs_action, outbox/runner.ts), which this answer lists.
  const parsedState = parseMirrorState(mirror?.state)
  const state = parsedState.ok ? parsedState.value : null
  let dintero: Record<string, unknown> | undefined
  if (req.validatedQuery.dintero && mirror?.dintero_order_id) {
    const client = svc.getDinteroClient()
    try {
      const id = mirror.dintero_order_id
      const [order, authorizations, captures, refunds, cancellations] = await Promise.all([
        client.orders.getOrder(id),
        client.orders.listAuthorizations(id),
        client.orders.listCaptures(id),
        client.orders.listRefunds(id),
        client.orders.listCancellations(id),
      ])
      dintero = { order, authorizations, captures, refunds, cancellations }
    } catch (e) {
      dintero = { error: messageOf(e) }
    }
  }
  const body: OrderMirrorResponse = {
    payment_link: await outstandingPaymentLink(req, orderId),
    dintero_order_mirror: mirror
      ? {
          id: mirror.id,
          order_id: mirror.order_id,
          dintero_order_id: mirror.dintero_order_id ?? null,
          currency_code: mirror.currency_code,
          lines: (state?.lines ?? []).map((line) => ({
            line_id: line.line_id,
            medusa_id: line.medusa_id,
            role: line.role,
            gross_amount: line.gross_amount,
            from_edit: line.from_edit,
            reversed_by: line.reversed_by ?? null,
          })),
          checkout_lines: state?.checkout_lines ?? {},
          payments: state?.payments ?? {},
        }
      : null,
    operations: operations.map(
      (op): MirrorOperationView => ({
        id: op.id,
        identity: op.identity,
        kind: op.kind,
        status: op.status as MirrorOperationView["status"],
        attempts: op.attempts,
        last_error: op.last_error ?? null,
        next_attempt_at: isoDate(op.next_attempt_at),
        completed_at: isoDate(op.completed_at),
        created_at: isoDate(op.created_at) ?? "",
      })
    ),
    ...(dintero && { dintero }),
  }
  res.json(body)
}

function isoDate(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null
  return value instanceof Date ? value.toISOString() : String(value)
}

/**
 * The link a merchant can send the shopper for an amount still to pay on the order (e.g. the difference after an
 * order edit): the checkout URL of an unpaid Dintero session on one of the order's open payment collections.
 */
async function outstandingPaymentLink(req: MedusaRequest, orderId: string): Promise<PaymentLinkView | null> {
  for (const collection of await loadOrderPaymentCollections(req.scope, orderId)) {
    if (!["not_paid", "awaiting", "partially_authorized"].includes(collection.status ?? "")) continue
    for (const session of collection.payment_sessions ?? []) {
      const url = session.data?.checkout_url
      if (isDinteroProviderId(session.provider_id) && session.status === "pending" && typeof url === "string" && url) {
        return {
          url,
          // Minor units like every amount the widget formats (Medusa keeps major units: 398 NOK → 39800).
          amount: toMinorUnits(session.amount ?? 0, String(session.currency_code)),
          currency: String(session.currency_code).toUpperCase(),
          payment_collection_id: collection.id,
          payment_session_id: session.id,
        }
      }
    }
  }
  return null
}
