import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { isDinteroProviderId } from "../../../../providers/dintero/provider-id"
import { dinteroConfigurations } from "../../../../lib/dintero-registry"
import { backofficeTransactionUrl, environmentOf } from "./views"
import type { HeldPaymentView } from "./wire-types"

export type { HeldPaymentView }

/** An order's payment collection as `orderHeldPayments` reads it. */
export interface HeldCollectionRecord {
  id: string
  status?: string | null
  payment_sessions?: ({ id: string; provider_id: string; status?: string | null; data?: Record<string, unknown> | null } | null)[] | null
  payments?: ({ id: string; payment_session_id?: string | null; canceled_at?: Date | string | null } | null)[] | null
}

/** What ended a hold without money (written on the session by the settlement, src/workflows/settle-payment.ts). */
const ENDED_UNPAID = new Set(["FAILED", "DECLINED"])

export const NEXT_STEP = {
  on_hold:
    "Dintero is reviewing the payment: the order is paid once the hold ends AUTHORIZED. Do not ship it before.",
  hold_failed:
    "The order is not paid: contact the customer to pay again (a new payment link), or cancel the order.",
} as const

const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null)

/**
 * Pure: the order's Dintero payments that Medusa holds no payment for, from the payment sessions' data. An order is
 * placed while its Dintero transaction is ON_HOLD (the session waits as `pending_authorization`, the collection as
 * `awaiting`); when the hold ends FAILED the settlement marks the session `error` with Dintero's reason. Neither has
 * a Medusa payment, so the payments list alone would show nothing. A failed session counts only while its collection
 * holds no live payment (otherwise it is an older attempt of a paid order). Only ids, statuses, amounts and
 * Dintero's reason are taken from the data: never the checkout URL or anything a storefront merged in.
 */
export function heldPaymentViews(
  collections: HeldCollectionRecord[],
  accountIds: string[]
): HeldPaymentView[] {
  const views: HeldPaymentView[] = []
  for (const collection of collections) {
    const payments = (collection.payments ?? []).filter((p): p is NonNullable<typeof p> => !!p)
    const paidSessions = new Set(payments.map((p) => p.payment_session_id).filter(Boolean))
    const livePayment = payments.some((p) => !p.canceled_at)
    for (const session of collection.payment_sessions ?? []) {
      if (!session || !isDinteroProviderId(session.provider_id) || paidSessions.has(session.id)) continue
      const data = session.data ?? {}
      const dinteroStatus = str(data.dintero_status)
      let state: HeldPaymentView["state"]
      if (session.status === "pending_authorization") state = "on_hold"
      else if (session.status === "error" && !livePayment && dinteroStatus && ENDED_UNPAID.has(dinteroStatus)) state = "hold_failed"
      else continue
      const transactionId = state === "hold_failed" ? str(data.declined_transaction_id) ?? str(data.transaction_id) : str(data.transaction_id)
      const accountId = (transactionId && accountIds.find((a) => transactionId.startsWith(`${a}.`))) ?? accountIds[0] ?? null
      views.push({
        payment_session_id: session.id,
        payment_collection_id: collection.id,
        payment_collection_status: str(collection.status),
        state,
        dintero_session_id: str(data.dintero_session_id),
        transaction_id: transactionId,
        dintero_status: dinteroStatus,
        amount: typeof data.amount === "number" && Number.isSafeInteger(data.amount) ? data.amount : null,
        currency: str(data.currency),
        reason: state === "hold_failed" ? str(data.dintero_error) : null,
        next_step: NEXT_STEP[state],
        environment: accountId ? environmentOf(accountId) : null,
        backoffice_url: accountId && transactionId ? backofficeTransactionUrl(accountId, transactionId) : null,
      })
    }
  }
  return views
}

const FIELDS = [
  "id",
  "payment_collections.id",
  "payment_collections.status",
  "payment_collections.payment_sessions.id",
  "payment_collections.payment_sessions.provider_id",
  "payment_collections.payment_sessions.status",
  "payment_collections.payment_sessions.data",
  "payment_collections.payments.id",
  "payment_collections.payments.payment_session_id",
  "payment_collections.payments.canceled_at",
]

/** The order's held or failed-hold Dintero payments (empty for an unknown order: the payments read says 404). */
export async function orderHeldPayments(container: MedusaContainer, orderId: string): Promise<HeldPaymentView[]> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: FIELDS, filters: { id: orderId } })
  const order = data[0] as { payment_collections?: (HeldCollectionRecord | null)[] } | undefined
  const collections = (order?.payment_collections ?? []).filter((c): c is HeldCollectionRecord => !!c)
  return heldPaymentViews(collections, dinteroConfigurations().map((c) => c.accountId))
}
