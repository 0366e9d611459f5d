import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { AdminApi, StoreApi } from "../../scripts/lib/store-api"
import type { SeededMarket, SeededStore } from "../../scripts/lib/seed-store"
import type { Emulator } from "../../emulator"
import { sumToMinorUnits } from "../../src/mapping/money"
import { DINTERO_ORDERS_MODULE } from "../../src/modules/dintero-orders"

export const SETTLED = new Set(["done", "skipped", "failed", "needs_action"])

export async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms))
}

/** Polls the mirror route until `ready` holds (subscribers run after the HTTP answer, so nothing to await). */
export async function waitForMirror(admin: AdminApi, orderId: string, ready: (m: any) => boolean, timeoutMs = 20_000) {
  const until = Date.now() + timeoutMs
  let last: any
  while (Date.now() < until) {
    last = await admin.ok("get", `/admin/dintero/orders/${orderId}`)
    if (ready(last)) return last
    await sleep(150)
  }
  throw new Error(`mirror of ${orderId} not ready: ${JSON.stringify(last?.operations?.map((o: any) => [o.identity, o.status, o.last_error]))}`)
}

/** Every operation settled and at least `count` of them. */
export const settled = (count: number) => (m: any) =>
  m.operations.length >= count && m.operations.every((o: any) => SETTLED.has(o.status))

/**
 * "The event never reached the subscriber": the mirror's subscribers find the mirror switched off while `fn` runs
 * (as after a crash between Medusa's commit and the in-memory event), and it is switched on again afterwards.
 */
export async function withEventsLost<T>(container: any, fn: () => Promise<T>): Promise<T> {
  const svc = container.resolve(DINTERO_ORDERS_MODULE) as { moduleOptions_: { ordersMirror: boolean } }
  svc.moduleOptions_.ordersMirror = false
  try {
    return await fn()
  } finally {
    svc.moduleOptions_.ordersMirror = true
  }
}

/** Drops the product's shipping profile so a cart needs no shipping method (the seed's order has only the item). */
export async function withoutShipping(container: any, seeded: SeededStore) {
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "product", fields: ["id", "shipping_profile.id"], filters: { id: seeded.productId } })
  const profileId = data[0]?.shipping_profile?.id
  if (profileId) {
    await link.dismiss({ [Modules.PRODUCT]: { product_id: seeded.productId }, [Modules.FULFILLMENT]: { shipping_profile_id: profileId } })
  }
}

export async function placeOrder(
  store: StoreApi,
  admin: AdminApi,
  emulator: Emulator,
  seeded: SeededStore,
  opts: { items: { variant_id: string; quantity: number }[]; shipping?: boolean; market?: SeededMarket }
) {
  // Norway unless a market is given: its region, a shopper's address there and its shipping option.
  const market = opts.market ?? seeded.markets.no
  let cart = await store.createCart({ regionId: market.regionId, shippingOptionId: market.shippingOptionId, items: opts.items })
  await store.setAddresses(cart.id, market.address)
  if (opts.shipping !== false) cart = await store.addShippingMethod(cart.id, market.shippingOptionId)
  const { session } = await store.initiatePaymentSession(cart.id)
  const paid = await emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
  const completed = await store.completeCart(cart.id)
  if (completed.body.type !== "order") throw new Error(`cart not completed: ${JSON.stringify(completed.body)}`)
  await emulator.waitForCallbacks()
  const orderId = completed.body.order.id as string
  const order = await admin.getOrder(orderId)
  return { orderId, paymentId: order.payment_collections[0].payments[0].id as string, transactionId: paid.transaction!.id as string }
}

/**
 * A cart paid ON_HOLD: Dintero's callback places the order before any payment exists. Answers once the mirror's
 * order_placed operation waits for the payment (attempted, pending, neither skipped nor failed).
 */
