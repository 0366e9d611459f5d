/**
 * Dintero Orders ("Shopping") API shapes as the emulator stores and answers them. They extend the wire types of
 * src/dintero/contract (one description of the wire), narrowing fields the emulator always fills.
 * Fields we do not interpret (customer, addresses, discount_lines, payout, ...) pass through untouched.
 */
import type * as wire from "../../src/dintero/contract"

export type TaxLine = wire.OrdersTaxLine

export interface RelatedItem {
  line_id: number
  type: "reversed"
  [key: string]: unknown
}

/** An order line. `line_id` is an integer; `gross_amount` is the line total incl. tax (negative on reversals). */
export interface OrderItem extends wire.OrdersItem {
  line_id: number
  gross_amount: number
  id?: string
  quantity?: number
  tax_lines?: TaxLine[]
  description?: string
  description_alias?: string
  reversed_reason?: string
  related_item?: RelatedItem
  [key: string]: unknown
}

export interface DraftOptions {
  generate_order_id?: "ALPHANUMERIC_9"
  order_id?: string
  [key: string]: unknown
}

export interface DraftOrderBody {
  currency: string
  items: OrderItem[]
  gross_amount: number
  net_amount: number
  order_id?: string
  [key: string]: unknown
}

export type DraftStatus = "open" | "completed"

export interface DraftOrder {
  id: string
  status: DraftStatus
  created_at: string
  updated_at: string
  completed_at?: string
  options: DraftOptions
  order: DraftOrderBody
}

export type OrderStatus = "open" | "cancelled"
export type PaymentStatus = "pending" | "partially_paid" | "paid" | "partially_refunded" | "refunded"

export interface OrderEvent {
  id: string
  created_at: string
  draft_id: string
  version: number
}

export interface Order extends Omit<wire.OrdersOrder, "events"> {
  id: string
  order_id: string
  currency: string
  status: OrderStatus
  payment_status: PaymentStatus
  created_at: string
  updated_at: string
  gross_amount: number
  net_amount: number
  items: OrderItem[]
  events: OrderEvent[]
  cancelled_at?: string
  [key: string]: unknown
}

export type OperationKind = "authorizations" | "captures" | "refunds" | "cancellations"
export const OPERATION_KINDS: readonly OperationKind[] = ["authorizations", "captures", "refunds", "cancellations"]

export type OperationItem = wire.OrdersOperationItem

export type PaymentDetails = wire.OrdersPaymentDetails

/** A recorded authorization / capture / refund / cancellation (Dintero's "Op"). */
export interface PaymentOperation extends wire.OrdersPaymentOperation {
  id: string
  created_at: string
  amount: number
  success: boolean
  items: OperationItem[]
  payment_details: PaymentDetails
  processed_at: string
  processed_by?: string
  metadata: Record<string, unknown>
  authorization_id?: string
}

export type OrderOperations = Record<OperationKind, PaymentOperation[]>

/** One validation problem; the first one's message becomes the error message. */
export interface FieldError {
  path: string
  message: string
}
