/**
 * Orders ("Shopping") API, `{api}/accounts/{aid}/shopping/...`. Scopes: `admin:shopping` or `write:shopping` /
 * `read:shopping` (ORDERS pages list `scopes:`; DOCS:order-management/orders-and-checkout = SEED:003).
 * Sources: see common.ts for the abbreviations.
 */
import { z } from "zod"
import { Currency, Metadata, MetadataRead, MinorUnits } from "./common"
import { OrderAddress } from "./checkout"

/** ORDERS add-item-to-draft: tax line `{amount, percentage}` + optional dwh/exempt/basis/code/group fields. */
export const OrdersTaxLine = z.looseObject({
  amount: MinorUnits,
  percentage: z.number(),
  amount_dwh: z.string().optional(),
  exempt: z.boolean().optional(),
  included_in_price: z.boolean().optional(),
  tax_basis: z.number().optional(),
  tax_basis_dwh: z.string().optional(),
  tax_code: z.string().optional(),
  tax_group: z.string().optional(),
})
export type OrdersTaxLine = z.infer<typeof OrdersTaxLine>

/**
 * An order line (SEED:000/001, ORDERS add-item-to-draft): `line_id` is an INTEGER here (a string in Checkout);
 * `gross_amount` = line total incl. tax, negative on a reversal line that names the reversed line in
 * `related_item {line_id, type: "reversed"}`.
 */
export const OrdersItem = z.looseObject({
  line_id: z.number().int(),
  id: z.string().optional(),
  quantity: z.number().optional(),
  gross_amount: MinorUnits,
  tax_lines: z.array(OrdersTaxLine).optional(),
  description: z.string().optional(),
  description_alias: z.string().optional(),
  discount_lines: z.array(z.record(z.string(), z.unknown())).optional(),
  reversed_reason: z.string().optional(),
  related_item: z.looseObject({ line_id: z.number().int(), type: z.string() }).optional(),
  external_id: z.string().optional(),
  version: z.number().optional(),
})
export type OrdersItem = z.infer<typeof OrdersItem>

/** Draft `options` (SEED:000 `generate_order_id: "ALPHANUMERIC_9"`, `order_id` to add to an existing order). */
export const OrdersDraftOptions = z.looseObject({
  generate_order_id: z.string().optional(),
  order_id: z.string().optional(),
  split_draft: z.boolean().optional(),
})
export type OrdersDraftOptions = z.infer<typeof OrdersDraftOptions>

export const OrdersDraftOrderBody = z.looseObject({
  currency: Currency,
  items: z.array(OrdersItem).optional(),
  customer: z.record(z.string(), z.unknown()).optional(),
  shipping_address: OrderAddress.optional(),
  billing_address: OrderAddress.optional(),
  order_id: z.string().optional(),
  store: z.record(z.string(), z.unknown()).optional(),
  metadata: Metadata.optional(),
})
export type OrdersDraftOrderBody = z.infer<typeof OrdersDraftOrderBody>

/** Body of `POST /draft_orders` (ORDERS aid_draft_orders_post; SEED:000). */
export const OrdersDraftCreate = z.strictObject({
  options: OrdersDraftOptions.optional(),
  order: OrdersDraftOrderBody,
})
export type OrdersDraftCreate = z.infer<typeof OrdersDraftCreate>

/** A draft as answered by create / get / add-item (ORDERS add-item-to-draft response: `{order: {...}, ...}`). */
export const OrdersDraft = z.looseObject({
  id: z.string().min(1),
  status: z.string().optional(),
  options: OrdersDraftOptions.optional(),
  order: OrdersDraftOrderBody.extend({
    gross_amount: z.number().optional(),
    net_amount: z.number().optional(),
    total_discount: z.number().optional(),
  }),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
})
export type OrdersDraft = z.infer<typeof OrdersDraft>

/**
 * An order (ORDERS open-order example: `id` is a UUID; no example shows an `order_id` field although the guides say
 * completing a draft "assign[s] it an order_id", SEED:003, and the paths name the parameter `{order_id}`).
 * OPEN (docs/dintero-contract.md): which field carries the path identity. The schema requires at least one of
 * `order_id` / `id`; `orderIdOf` below picks the one to use.
 */
