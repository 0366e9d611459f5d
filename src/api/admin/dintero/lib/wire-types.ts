/**
 * The JSON the plugin's admin routes answer with, as plain types (no imports), shared by the routes and the admin
 * dashboard code (src/admin), which imports them type-only. Amounts ending in `_amount` are minor units.
 */

/** Why Dintero could not be read, in words fit for the merchant. */
export interface DinteroFailure {
  message: string
  kind: "unreachable" | "dintero" | "internal"
  status: number | null
  code: string | null
  dintero_message: string | null
}

export interface TransactionEventView {
  event: string
  success: boolean
  amount: number | null
  status: string | null
  reference: string | null
  created_at: string | null
  error: string | null
}

export interface TransactionView {
  id: string
  status: string
  payment_product: string | null
  payment_product_type: string | null
  currency: string
  /** Minor units. Authorized: the successful AUTHORIZE events (Dintero keeps `amount` = authorized total). */
  authorized_amount: number
  captured_amount: number
  refunded_amount: number
  voided_amount: number
  /** What can still be captured: authorized − captured − voided, never below zero. */
  capturable_amount: number
  settlement_status: string | null
  created_at: string | null
  updated_at: string | null
  events: TransactionEventView[]
}

/** A Medusa payment made through Dintero, with its transaction as Dintero reports it now. */
export interface DinteroPaymentView {
  payment_id: string
  provider_id: string
  /** Medusa's own record (major units as Medusa keeps them, for comparison). */
  medusa: { amount: number | string | null; currency_code: string | null; captured_at: string | null; canceled_at: string | null }
  dintero_session_id: string | null
  transaction_id: string | null
  /** The status the plugin last saw (from payment data), shown when Dintero cannot be reached. */
  last_known_status: string | null
  account_id: string | null
  environment: "test" | "production" | null
  backoffice_url: string | null
  transaction: TransactionView | null
  /** Why `transaction` is null although there is a transaction id (Dintero unreachable, refused, ...). */
  dintero_error: DinteroFailure | null
}

/** GET /admin/dintero/payments?order_id= */
export interface OrderPaymentsResponse {
  order_id: string
  payments: DinteroPaymentView[]
}
