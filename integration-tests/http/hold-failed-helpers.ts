import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { Emulator } from "../../emulator"
import type { AdminApi, StoreApi } from "../../scripts/lib/store-api"
import type { SeededStore } from "../../scripts/lib/seed-store"
import type { HeldPaymentView, OrderPaymentsResponse } from "../../src/api/admin/dintero/lib/wire-types"

/**
 * Issue 9, ON_HOLD: an order placed while its Dintero payment is on hold, whose hold then ends FAILED. Asserts what
 * the merchant sees at each step, from Medusa's own order (payment status, collection status) and from the admin
 * route the order widget reads (GET /admin/dintero/payments), which must not depend on the Orders mirror. Used by a
 * spec with the mirror on (callbacks.spec.ts) and one with it off (checkout.spec.ts).
 */
export async function holdThenFail(store: StoreApi, admin: AdminApi, emulator: Emulator, seeded: SeededStore, container: any) {
  const cart = await store.prepareCart({
    regionId: seeded.regionId,
    shippingOptionId: seeded.shippingOptionId,
    items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }],
  })
  const { session } = await store.initiatePaymentSession(cart.id)
  const paid = await emulator.pay(session.data.dintero_session_id, "ON_HOLD")
  const transactionId = paid.transaction!.id as string
  await emulator.waitForCallbacks()
  const { data: links } = await container
    .resolve(ContainerRegistrationKeys.QUERY)
    .graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cart.id } })
  expect(links).toHaveLength(1)
  const orderId = links[0].order_id as string

  // On hold: Medusa placed the order with no payment; its payment is awaited.
  let order = await admin.getOrder(orderId)
  expect(order.payment_collections[0].payments ?? []).toHaveLength(0)
  expect([order.payment_status, order.payment_collections[0].status]).toEqual(["awaiting", "awaiting"])
  const onHold = await heldPayments(admin, orderId)
  expect(onHold.payments).toEqual([])
  expect(onHold.held_payments).toEqual([
    expect.objectContaining({ state: "on_hold", transaction_id: transactionId, dintero_status: "ON_HOLD", payment_session_id: session.id, reason: null }),
  ])

  // The hold ends FAILED (Dintero's callback, answered 200: nothing left to retry).
  await emulator.resolveOnHold(transactionId, "FAILED")
  await emulator.waitForCallbacks()
  expect(emulator.callbacks.at(-1)!.attempts.at(-1)!.status).toBe(200)

  // Nothing is awaited any more: the collection failed, and Medusa's order says it is not paid.
  order = await admin.getOrder(orderId)
  expect(order.payment_collections[0].payments ?? []).toHaveLength(0)
  expect([order.payment_status, order.payment_collections[0].status]).toEqual(["not_paid", "failed"])
  const failed = await heldPayments(admin, orderId)
  expect(failed.payments).toEqual([])
  expect(failed.held_payments).toHaveLength(1)
  const held: HeldPaymentView = failed.held_payments[0]
  expect(held).toMatchObject({
    state: "hold_failed",
    transaction_id: transactionId,
    dintero_status: "FAILED",
    payment_collection_status: "failed",
    payment_session_id: session.id,
  })
  // Dintero's own reason (the emulator's failed AUTHORIZE event) and what to do next.
  expect(held.reason).toBe("payment failed at Dintero (FAILED: The payment failed)")
  expect(held.next_step).toMatch(/contact the customer.*cancel the order/)
  // Never the checkout URL or a secret.
  const json = JSON.stringify(failed)
  expect(json).not.toContain(session.data.checkout_url)
  expect(json).not.toContain(process.env.DINTERO_CLIENT_SECRET ?? "emulator-secret")
  return { orderId, transactionId, paymentSessionId: session.id as string }
}

async function heldPayments(admin: AdminApi, orderId: string): Promise<OrderPaymentsResponse> {
  return await admin.ok<OrderPaymentsResponse>("get", `/admin/dintero/payments?order_id=${orderId}`)
}
