/**
 * Dintero JSON shapes used by this client (Checkout API + Orders "Shopping" API).
 * Faithful to Dintero's spec where we use a field; everything else stays open via index signatures so that
 * fields Dintero adds later are preserved, not dropped. Amounts are integers in minor units.
 */

export type Metadata = Record<string, string | number | boolean | null>

/* ------------------------------------------------------------------ Checkout: shared */

export interface OrderAddress {
  first_name?: string
  last_name?: string
  address_line?: string
  address_line_2?: string
  co_address?: string
  business_name?: string
  postal_code?: string
  postal_place?: string
  country?: string
  phone_number?: string
  email?: string
  comment?: string
  organization_number?: string
  [key: string]: unknown
}

export type CheckoutItemType = "physical" | "digital" | "service" | "gift_card" | "shipping" | "surcharge"

/** Checkout order line. `line_id` is a STRING in the Checkout API. `amount` = line total incl. VAT and discounts. */
export interface CheckoutOrderItem {
  id?: string
  line_id?: string
  description?: string
  quantity?: number
  amount?: number
  vat_amount?: number
  /** Percent (25, not 0.25). */
  vat?: number
  type?: CheckoutItemType
  thumbnail_url?: string
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
  delivery_method?: "delivery" | "pick_up" | "unspecified" | "none"
  operator_product_id?: string
  [key: string]: unknown
}

export interface SessionOrder {
  amount: number
  currency: string
  merchant_reference: string
  merchant_reference_2?: string
  vat_amount?: number
  partial_payment?: boolean
  items?: CheckoutOrderItem[]
  shipping_option?: ShippingOption
  shipping_address?: OrderAddress
  billing_address?: OrderAddress
  [key: string]: unknown
}

export interface SessionUrl {
  return_url: string
  callback_url?: string
  merchant_terms_url?: string
}

export interface SessionCustomer {
  customer_id?: string
  email?: string
  phone_number?: string
  [key: string]: unknown
}

export interface SessionConfiguration {
  auto_capture?: boolean
  channel?: "ecommerce" | "in_app" | "in_store"
  default_payment_type?: string
  [key: string]: unknown
}

/* ------------------------------------------------------------------ Checkout: sessions */

/** Body of `POST /v1/sessions-profile`. */
export interface SessionCreate {
  profile_id: string
  url: SessionUrl
  order: SessionOrder
  customer?: SessionCustomer
  expires_at?: string
  configuration?: SessionConfiguration
  metadata?: Metadata
  [key: string]: unknown
}

/** Response of `POST /v1/sessions-profile`. */
export interface SessionCreated {
  id: string
  url: string
  session?: Session
  publish?: unknown[]
}

/** Body of `PUT /v1/sessions/{id}`. `order.amount` must equal the sum of items + shipping_option. */
export interface SessionUpdate {
  order?: Partial<SessionOrder>
  remove_lock?: boolean
  [key: string]: unknown
}

export interface SessionEvent {
  id?: string
  name: string
  created_at?: string
  request_id?: string
  details?: Record<string, unknown>
}

export interface Session {
  id: string
  created_at?: string
  updated_at?: string
  expires_at?: string
  url?: SessionUrl
  order: SessionOrder
  customer?: SessionCustomer
  configuration?: SessionConfiguration
  metadata?: Metadata
  events?: SessionEvent[]
  /** Set once the session has been paid. */
  transaction_id?: string
  cancelled_at?: string
  cancelled_by?: string
  [key: string]: unknown
}

/* ------------------------------------------------------------------ Checkout: transactions */

export type TransactionStatus =
  | "INITIATED"
  | "AUTHORIZED"
  | "AUTHORIZATION_VOIDED"
  | "CAPTURED"
  | "PARTIALLY_CAPTURED"
  | "PARTIALLY_CAPTURED_REFUNDED"
  | "REFUNDED"
  | "PARTIALLY_REFUNDED"
  | "DECLINED"
  | "FAILED"
  | "UNKNOWN"
  | "ON_HOLD"

export type TransactionEventKind =
  | "INITIALIZE"
  | "INITIATE"
  | "AUTHORIZE"
  | "CAPTURE"
  | "REFUND"
  | "VOID"
  | "INITIATE_CAPTURE"
  | "INITIATE_REFUND"
  | "INITIATE_VOID"
  | "SETTLEMENT"

/** An item reference in a capture/refund request or event. */
export interface TransactionItemRef {
  line_id: string
  amount: number
  quantity?: number
  [key: string]: unknown
}

export interface TransactionEventError {
  code?: string
  message?: string
  type?: string[]
  result_code?: string
  retry_policy?: { retry_codes?: string[]; retry_after?: string }
}

export interface TransactionEvent {
  id?: string
  event: TransactionEventKind | (string & {})
  /** The transaction's status after this event. */
  transaction_status?: TransactionStatus
  success?: boolean
  amount?: number
  calculated_vat_amount?: number
  items?: TransactionItemRef[]
  created_at?: string
  created_by?: string
  request_id?: string
  correlation_request_id?: string
  /** = the capture_reference / refund_reference of the request that created the event. */
  event_reference?: string
  metadata?: Metadata
  error?: TransactionEventError
  [key: string]: unknown
}

