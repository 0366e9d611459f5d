/**
 * Checkout API transactions: capture / refund / authorization bodies and the Transaction fields the plugin reads.
 * Sources: see common.ts for the abbreviations.
 */
import { z } from "zod"
import { Metadata, MetadataRead, MinorUnits } from "./common"
import { CheckoutOrderItem, OrderAddress, Session, SessionCustomer, ShippingOption } from "./checkout"

/** SPEC-TS:6053 Transaction.status enum. An unknown status is a contract violation (we map every status). */
export const TransactionStatus = z.enum([
  "INITIATED",
  "AUTHORIZED",
  "AUTHORIZATION_VOIDED",
  "CAPTURED",
  "PARTIALLY_CAPTURED",
  "PARTIALLY_CAPTURED_REFUNDED",
  "REFUNDED",
  "PARTIALLY_REFUNDED",
  "DECLINED",
  "FAILED",
  "UNKNOWN",
  "ON_HOLD",
])
export type TransactionStatus = z.infer<typeof TransactionStatus>

/**
 * SPEC-TS:5335 TransactionEvent.event enum, plus "INITIATE", which the spec's own Transaction example uses
 * (SPEC-TS ~6100) although the enum says INITIALIZE. Responses accept any string here: we act on CAPTURE / REFUND /
 * VOID / INITIATE_* only and ignore kinds we do not know; the emulator is held to this list by the contract tests.
 */
export const TRANSACTION_EVENT_KINDS = [
  "INITIALIZE",
  "INITIATE",
  "AUTHORIZE",
  "CAPTURE",
  "REFUND",
  "VOID",
  "INITIATE_CAPTURE",
  "INITIATE_REFUND",
  "INITIATE_VOID",
  "SETTLEMENT",
] as const
export type TransactionEventKind = (typeof TRANSACTION_EVENT_KINDS)[number]

/** An item of a capture/refund request or of an event: SPEC-TS:7823-7838 (`line_id` + `amount` required). */
export const TransactionItemRef = z.looseObject({
  line_id: z.string().min(1),
  amount: MinorUnits,
  quantity: z.number().optional(),
})
export type TransactionItemRef = z.infer<typeof TransactionItemRef>

/** SPEC-TS:5362-5380 event error: "only used when the success is `false`"; `message` required. */
export const TransactionEventError = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  type: z.array(z.string()).optional(),
  result_code: z.string().optional(),
  retry_policy: z.looseObject({ retry_codes: z.array(z.string()).optional(), retry_after: z.string().optional() }).optional(),
})
export type TransactionEventError = z.infer<typeof TransactionEventError>

/** SPEC-TS:5319 TransactionEvent. */
export const TransactionEvent = z.looseObject({
  id: z.string().optional(),
  event: z.string(),
  /** "The transaction state after this event" (SPEC-TS:5325). */
  transaction_status: TransactionStatus.optional(),
  /** "The event operation completed with success" (SPEC-TS:5336): a 2xx answer is not proof money moved. */
  success: z.boolean().optional(),
  amount: MinorUnits.optional(),
  calculated_vat_amount: z.number().optional(),
  items: z.array(TransactionItemRef).optional(),
  created_at: z.string().optional(),
  created_by: z.string().optional(),
  request_id: z.string().optional(),
  /** SPEC-TS:5396 links CAPTURE/REFUND to the INITIATE_* of a 202 operation. */
  correlation_request_id: z.string().optional(),
  /** SPEC-TS:5405-5412 = the request's `capture_reference` / `refund_reference`. */
  event_reference: z.string().optional(),
  metadata: MetadataRead.optional(),
  error: TransactionEventError.optional(),
})
export type TransactionEvent = z.infer<typeof TransactionEvent>

/**
 * SPEC-TS:5967 Transaction. Read by the plugin: id, status, amount, currency, session_id, merchant_reference,
 * payment_product(_type), events, items, session (`includes=session`, SPEC-TS:8099), metadata.
 * SPEC-TS:6206-6230: `metadata` lists Dintero's own keys only - custom session metadata is NOT promised here.
 */
