// Shapes of the plugin's admin routes (src/api/admin/dintero/**), as the dashboard reads them.

// Shared with the routes, type-only (erased from the bundle): one definition of the wire shapes.
export type {
  DinteroFailure,
  DinteroPaymentView,
  MirrorOperationView,
  OrderMirrorResponse,
  OrderPaymentsResponse,
  TransactionEventView,
  TransactionView,
} from "../../api/admin/dintero/lib/wire-types"
import type { DinteroFailure } from "../../api/admin/dintero/lib/wire-types"
import type { PaymentProfileView } from "../../api/admin/dintero/lib/profiles-view"
export type { PaymentProfileView }

export interface SettingsView {
  account_id: string
  environment: "test" | "production"
  client_id: string
  client_secret: string
  profile_id: string | null
  profiles: PaymentProfileView[]
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
  checks: { name: string; ok: boolean; message: string; profile_id?: string; currency?: string }[]
  error: DinteroFailure | null
  duration_ms: number
}
