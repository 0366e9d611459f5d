// Shapes of the plugin's admin routes (src/api/admin/dintero/**), as the dashboard reads them.

export interface DinteroFailure {
  message: string
  kind: "unreachable" | "dintero" | "internal" | string
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
  authorized_amount: number
  captured_amount: number
  refunded_amount: number
  voided_amount: number
  capturable_amount: number
  settlement_status: string | null
  updated_at: string | null
  events: TransactionEventView[]
}

export interface DinteroPaymentView {
  payment_id: string
  provider_id: string
  medusa: { amount: number | string | null; currency_code: string | null; captured_at: string | null; canceled_at: string | null }
  dintero_session_id: string | null
  transaction_id: string | null
  last_known_status: string | null
  account_id: string | null
  environment: "test" | "production" | null
  backoffice_url: string | null
  transaction: TransactionView | null
  dintero_error: DinteroFailure | null
}

export interface OrderPaymentsResponse {
  order_id: string
  payments: DinteroPaymentView[]
}

export interface SettingsView {
  account_id: string
  environment: "test" | "production"
  client_id: string
  client_secret: string
  profile_id: string
  checkout_base_url: string
  api_base_url: string
  return_url: string
  backend_url: string
  callback_url: string
  callback_signature: string
  callback_secret: string | null
  auto_capture: boolean
  session_lifetime_minutes: number
  timeout_ms: number
  callback_delay_seconds: number
  backoffice_url: string
}

export interface SettingsResponse {
  configured: boolean
  provider_id?: string
  settings: SettingsView | null
  message?: string
}

export interface ConnectionTestResponse {
  ok: boolean
  account_id: string
  checks: { name: string; ok: boolean; message: string }[]
  error: DinteroFailure | null
  duration_ms: number
}