export const OrdersOrderRead = z
  .looseObject({
    id: z.string().min(1).optional(),
    order_id: z.string().min(1).optional(),
    currency: z.string(),
    status: z.string().optional(),
    payment_status: z.string().optional(),
    gross_amount: z.number().optional(),
    net_amount: z.number().optional(),
    total_discount: z.number().optional(),
    items: z.array(OrdersItem),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
    cancelled_at: z.string().nullable().optional(),
    cancelled_reason: z.string().optional(),
    events: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .refine((o) => o.order_id !== undefined || o.id !== undefined, { message: "an order needs order_id or id", path: ["order_id"] })

/** The identity to use in `/shopping/orders/{order_id}`: `order_id` when Dintero fills it, else `id`. */
export function orderIdOf(order: { order_id?: string; id?: string }): string {
  return (order.order_id ?? order.id) as string
}

/** The order as the client hands it on: `order_id` always set (see orderIdOf). */
export type OrdersOrder = z.infer<typeof OrdersOrderRead> & { order_id: string }

/** `PUT /draft_orders/{id}/complete` answers `{orders: [Order]}` (a draft may split into several orders). */
export const OrdersCompleted = z.looseObject({ orders: z.array(OrdersOrderRead).min(1) })

export const OrdersPaymentDetails = z.looseObject({
  /** For this plugin: the Dintero Checkout transaction id (SEED:003 `payment_id: "transaction_id"`). */
  payment_id: z.string().optional(),
  psp: z.string().optional(),
  payment_product: z.string().optional(),
  payment_product_type: z.string().optional(),
  card: z.record(z.string(), z.unknown()).optional(),
})
export type OrdersPaymentDetails = z.infer<typeof OrdersPaymentDetails>

/** `{line_id: int, amount}` (SEED:003 operation bodies). */
export const OrdersOperationItem = z.looseObject({ line_id: z.number().int(), amount: MinorUnits })
export type OrdersOperationItem = z.infer<typeof OrdersOperationItem>

/** Body of POST orders/{order_id}/authorizations|captures|refunds|cancellations (SEED:003, ORDERS create-a-capture). */
export const OrdersPaymentOperationCreate = z.strictObject({
  items: z.array(OrdersOperationItem).optional(),
  payment_details: OrdersPaymentDetails.optional(),
  success: z.boolean().optional(),
  processed_at: z.string().optional(),
  processed_by: z.string().optional(),
  authorization_id: z.string().optional(),
  metadata: Metadata.optional(),
})
export type OrdersPaymentOperationCreate = z.infer<typeof OrdersPaymentOperationCreate>

/** A recorded operation (ORDERS get-authorization-collection example). */
export const OrdersPaymentOperation = z.looseObject({
  id: z.string().min(1),
  amount: MinorUnits.optional(),
  success: z.boolean().optional(),
  items: z.array(OrdersOperationItem).optional(),
  payment_details: OrdersPaymentDetails.optional(),
  processed_at: z.string().optional(),
  processed_by: z.string().optional(),
  authorization_id: z.string().optional(),
  metadata: MetadataRead.optional(),
  created_at: z.string().optional(),
  created_by: z.string().optional(),
  _links: z.array(z.looseObject({ href: z.string(), rel: z.string() })).optional(),
})
export type OrdersPaymentOperation = z.infer<typeof OrdersPaymentOperation>

export type OrdersOperationKind = "authorizations" | "captures" | "refunds" | "cancellations"

/** Lists answer `{"captures": [...]}` etc. (ORDERS get-authorization-collection). */
export function OrdersOperationList(kind: OrdersOperationKind) {
  return z.looseObject({ [kind]: z.array(OrdersPaymentOperation) })
}

export type OrdersOrderStatus = "open" | "closed" | "cancelled"
export type OrdersPaymentStatus = "pending" | "partially_paid" | "paid" | "partially_refunded" | "refunded"
