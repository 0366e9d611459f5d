// Shapes of the emulator's state. They follow Dintero's JSON (snake_case) because they are served as-is.

export type PayOutcome = "AUTHORIZED" | "ON_HOLD" | "DECLINED" | "FAILED" | "CANCELLED"

// The emulator speaks the same statuses the plugin's client reads.
export type { TransactionStatus } from "../src/dintero/types"
import type { TransactionStatus } from "../src/dintero/types"

export interface OrderItem {
  id?: string
  line_id: string
  description?: string
  quantity?: number
  amount: number
  vat_amount?: number
  vat?: number
  type?: string
  [key: string]: unknown
}

export interface ShippingOption {
  id: string
  line_id: string
  amount: number
  title: string
  operator: string
  vat_amount?: number
  vat?: number
  description?: string
  [key: string]: unknown
}

export interface SessionOrder {
  amount: number
  currency: string
  merchant_reference: string
  merchant_reference_2?: string
  vat_amount?: number
  partial_payment?: boolean
  items?: OrderItem[]
  shipping_option?: ShippingOption
  shipping_address?: Record<string, unknown>
  billing_address?: Record<string, unknown>
  [key: string]: unknown
}

export interface SessionEvent {
  id: string
  name: string
  created_at: string
  request_id?: string
  details?: Record<string, unknown>
}

export interface Session {
  id: string
  created_at: string
  updated_at: string
  expires_at: string
  url: { return_url: string; callback_url?: string; merchant_terms_url?: string }
  order: SessionOrder
  customer?: Record<string, unknown>
  configuration: { auto_capture?: boolean; [key: string]: unknown }
  metadata: Record<string, unknown>
  express?: unknown
  checkboxes?: unknown
  initiating_system_request_headers: Record<string, string>
  events: SessionEvent[]
  transaction_id?: string
  cancelled_at?: string
  cancelled_by?: string
  [key: string]: unknown
}

export interface EventItem {
  line_id: string
  amount: number
  quantity?: number
  [key: string]: unknown
}

export type TransactionEventName =
  | "INITIALIZE"
  | "AUTHORIZE"
  | "CAPTURE"
  | "REFUND"
  | "VOID"
  | "INITIATE_CAPTURE"
  | "INITIATE_REFUND"
  | "INITIATE_VOID"

export interface TransactionEvent {
  id: string
  event: TransactionEventName
  transaction_status: TransactionStatus
  success: boolean
  amount?: number
  items?: EventItem[]
  event_reference?: string
  reason?: string
  metadata?: Record<string, unknown>
  created_at: string
  created_by?: string
  request_id: string
  correlation_request_id?: string
  error?: { code: string; message: string; type?: string[] }
}

export interface Transaction {
  id: string
  session_id: string
  created_at: string
  updated_at: string
  payment_product: string
  payment_product_type: string
  amount: number
  currency: string
  merchant_reference: string
  merchant_reference_2?: string
  channel: string
  status: TransactionStatus
  settlement_status: string
  customer?: Record<string, unknown>
  shipping_address?: Record<string, unknown>
  billing_address?: Record<string, unknown>
  shipping_option?: ShippingOption
  items: OrderItem[]
  url: { callback_url?: string; redirect_url?: string }
  metadata: Record<string, unknown>
  initiating_system_request_headers: Record<string, string>
  events: TransactionEvent[]
  session?: Session
  [key: string]: unknown
}

export interface PayResult {
  transaction?: Transaction
  redirect_url: string
}

export interface RequestLogEntry {
  id: string
  at: string
  method: string
  path: string
  route: string
  query: Record<string, unknown>
  status: number | null
  body: unknown
  responseBody?: unknown
  duration_ms?: number
  fault?: string
}

export interface CallbackAttempt {
  at: string
  status?: number
  error?: string
}

export interface CallbackDelivery {
  id: string
  /** The `event-delivery` header value. */
  event_delivery: string
  kind: "payment" | "on_hold_resolved" | "error" | "event"
  session_id: string
  transaction_id?: string
  url: string
  method: "GET" | "POST"
  event?: string
  event_id?: string
  error?: string
  attempts: CallbackAttempt[]
  delivered: boolean
  dropped?: boolean
  signature?: boolean
  created_at: string
}

/**
 * A capture/refund that Dintero answers 2xx while its event says `success: false` with an error (SPEC-TS:5319-5420;
 * DOCS:checkout/transaction-management "captures might fail"). The status does not change; no money moves.
 */
export interface OperationFailure {
  operation: "capture" | "refund"
  code?: string
  message?: string
}

export type CallbackFaultMode = "duplicate" | "out-of-order" | "drop" | "late"

export type Fault = {
  method?: string
  /** Path prefix, or a `:param` pattern matched segment by segment (ignored for callback faults). */
  path?: string
  times?: number
  /** Let this many matching requests through untouched before the fault starts applying. Default 0. */
  after?: number
} & (
  | { kind: "status"; status: number; retryAfter?: number; body?: object }
  | { kind: "latency"; ms: number }
  | { kind: "hang" }
  | { kind: "reset" }
  | { kind: "lose-response" }
  | { kind: "callback"; mode: CallbackFaultMode; delayMs?: number }
  | ({ kind: "operation-failure" } & OperationFailure)
)

export type StoredFault = Fault & { id: string; remaining: number }

export interface EmulatorOptions {
  port?: number
  host?: string
  accountId?: string
  clientId?: string
  clientSecret?: string
  profiles?: string[]
  tokenExpiresIn?: number
  signatureSecret?: string
  callbackRetries?: number
  callbackRetryDelayMs?: number
  callbackTimeoutMs?: number
  asyncMode?: boolean
  /** Addition: delay before an async (202) operation is applied. Default 50. */
  asyncDelayMs?: number
  requireHttpsCallback?: boolean
  publicUrl?: string
  logRequests?: boolean
  /** Addition: session lifetime when the request sets no expires_at. Default 4 h. */
  sessionTtlSeconds?: number
}

export type ResolvedOptions = Required<Omit<EmulatorOptions, "signatureSecret" | "publicUrl">> & {
  signatureSecret?: string
  publicUrl?: string
}
