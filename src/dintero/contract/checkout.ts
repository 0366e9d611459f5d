/**
 * Checkout API sessions: what the client sends (create, update) and the Session fields it reads.
 * Sources: see common.ts for the abbreviations.
 */
import { z } from "zod"
import { Currency, DateTime, Metadata, MetadataRead, MinorUnits } from "./common"

/** SPEC-TS:1513 OrderAddress. All fields optional; we send what Medusa has. */
export const OrderAddress = z.looseObject({
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  address_line: z.string().optional(),
  address_line_2: z.string().optional(),
  co_address: z.string().optional(),
  business_name: z.string().optional(),
  postal_code: z.string().optional(),
  postal_place: z.string().optional(),
  /** ISO 3166-1 alpha-2. */
  country: z.string().optional(),
  /** SPEC-TS:1506 "ITU/E.123 format with international prefix (+PPNNNNNNNNN...)". See src/mapping/phone.ts. */
  phone_number: z.string().optional(),
  email: z.string().optional(),
  comment: z.string().optional(),
  organization_number: z.string().optional(),
})
export type OrderAddress = z.infer<typeof OrderAddress>

/** SPEC-TS:2576 OrderItem `type` enum. */
export const CheckoutItemType = z.enum(["physical", "digital", "service", "gift_card", "shipping", "surcharge"])
export type CheckoutItemType = z.infer<typeof CheckoutItemType>

/**
 * SPEC-TS:2576 OrderItem. `line_id` is a STRING in the Checkout API (capture/refund refer to it);
 * `amount` is the line total incl. VAT and discounts; `vat` a percentage (25, not 0.25).
 */
export const CheckoutOrderItem = z.looseObject({
  id: z.string().optional(),
  line_id: z.string().optional(),
  description: z.string().optional(),
  quantity: z.number().optional(),
  amount: MinorUnits.optional(),
  vat_amount: MinorUnits.optional(),
  vat: z.number().optional(),
  type: CheckoutItemType.optional(),
  thumbnail_url: z.string().optional(),
})
export type CheckoutOrderItem = z.infer<typeof CheckoutOrderItem>

/** SPEC-TS:2778 ShippingOption: `id, line_id, amount, title, operator` required. */
export const ShippingOption = z.looseObject({
  id: z.string(),
  line_id: z.string(),
  amount: MinorUnits,
  title: z.string(),
  /** Required, may be empty (the docs' own session example sends `""`). */
  operator: z.string(),
  vat_amount: MinorUnits.optional(),
  vat: z.number().optional(),
  description: z.string().optional(),
  delivery_method: z.enum(["delivery", "pick_up", "unspecified", "none"]).optional(),
  operator_product_id: z.string().optional(),
})
export type ShippingOption = z.infer<typeof ShippingOption>

/**
 * `order` of `PUT /sessions/{id}`: SPEC-TS:2983 SessionOrderUpdate. EXACT: no `merchant_reference` (it cannot be
 * changed), so a body carrying fields the update schema does not have is refused by the contract tests.
 */
export const SessionOrderUpdate = z.strictObject({
  amount: MinorUnits.optional(),
  currency: Currency.optional(),
  vat_amount: MinorUnits.optional(),
  merchant_reference_2: z.string().optional(),
  event_reference: z.string().optional(),
  shipping_address: OrderAddress.optional(),
  billing_address: OrderAddress.optional(),
  partial_payment: z.boolean().optional(),
  items: z.array(CheckoutOrderItem).optional(),
  shipping_option: ShippingOption.optional(),
  store: z.record(z.string(), z.unknown()).optional(),
  discount_lines: z.array(z.record(z.string(), z.unknown())).optional(),
  discount_codes: z.array(z.string()).optional(),
  gift_cards: z.array(z.record(z.string(), z.unknown())).optional(),
})
export type SessionOrderUpdate = z.infer<typeof SessionOrderUpdate>

/**
 * SPEC-TS:3077 SessionOrder = SessionOrderUpdate with amount + currency required, plus `merchant_reference`
 * (required on create; echoed on the transaction and in callbacks). Open, unlike the update.
 */
export const SessionOrder = z.looseObject({
  ...SessionOrderUpdate.shape,
  amount: MinorUnits,
  currency: Currency,
  merchant_reference: z.string().min(1),
})
export type SessionOrder = z.infer<typeof SessionOrder>

/** SPEC-TS:1393 SessionUrls: `return_url` required; `callback_url` only delivered to HTTPS (SPEC-TS ~1313-1395). */
export const SessionUrl = z.looseObject({
  return_url: z.string(),
  callback_url: z.string().optional(),
  merchant_terms_url: z.string().optional(),
})
export type SessionUrl = z.infer<typeof SessionUrl>

