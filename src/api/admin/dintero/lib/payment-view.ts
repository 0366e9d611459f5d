import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { DinteroOptions } from "../../../../providers/dintero/options"
import { dinteroClientFor, dinteroConfigurations } from "../../../../lib/dintero-registry"
import { backofficeTransactionUrl, dinteroFailure, environmentOf, transactionView } from "./views"
import type { DinteroPaymentView } from "./wire-types"
import { isDinteroProviderId } from "../../../../providers/dintero/provider-id"

export type { DinteroPaymentView }

export const PAYMENT_FIELDS = ["id", "provider_id", "data", "amount", "currency_code", "captured_at", "canceled_at", "created_at"]

/** A Medusa payment as `query.graph` returns PAYMENT_FIELDS. */
export interface PaymentRecord {
  id: string
  provider_id: string
  data: Record<string, unknown> | null
  /** Major units, as Medusa keeps them (a number or BigNumber-like value). */
  amount: number | string | { toString(): string } | null
  currency_code: string | null
  captured_at: Date | string | null
  canceled_at: Date | string | null
  created_at: Date | string | null
}


const str = (v: unknown): string | null => (typeof v === "string" && v.length > 0 ? v : null)
const date = (v: unknown): string | null => (v instanceof Date ? v.toISOString() : str(v))

/** Transaction ids start with the account id ("T12345678.xxx"): several configured accounts are told apart by it. */
function configurationFor(transactionId: string | null): DinteroOptions | undefined {
  const all = dinteroConfigurations()
  if (transactionId) {
    const match = all.find((c) => transactionId.startsWith(`${c.accountId}.`))
    if (match) return match
  }
  return all[0]
}

export async function dinteroPaymentView(payment: PaymentRecord): Promise<DinteroPaymentView> {
  const data = payment.data ?? {}
  const transactionId = str(data.transaction_id)
  const options = configurationFor(transactionId)
  const accountId = options?.accountId ?? null
  const view: DinteroPaymentView = {
    payment_id: payment.id,
    provider_id: payment.provider_id,
    medusa: {
      amount: payment.amount === null || typeof payment.amount === "number" ? payment.amount : payment.amount.toString(),
      currency_code: str(payment.currency_code),
      captured_at: date(payment.captured_at),
      canceled_at: date(payment.canceled_at),
    },
    dintero_session_id: str(data.dintero_session_id),
    transaction_id: transactionId,
    last_known_status: str(data.dintero_status),
    account_id: accountId,
    environment: accountId ? environmentOf(accountId) : null,
    backoffice_url: accountId && transactionId ? backofficeTransactionUrl(accountId, transactionId) : null,
    transaction: null,
    dintero_error: null,
  }
  if (!transactionId) return view
  if (!options) {
    view.dintero_error = { message: "The Dintero payment provider is not configured in this Medusa.", kind: "internal", status: null, code: null, dintero_message: null }
    return view
  }
  try {
    view.transaction = transactionView(await dinteroClientFor(options).checkout.getTransaction(transactionId))
  } catch (e) {
    view.dintero_error = dinteroFailure(e, options.checkoutBaseUrl)
  }
  return view
}

/** The Dintero payments of an order, oldest first. */
export async function orderDinteroPayments(container: MedusaContainer, orderId: string): Promise<PaymentRecord[] | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: orders } = await query.graph({
    entity: "order",
    fields: ["id", ...PAYMENT_FIELDS.map((f) => `payment_collections.payments.${f}`)],
    filters: { id: orderId },
  })
  const order = orders[0] as { payment_collections?: ({ payments?: (PaymentRecord | null)[] } | null)[] } | undefined
  if (!order) return null
  const payments: PaymentRecord[] = []
  for (const pc of order.payment_collections ?? []) {
    for (const p of pc?.payments ?? []) if (p && isDinteroProviderId(p.provider_id)) payments.push(p)
  }
  return payments.sort((a, b) => String(date(a.created_at)).localeCompare(String(date(b.created_at))))
}

export async function findPayment(container: MedusaContainer, paymentId: string): Promise<PaymentRecord | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment", fields: PAYMENT_FIELDS, filters: { id: paymentId } })
  return (data[0] as PaymentRecord | undefined) ?? null
}