export const Transaction = z.looseObject({
  id: z.string().min(1),
  session_id: z.string().optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  payment_product: z.string().optional(),
  payment_product_type: z.string().optional(),
  /** The authorized total; captured/refunded totals are sums of successful events (transactions.ts). */
  amount: MinorUnits,
  currency: z.string(),
  merchant_reference: z.string().optional(),
  merchant_reference_2: z.string().optional(),
  status: TransactionStatus,
  channel: z.string().optional(),
  customer: SessionCustomer.optional(),
  shipping_address: OrderAddress.optional(),
  billing_address: OrderAddress.optional(),
  shipping_option: ShippingOption.optional(),
  items: z.array(CheckoutOrderItem).optional(),
  url: z.looseObject({ redirect_url: z.string().optional(), callback_url: z.string().optional(), approval_url: z.string().optional() }).optional(),
  events: z.array(TransactionEvent).optional(),
  session: Session.optional(),
  settlement_status: z.string().optional(),
  metadata: MetadataRead.optional(),
})
export type Transaction = z.infer<typeof Transaction>

/** `GET /transactions` answers an array (SPEC-TS:8163 transactions_get, 200 `Transaction[]`). */
export const TransactionList = z.array(Transaction)

/* ------------------------------------------------------------------ requests */

/**
 * Body of `POST /transactions/{id}/capture` (SPEC-TS:7753 + 7800-7845): `amount` required; `capture_reference`
 * optional in the spec, required by this client (it makes retries reconcilable); `final_capture` applies to
 * `dintero_psp` only (SPEC-TS ~7836); metadata keys `ext_` prefixed, key/value <= 128/256 chars (SPEC-TS:5278).
 */
export const CaptureRequest = z.strictObject({
  amount: MinorUnits.positive(),
  /** Optional for Dintero; CheckoutApi.captureTransaction requires it (reconciling a lost answer needs it). */
  capture_reference: z.string().min(1).optional(),
  items: z.array(TransactionItemRef).optional(),
  final_capture: z.boolean().optional(),
  metadata: Metadata.optional(),
})
export type CaptureRequest = z.infer<typeof CaptureRequest>

/** Body of `POST /transactions/{id}/refund` (SPEC-TS:7913; `refund_reference` SPEC-TS:7972). */
export const RefundRequest = z.strictObject({
  amount: MinorUnits.positive(),
  /** Optional for Dintero; CheckoutApi.refundTransaction requires it. */
  refund_reference: z.string().min(1).optional(),
  items: z.array(TransactionItemRef).optional(),
  reason: z.string().optional(),
  metadata: Metadata.optional(),
})
export type RefundRequest = z.infer<typeof RefundRequest>

/**
 * Body of `POST /transactions/{id}/authorization` (SPEC-TS:7862; SEED:004): without `amount` = extend; with
 * `amount` = the new authorized total (items required when the transaction has items).
 */
export const AuthorizationUpdate = z.looseObject({
  amount: MinorUnits.positive().optional(),
  items: z.array(CheckoutOrderItem).optional(),
  reason: z.string().optional(),
  reference: z.string().optional(),
  final_authorization: z.boolean().optional(),
})
export type AuthorizationUpdate = z.infer<typeof AuthorizationUpdate>

/**
 * Query of `GET /transactions` (SPEC-TS:8163): session_id[], merchant_reference, status[], created_at.gte/lte
 * (ISO 8601), limit 1..100 (default 10), starting_after (the last id of the previous page).
 */
export interface TransactionListQuery {
  session_id?: string
  merchant_reference?: string
  status?: TransactionStatus | TransactionStatus[]
  "created_at.gte"?: string
  "created_at.lte"?: string
  limit?: number
  starting_after?: string
}