/** SPEC-TS:1497 SessionCustomer. */
export const SessionCustomer = z.looseObject({
  customer_id: z.string().optional(),
  email: z.string().optional(),
  /** SPEC-TS:1506 E.123 with international prefix, e.g. +4799999999. */
  phone_number: z.string().optional(),
})
export type SessionCustomer = z.infer<typeof SessionCustomer>

/** SPEC-TS SessionBase.configuration (auto_capture, channel, ...); open: per-product blocks vary. */
export const SessionConfiguration = z.looseObject({
  auto_capture: z.boolean().optional(),
  channel: z.enum(["ecommerce", "in_app", "in_store"]).optional(),
  default_payment_type: z.string().optional(),
})
export type SessionConfiguration = z.infer<typeof SessionConfiguration>

/* ------------------------------------------------------------------ requests */

/**
 * Body of `POST /sessions-profile` (SPEC-TS:4752 SessionProfile = SessionBase & tokens & Metadata; operation
 * `checkout_session_profile_post` SPEC-TS:7477). `profile_id`, `url.return_url` and `order` are required.
 */
export const SessionCreate = z.looseObject({
  profile_id: z.string().min(1),
  url: SessionUrl,
  order: SessionOrder,
  customer: SessionCustomer.optional(),
  expires_at: DateTime.optional(),
  configuration: SessionConfiguration.optional(),
  /** SPEC-TS:4815 values are strings or numbers; keys should be prefixed `ext_` (reserved prefixes listed there). */
  metadata: Metadata.optional(),
})
export type SessionCreate = z.infer<typeof SessionCreate>


/**
 * Body of `PUT /sessions/{id}` (SPEC-TS:5196 UpdateSessionOptions): `order` required, `express` optional,
 * `remove_lock` (default true: release the pay lock the Web SDK took, WOO:classes/requests/put/
 * class-dintero-checkout-update-checkout-session.php sends `true`).
 */
export const SessionUpdate = z.strictObject({
  order: SessionOrderUpdate,
  express: z.record(z.string(), z.unknown()).optional(),
  remove_lock: z.boolean().optional(),
})
export type SessionUpdate = z.infer<typeof SessionUpdate>

/* ------------------------------------------------------------------ responses */

/** SPEC-TS:4980 SessionMeta.events[]: `{id, name, created_at, request_id, details}`. */
export const SessionEvent = z.looseObject({
  id: z.string().optional(),
  name: z.string(),
  created_at: z.string().optional(),
  request_id: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
})
export type SessionEvent = z.infer<typeof SessionEvent>

/** A session order as read: `merchant_reference` is what callbacks and our records key on. */
export const SessionOrderRead = z.looseObject({
  amount: MinorUnits,
  currency: z.string(),
  merchant_reference: z.string(),
  merchant_reference_2: z.string().optional(),
  vat_amount: MinorUnits.optional(),
  partial_payment: z.boolean().optional(),
  items: z.array(CheckoutOrderItem).optional(),
  shipping_option: ShippingOption.optional(),
  shipping_address: OrderAddress.optional(),
  billing_address: OrderAddress.optional(),
})

/**
 * Response of `GET|PUT /sessions/{id}` and `POST /sessions/{id}/cancel`: SPEC-TS:5107 Session (SessionOptions &
 * SessionMeta) & SessionRead & SessionCancelled (SPEC-TS:5178). Read by the plugin: id, order, url, metadata,
 * transaction_id, cancelled_at, events.
 */
export const Session = z.looseObject({
  id: z.string().min(1),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
  expires_at: z.string().optional(),
  url: SessionUrl.optional(),
  order: SessionOrderRead,
  customer: SessionCustomer.optional(),
  configuration: SessionConfiguration.optional(),
  /** SPEC-TS SessionRead: the session's metadata incl. Dintero's `session:profile_id`. */
  metadata: MetadataRead.optional(),
  events: z.array(SessionEvent).optional(),
  /** SPEC-TS:5104 "Transaction which has been created using the checkout." Set once paid. */
  transaction_id: z.string().optional(),
  /** SPEC-TS:5178 SessionCancelled. */
  cancelled_at: z.string().optional(),
  cancelled_by: z.string().optional(),
})
export type Session = z.infer<typeof Session>

/**
 * Response of `POST /sessions-profile`: SPEC-TS:7199 SessionCreated `{id, url, publish?, session?}` (`session` with
 * `?include_session=true`). The spec marks id/url optional; we read both, so both are required here.
 */
export const SessionCreated = z.looseObject({
  id: z.string().min(1),
  url: z.string().min(1),
  session: Session.optional(),
  publish: z.array(z.unknown()).optional(),
})
export type SessionCreated = z.infer<typeof SessionCreated>