export interface Transaction {
  id: string
  session_id?: string
  created_at?: string
  updated_at?: string
  payment_product?: string
  payment_product_type?: string
  /** Authorized total. Captured/refunded totals are sums of successful events (see transactions.ts). */
  amount: number
  currency: string
  merchant_reference?: string
  merchant_reference_2?: string
  status: TransactionStatus
  channel?: string
  customer?: SessionCustomer
  shipping_address?: OrderAddress
  billing_address?: OrderAddress
  shipping_option?: ShippingOption
  items?: CheckoutOrderItem[]
  url?: { redirect_url?: string; callback_url?: string; approval_url?: string }
  events?: TransactionEvent[]
  session?: Session
  settlement_status?: "NOT_SETTLED" | "PENDING_SETTLEMENT" | "PARTIALLY_SETTLED" | "SETTLED"
  metadata?: Metadata
  [key: string]: unknown
}

/** Body of `POST /v1/transactions/{id}/capture`. The reference is required by this client (safe retries). */
export interface CaptureRequest {
  amount: number
  capture_reference: string
  items?: TransactionItemRef[]
  /** dintero_psp only: voids the remaining authorization. */
  final_capture?: boolean
  /** Keys must be prefixed `ext_`. */
  metadata?: Metadata
}

/** Body of `POST /v1/transactions/{id}/refund`. */
export interface RefundRequest {
  amount: number
  refund_reference: string
  items?: TransactionItemRef[]
  reason?: string
  metadata?: Metadata
}

/** Body of `POST /v1/transactions/{id}/authorization`. */
export interface AuthorizationUpdate {
  amount?: number
  items?: TransactionItemRef[]
  reason?: string
  reference?: string
  final_authorization?: boolean
  [key: string]: unknown
}

export interface TransactionListQuery {
  session_id?: string
  merchant_reference?: string
  status?: TransactionStatus | TransactionStatus[]
  limit?: number
}

/* ------------------------------------------------------------------ Orders (Shopping) API */

export interface OrdersTaxLine {
  amount: number
  percentage: number
  amount_dwh?: string
  exempt?: boolean
  included_in_price?: boolean
  tax_basis?: number
  tax_basis_dwh?: string
  tax_code?: string
  tax_group?: string
}

/** Orders line. `line_id` is an INTEGER in the Orders API; `gross_amount` = line total incl. tax. */
export interface OrdersItem {
  line_id: number
  id?: string
  quantity?: number
  gross_amount: number
  tax_lines?: OrdersTaxLine[]
  description?: string
  description_alias?: string
  discount_lines?: Record<string, unknown>[]
  reversed_reason?: string
  related_item?: { line_id: number; type: "reversed" | (string & {}) }
  external_id?: string
  version?: number
  [key: string]: unknown
}

export interface OrdersDraftOptions {
  generate_order_id?: "ALPHANUMERIC_9" | (string & {})
  /** Add the draft to an existing order (edits / reversals). */
  order_id?: string
  split_draft?: boolean
  [key: string]: unknown
}

export interface OrdersDraftOrderBody {
  currency: string
  items?: OrdersItem[]
  customer?: Record<string, unknown>
  shipping_address?: OrderAddress
  billing_address?: OrderAddress
  order_id?: string
  store?: Record<string, unknown>
  metadata?: Metadata
  [key: string]: unknown
}

/** Body of `POST /accounts/{aid}/shopping/draft_orders`. */
export interface OrdersDraftCreate {
  options?: OrdersDraftOptions
  order: OrdersDraftOrderBody
}

export interface OrdersDraft {
  id: string
  status?: "open" | "completed" | "deleted" | (string & {})
  options?: OrdersDraftOptions
  order: OrdersDraftOrderBody & {
    gross_amount?: number
    net_amount?: number
    total_discount?: number
  }
  created_at?: string
  updated_at?: string
  [key: string]: unknown
}

export type OrdersOrderStatus = "open" | "closed" | "cancelled"
export type OrdersPaymentStatus = "pending" | "partially_paid" | "paid" | "partially_refunded" | "refunded"

export interface OrdersOrder {
  /** Dintero's UUID for the order. */
  id: string
  /** The order id used in `/shopping/orders/{order_id}` paths. */
  order_id: string
  currency: string
  status?: OrdersOrderStatus | (string & {})
  payment_status?: OrdersPaymentStatus | (string & {})
  gross_amount?: number
  net_amount?: number
  total_discount?: number
  items: OrdersItem[]
  created_at?: string
  updated_at?: string
  cancelled_at?: string | null
  cancelled_reason?: string
  events?: Record<string, unknown>[]
  [key: string]: unknown
}

export interface OrdersPaymentDetails {
  /** For this plugin: the Dintero Checkout transaction id. */
  payment_id?: string
  psp?: string
  payment_product?: string
  payment_product_type?: string
  card?: { masked_pan?: string; type?: string; brand?: string; metadata?: Metadata }
  [key: string]: unknown
}

export interface OrdersOperationItem {
  line_id: number
  amount: number
  [key: string]: unknown
}

/** Body of POST orders/{order_id}/authorizations|captures|refunds|cancellations. */
export interface OrdersPaymentOperationCreate {
  items?: OrdersOperationItem[]
  payment_details?: OrdersPaymentDetails
  success?: boolean
  processed_at?: string
  processed_by?: string
  authorization_id?: string
  metadata?: Metadata
  [key: string]: unknown
}

export interface OrdersPaymentOperation extends OrdersPaymentOperationCreate {
  id: string
  amount?: number
  created_at?: string
  created_by?: string
  _links?: { href: string; rel: string }[]
}

export type OrdersOperationKind = "authorizations" | "captures" | "refunds" | "cancellations"

/* ------------------------------------------------------------------ Auth + errors */

export interface AccessTokenResponse {
  access_token: string
  token_type: string
  expires_in: number
}

/** Dintero's error body: `{"error": {"code"?, "message", "errors"?}}`. */
export interface DinteroErrorBody {
  error: {
    code?: string
    message: string
    errors?: unknown[]
  }
}
