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

/**
 * A Dintero payment of the order that Medusa holds no payment for (read from the payment session's data): the
 * order was placed while the transaction was ON_HOLD (`on_hold`), or that hold ended FAILED or DECLINED
 * (`hold_failed`: the order is not paid).
 */
export interface HeldPaymentView {
  payment_session_id: string
  payment_collection_id: string
  /** Medusa's status of the payment collection: `awaiting` while on hold, `failed` once the hold failed. */
  payment_collection_status: string | null
  state: "on_hold" | "hold_failed"
  dintero_session_id: string | null
  transaction_id: string | null
  /** The transaction status the plugin last saw (ON_HOLD, FAILED, DECLINED). */
  dintero_status: string | null
  /** Minor units, as sent to Dintero. */
  amount: number | null
  currency: string | null
  /** Why the hold failed, as Dintero reported it (`hold_failed` only). */
  reason: string | null
  /** What the merchant should do now. */
  next_step: string
  environment: "test" | "production" | null
  backoffice_url: string | null
}

/** GET /admin/dintero/payments?order_id= */
export interface OrderPaymentsResponse {
  order_id: string
  payments: DinteroPaymentView[]
  /** Dintero payments on hold, or whose hold failed: no Medusa payment exists for them. */
  held_payments: HeldPaymentView[]
}

/** A line the Orders API mirror sent (reversed lines and refund-remaining lines included). */
export interface MirrorLineView {
  line_id: number
  /** Medusa item id or `shipping:<id>`; empty for a refund-remaining line. */
  medusa_id: string
  role: "item" | "reversal" | "refund_remaining"
  /** Minor units. */
  gross_amount: number
  from_edit: boolean
  /** Line id of the reversal line, once reversed. */
  reversed_by: number | null
}

export interface OrderMirrorView {
  id: string
  order_id: string
  dintero_order_id: string | null
  currency_code: string | null
  lines: MirrorLineView[]
  /** Checkout transaction line id → the Medusa line it became. */
  checkout_lines: Record<string, string>
  /** Medusa payment id → Dintero transaction id. */
  payments: Record<string, string>
}

/** An Orders API operation of the mirror's outbox. */
export interface MirrorOperationView {
  id: string
  /** What the operation stands for, unique per order (e.g. the Medusa capture it records). */
  identity: string
  kind: string
  status: "pending" | "processing" | "done" | "skipped" | "failed" | "needs_action"
  attempts: number
  last_error: string | null
  next_attempt_at: string | null
  completed_at: string | null
  created_at: string
}

/** The checkout URL of an unpaid Dintero session for what the shopper still owes on the order. */
export interface PaymentLinkView {
  url: string
  /** Minor units. */
  amount: number
  currency: string
  payment_collection_id: string
  payment_session_id: string
}

/** GET /admin/dintero/orders/:id */
export interface OrderMirrorResponse {
  payment_link: PaymentLinkView | null
  dintero_order_mirror: OrderMirrorView | null
  operations: MirrorOperationView[]
  /** With `?dintero=true`: the Orders API's own records of the order, or why they could not be read. */
  dintero?: Record<string, unknown>
}

/** A payment profile the plugin chooses from, as the settings page lists it. Order: entries as configured, then the default. */
export interface PaymentProfileView {
  profile_id: string
  /** The one currency the entry is used for; null for the default profile (any currency Dintero takes). */
  currency: string | null
  /** Shipping countries (ISO 3166-1 alpha-2) the entry serves; empty: every country in its currency. */
  countries: string[]
  /** Medusa region ids the entry serves. */
  regions: string[]
  /** How a session reaches it: a market entry, a currency-wide entry, or the default for everything else. */
  scope: "markets" | "currency" | "default"
}

/** The configuration a Medusa process booted with; secrets replaced by a fixed marker. */
export interface DinteroSettingsView {
  account_id: string
  environment: "test" | "production"
  client_id: string
  client_secret: string
  /** The default payment profile (`profileId`), null when only per-market profiles are configured. */
  profile_id: string | null
  /** Every payment profile the plugin chooses from, with its currency and markets. */
  profiles: PaymentProfileView[]
  checkout_base_url: string
  api_base_url: string
  return_url: string
  backend_url: string
  /** The URL Dintero calls; the merchant must let it through (HTTPS, not localhost, firewall). */
  callback_url: string
  callback_signature: "verified" | "not configured"
  callback_secret: string | null
  auto_capture: boolean
  session_lifetime_minutes: number
  timeout_ms: number
  callback_delay_seconds: number
  backoffice_url: string
}

/** GET /admin/dintero/settings */
export interface SettingsResponse {
  configured: boolean
  provider_id?: string
  settings: DinteroSettingsView | null
  message?: string
}

export interface ConnectionCheck {
  name: "token" | "profile"
  ok: boolean
  message: string
  /** Profile checks: which profile, in which currency. */
  profile_id?: string
  currency?: string
}

/** POST /admin/dintero/settings/test-connection */
export interface ConnectionTestResponse {
  ok: boolean
  account_id: string
  checks: ConnectionCheck[]
  /** Dintero's own error of the first failed check. */
  error: DinteroFailure | null
  duration_ms: number
}
