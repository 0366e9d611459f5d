import { container as appContainer } from "@medusajs/framework"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { listLinkRows } from "../../lib/link-rows"
import { LINE_FIELDS } from "../../mapping/lines"
import { inRecordOrder } from "../../mapping/references"
import type { OrderForOutstanding } from "../../mapping/outstanding"
import type { CartForSession } from "../../mapping/session"

/**
 * Reads the Medusa records the provider needs but Medusa does not pass it.
 *
 * The provider lives in the payment module's container, which has the payment module's own services (payment
 * sessions, captures, refunds) but no `query` and no cart. The cart is read through the application container that
 * @medusajs/framework exports, which is the same container the HTTP app and workflows use.
 */

type Cradle = Record<string, unknown>

interface RecordService<T> {
  retrieve(id: string, config?: Record<string, unknown>): Promise<T>
  list(filters: Record<string, unknown>, config?: Record<string, unknown>): Promise<T[]>
}

export interface PaymentSessionRecord {
  id: string
  payment_collection_id: string
  amount: unknown
  currency_code: string
  data: Record<string, unknown> | null
  status: string
}

export interface MoneyRecord {
  id: string
  payment_id?: string
  payment?: { id: string }
  amount: unknown
  raw_amount?: unknown
  created_at: Date | string
}

function service<T>(cradle: Cradle, name: string): RecordService<T> {
  const svc = cradle[name] as RecordService<T> | undefined
  if (!svc) {
    throw new Error(`The payment module does not expose "${name}"; this Medusa version is not supported`)
  }
  return svc
}

export async function retrievePaymentSession(cradle: Cradle, id: string): Promise<PaymentSessionRecord | null> {
  try {
    return await service<PaymentSessionRecord>(cradle, "paymentSessionService").retrieve(id, {
      select: ["id", "payment_collection_id", "amount", "currency_code", "data", "status"],
    })
  } catch (e) {
    if ((e as { type?: string }).type === "not_found") return null
    throw e
  }
}

export async function retrieveCapture(cradle: Cradle, id: string): Promise<MoneyRecord> {
  return await service<MoneyRecord>(cradle, "captureService").retrieve(id, {
    select: ["id", "amount", "raw_amount", "created_at", "payment_id"],
  })
}

export async function retrieveRefund(cradle: Cradle, id: string): Promise<MoneyRecord> {
  return await service<MoneyRecord>(cradle, "refundService").retrieve(id, {
    select: ["id", "amount", "raw_amount", "created_at", "payment_id"],
  })
}

/** Captures or refunds of one payment, in the order their references number them (mapping/references.ts). */
export async function listMoneyRecords(
  cradle: Cradle,
  kind: "capture" | "refund",
  paymentId: string
): Promise<MoneyRecord[]> {
  const records = await service<MoneyRecord>(cradle, kind === "capture" ? "captureService" : "refundService").list(
    { payment_id: paymentId },
    { select: ["id", "amount", "raw_amount", "created_at", "payment_id"] }
  )
  return inRecordOrder(records)
}

/**
 * References of captures/refunds whose outcome at Dintero is unknown (the request failed after it may have been
 * applied). Medusa deletes its capture/refund row on failure, so the plugin parks them on the payment's metadata;
 * the next operation on that payment reads the transaction before sending anything.
 */
const UNRESOLVED_KEY = "dintero_unresolved_references"

interface PaymentRecordService {
  retrieve(id: string, config?: Record<string, unknown>): Promise<{ id: string; metadata?: Record<string, unknown> | null }>
  update(data: { id: string; metadata: Record<string, unknown> }): Promise<unknown>
}

function paymentService(cradle: Cradle): PaymentRecordService {
  const svc = cradle.paymentService as PaymentRecordService | undefined
  if (!svc) throw new Error('The payment module does not expose "paymentService"; this Medusa version is not supported')
  return svc
}

export async function unresolvedReferences(cradle: Cradle, paymentId: string): Promise<string[]> {
  const payment = await paymentService(cradle).retrieve(paymentId, { select: ["id", "metadata"] })
  const refs = payment.metadata?.[UNRESOLVED_KEY]
  return Array.isArray(refs) ? refs.filter((r): r is string => typeof r === "string") : []
}

// Medusa merges metadata on update: a key is replaced, and set to "" to delete it.
export async function parkUnresolved(cradle: Cradle, paymentId: string, reference: string): Promise<void> {
  const refs = new Set(await unresolvedReferences(cradle, paymentId))
  refs.add(reference)
  await paymentService(cradle).update({ id: paymentId, metadata: { [UNRESOLVED_KEY]: [...refs] } })
}

