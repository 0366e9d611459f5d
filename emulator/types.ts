// Shapes of the emulator's state. They follow Dintero's JSON (snake_case) because they are served as-is, and they
// extend the wire types of src/dintero/contract (one description of the wire): the emulator's stored objects only
// narrow them (fields it always fills are required here).
import type * as wire from "../src/dintero/contract"

export type PayOutcome = "AUTHORIZED" | "ON_HOLD" | "DECLINED" | "FAILED" | "CANCELLED"

// The emulator speaks the same statuses the plugin's client reads.
export type { TransactionStatus } from "../src/dintero/types"
import type { TransactionStatus } from "../src/dintero/types"

export interface OrderItem extends wire.CheckoutOrderItem {
  line_id: string
  amount: number
}

export type ShippingOption = wire.ShippingOption

export interface SessionOrder extends wire.SessionOrder {
  items?: OrderItem[]
}

export interface SessionEvent extends wire.SessionEvent {
  id: string
  name: string
  created_at: string
}

export interface Session extends wire.Session {
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

export type EventItem = wire.TransactionItemRef

export type TransactionEventName =
  | "INITIALIZE"
  | "AUTHORIZE"
  | "CAPTURE"
  | "REFUND"
  | "VOID"
  | "INITIATE_CAPTURE"
  | "INITIATE_REFUND"
  | "INITIATE_VOID"

export interface TransactionEvent extends wire.TransactionEvent {
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

export interface Transaction extends wire.Transaction {
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
  /**
   * Addition: the currencies each payment profile takes (ISO 4217, upper case). A session in another currency is
   * refused; a profile not listed takes any currency. See docs/payment-profiles.md.
   */
  profileCurrencies?: Record<string, string[]>
  tokenExpiresIn?: number
  signatureSecret?: string
  callbackRetries?: number
  callbackRetryDelayMs?: number
  callbackTimeoutMs?: number
  asyncMode?: boolean
  /** Addition: delay before an async (202) operation is applied. Default 50. */
  asyncDelayMs?: number
  /**
   * Dintero delivers callbacks to HTTPS URLs only and refuses localhost / 127.0.0.1 (SPEC-TS ~1313-1395). Default:
   * refuse such `url.callback_url` at session creation. The dev store, demo and tests opt out with
   * `allowInsecureCallbacks: true`, which the emulator logs at start.
   */
  allowInsecureCallbacks?: boolean
  /** Resolved from allowInsecureCallbacks (runtime-switchable through the control API). */
  requireHttpsCallback?: boolean
  publicUrl?: string
  logRequests?: boolean
  /** Addition: session lifetime when the request sets no expires_at. Default 4 h. */
  sessionTtlSeconds?: number
  /**
   * Copy the session's custom metadata onto the transaction. Dintero does not (SPEC-TS:6206-6230 lists Dintero's own
   * keys only; Dintero's Woo plugin reads its keys from the session). Default false = Dintero's reading (only
   * `session:profile_id` is carried over); true = the other reading, which the plugin must survive too.
   */
  copySessionMetadataToTransaction?: boolean
  /**
   * Auto-capture (`configuration.auto_capture`) is asynchronous at Dintero: AUTHORIZED first, CAPTURED later, retried
   * for up to 48 h (SPEC-TS ~3204-3223). 0 (default) = captured in the same step as the authorization (historical);
   * > 0 = the capture happens this many ms after AUTHORIZED.
   */
  autoCaptureDelayMs?: number
  /** With autoCaptureDelayMs > 0: this many attempts fail (a CAPTURE event with success:false) before one succeeds. */
  autoCaptureFailures?: number
  /**
   * A failed auto-capture attempt is reported to a callback_url with `report_error=true` as `error=captured` (with the
   * transaction). Open: the spec's report_error lists cancelled/authorization/failed only (SPEC-TS ~1336); Dintero's
   * WooCommerce V2 plugin handles `captured` ("capture operation failed during auto-capture"). Default true (the
   * reading that asks more of the merchant); false = no callback until the capture succeeds.
   */
  autoCaptureFailureCallbacks?: boolean
  /**
   * Refuse `PUT /sessions/{id}?update_without_lock=true` once the checkout page was rendered (SPEC-TS:7578-7584:
   * "allowed ... when the checkout has not been rendered yet"); after render the page must lock the session first.
   * Default false (historical: the unlocked update is always accepted).
   */
  strictSessionLock?: boolean
  /**
   * Which identity a completed order carries (ORDERS examples show `id` only; guides say completing "assign[s] it an
   * order_id"). "id-and-order_id" (default, historical) or "id-only" (the examples' shape; `/orders/{id}` works).
   */
  orderIdentity?: "id-and-order_id" | "id-only"
  /**
   * May an Orders line that reverses nothing have a negative gross_amount (a gift card line)? ORDERS' OrderItem sets
   * no minimum, yet its examples and the order-edit guide show negative amounts only on reversal lines
   * (related_item.type "reversed"); docs/dintero-contract.md keeps it open. "reject" (default, the strict reading)
   * or "accept" (the permissive one). The plugin sends no such line under either.
   */
  ordersNegativeLines?: "reject" | "accept"
  /**
   * How `PUT /sessions/{id}` applies `order` (no source settles it, docs/dintero-contract.md): "merge" (default,
   * historical: fields not sent are kept) or "replace" (the sent order replaces the stored one; only
   * `merchant_reference`, which the update cannot carry, is kept).
   */
  sessionUpdateMode?: "merge" | "replace"
  /** Scopes of the default API client. Default ["admin:checkout", "admin:shopping"]. */
  scopes?: string[]
  /** More API clients on the same account, each with its own scopes (e.g. a checkout-only client). */
  extraClients?: Array<{ clientId: string; clientSecret: string; scopes: string[] }>
  /** Record every exchange that breaks src/dintero/contract (emulator.contractViolations). Default false. */
  contractCheck?: boolean
  /** Where the emulator logs notices (the insecure-callback opt-out). Default console.warn. */
  log?: (message: string) => void
}

export type ResolvedOptions = Required<Omit<EmulatorOptions, "signatureSecret" | "publicUrl" | "log">> & {
  signatureSecret?: string
  publicUrl?: string
  log?: (message: string) => void
}