export async function placeOnHold(store: StoreApi, admin: AdminApi, emulator: Emulator, seeded: SeededStore, container: any) {
  const market = seeded.markets.no
  let cart = await store.createCart({ regionId: market.regionId, shippingOptionId: market.shippingOptionId, items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
  await store.setAddresses(cart.id, market.address)
  cart = await store.addShippingMethod(cart.id, market.shippingOptionId)
  const { session } = await store.initiatePaymentSession(cart.id)
  const paid = await emulator.pay(session.data.dintero_session_id, "ON_HOLD")
  await emulator.waitForCallbacks()
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cart.id } })
  if (data.length !== 1) throw new Error(`the ON_HOLD callback placed ${data.length} orders for cart ${cart.id}`)
  const orderId = data[0].order_id as string
  const mirror = await waitForMirror(admin, orderId, (m) => m.operations[0]?.kind === "order_placed" && m.operations[0].status === "pending" && m.operations[0].attempts >= 1)
  if (!String(mirror.operations[0].last_error).includes("on hold")) throw new Error(`order_placed waits for something else: ${mirror.operations[0].last_error}`)
  return { orderId, transactionId: paid.transaction!.id as string, waiting: mirror.operations[0] }
}

export interface EditSpec {
  add?: { variant_id: string; quantity: number; unit_price?: number }[]
  update?: { item_id: string; quantity: number }[]
}

/** Admin order edit: begin, change, request, confirm — as the dashboard does it. */
export async function editOrder(admin: AdminApi, orderId: string, spec: EditSpec) {
  await admin.ok("post", "/admin/order-edits", { order_id: orderId })
  if (spec.add?.length) await admin.ok("post", `/admin/order-edits/${orderId}/items`, { items: spec.add })
  for (const u of spec.update ?? []) await admin.ok("post", `/admin/order-edits/${orderId}/items/item/${u.item_id}`, { quantity: u.quantity })
  await admin.ok("post", `/admin/order-edits/${orderId}/request`, {})
  return await admin.ok("post", `/admin/order-edits/${orderId}/confirm`, {})
}

export async function orderItems(admin: AdminApi, orderId: string) {
  // `items.quantity` alone comes back without the quantity (Medusa fills it from the item's detail row, which only
  // `*items` loads): the ledger property's quantity edits were all skipped for it.
  const { order } = await admin.ok("get", `/admin/orders/${orderId}?fields=id,*items`)
  return order.items as { id: string; quantity: number; variant_id: string; title?: string; unit_price?: number | string }[]
}

export function dinteroOrder(emulator: Emulator, dinteroOrderId: string): any {
  return (emulator.state as any).orders.find((o: any) => o.order_id === dinteroOrderId)
}

/** A capture or refund row of Medusa's admin API at full precision (its raw amount's text when it has one). */
export const exactOf = (row: { raw_amount?: { value?: unknown }; amount: unknown }): string => String(row.raw_amount?.value ?? row.amount)

/**
 * The three ledgers of an order: Medusa's captured − refunded, the Checkout transactions' captured − refunded,
 * the Orders API's captures − refunds; all in minor units of the order's currency.
 */
export async function ledgers(admin: AdminApi, emulator: Emulator, orderId: string, dinteroOrderId: string) {
  const order = await admin.getOrder(orderId)
  // Per payment, its captures and its refunds each rounded once (as the provider moves them: runningTotalParts).
  const total = (rows: any[] | undefined) => sumToMinorUnits((rows ?? []).map(exactOf), order.currency_code)
  let medusa = 0
  const txIds = new Set<string>()
  for (const pc of order.payment_collections ?? []) {
    for (const p of pc.payments ?? []) {
      medusa += total(p.captures) - total(p.refunds)
      if (p.data?.transaction_id) txIds.add(p.data.transaction_id)
    }
  }
  let checkout = 0
  const checkoutByLine: Record<string, number> = {}
  for (const tx of (emulator.state as any).transactions.filter((t: any) => txIds.has(t.id))) {
    for (const e of tx.events ?? []) {
      if (!e.success) continue
      const sign = e.event === "CAPTURE" ? 1 : e.event === "REFUND" ? -1 : 0
      if (!sign) continue
      checkout += sign * e.amount
      for (const it of e.items ?? []) checkoutByLine[`${tx.id}:${it.line_id}`] = (checkoutByLine[`${tx.id}:${it.line_id}`] ?? 0) + sign * it.amount
    }
  }
  const dOrder = dinteroOrder(emulator, dinteroOrderId)
  const orders = (dOrder?.line_totals ?? []).reduce((s: number, t: any) => s + t.captured - t.refunded, 0)
  return { medusa, checkout, orders, checkoutByLine, lineTotals: dOrder?.line_totals ?? [] }
}