/**
 * Forgets the parked references once Dintero's transaction has been read (it tells what was applied), except `keep`:
 * those Dintero applied and Medusa has not recorded yet.
 */
export async function settleUnresolved(cradle: Cradle, paymentId: string, keep: string[] = []): Promise<void> {
  await paymentService(cradle).update({ id: paymentId, metadata: { [UNRESOLVED_KEY]: keep.length ? keep : "" } })
}

/** The address fields the session's addresses and the form's prefill use (mapping/session.ts AddressInput). */
const ADDRESS_FIELDS = ["first_name", "last_name", "address_1", "address_2", "company", "postal_code", "city", "country_code", "phone"]

export const CART_FIELDS = [
  "id",
  "currency_code",
  "email",
  "total",
  "tax_total",
  "credit_line_total",
  "completed_at",
  ...LINE_FIELDS,
  ...ADDRESS_FIELDS.map((f) => `shipping_address.${f}`),
  ...ADDRESS_FIELDS.map((f) => `billing_address.${f}`),
]

/** The relations CART_FIELDS reach into (the cart module adds those its totals need). */
const CART_RELATIONS = ["items", "items.tax_lines", "shipping_methods", "shipping_methods.tax_lines", "shipping_address", "billing_address"]

/** Medusa's query, as far as this file uses it: rows are plain JSON of the fields asked for. */
interface Query {
  graph<Row>(input: { entity: string; fields: string[]; filters?: Record<string, unknown> }): Promise<{ data: Row[] }>
}

function query(): Query | null {
  try {
    return appContainer.resolve(ContainerRegistrationKeys.QUERY) as Query
  } catch {
    // Outside a booted Medusa app (e.g. the payment module alone in a module test) there is no query.
    return null
  }
}

/** The cart that owns a payment collection, with the fields the session mapping needs; null if none. */
export async function loadCartForPaymentCollection(paymentCollectionId: string): Promise<CartForSession | null> {
  const q = query()
  if (!q) return null
  const links = await listLinkRows(
    appContainer,
    { module: Modules.CART, key: "cart_id" },
    { module: Modules.PAYMENT, key: "payment_collection_id" },
    { payment_collection_id: paymentCollectionId },
    ["cart_id"]
  )
  const cartId = links[0]?.cart_id
  if (typeof cartId !== "string" || !cartId) return null
  // CART_FIELDS are the fields CartForSession names. Read from the cart module itself with every relation joined in
  // one statement: Medusa's default (to-many relations each in a query of its own: nine for a cart with its totals)
  // and query.graph's planning cost about 5 ms of CPU more per initiate for the same rows (measured, README
  // "Benchmark"). The module computes the totals as query does; the JSON round trip gives the same plain rows.
  const cartModule = appContainer.resolve(Modules.CART) as {
    listCarts(filters: Record<string, unknown>, config: Record<string, unknown>): Promise<unknown[]>
  }
  const [cart] = await cartModule.listCarts(
    { id: cartId },
    { select: CART_FIELDS, relations: CART_RELATIONS, options: { strategy: "joined" } }
  )
  return cart ? (JSON.parse(JSON.stringify(cart)) as CartForSession) : null
}

/** The order an amount is owed on (a payment collection without a cart, e.g. after an order edit). */
export interface OrderForPayment extends Partial<OrderForOutstanding> {
  id: string
  display_id?: number
  email?: string
  shipping_address?: { country_code?: string | null } | null
  billing_address?: { country_code?: string | null } | null
}

export async function loadOrderForPaymentCollection(
  paymentCollectionId: string
): Promise<OrderForPayment | null> {
  const q = query()
  if (!q) return null
  const { data: links } = await q.graph<{ order_id?: string }>({
    entity: "order_payment_collection",
    fields: ["order_id"],
    filters: { payment_collection_id: paymentCollectionId },
  })
  const orderId = links[0]?.order_id
  if (!orderId) return null
  // The order's addresses fill the return URL's {country_code} and choose the market's payment profile; its lines let
  // the session for its outstanding amount state their VAT (src/mapping/outstanding.ts). Medusa computes line totals
  // only when the order's own totals are asked for too.
  const { data: orders } = await q.graph<OrderForPayment>({
    entity: "order",
    fields: [
      "id",
      "display_id",
      "email",
      "currency_code",
      "total",
      "tax_total",
      "shipping_address.country_code",
      "billing_address.country_code",
      ...LINE_FIELDS,
    ],
    filters: { id: orderId },
  })
  return orders[0] ?? null
}
