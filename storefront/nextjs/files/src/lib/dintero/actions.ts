"use server"

import { sdk } from "@lib/config"
import { getAuthHeaders, getCacheTag, getCartId } from "@lib/data/cookies"
import { HttpTypes } from "@medusajs/types"
import { revalidateTag } from "next/cache"
import { redirect } from "next/navigation"
import { DINTERO_PROVIDER_ID } from "./config"

/**
 * "Try again" after a cancelled or declined Dintero payment: a NEW payment session for the shopper's cart (Medusa
 * replaces the old one and the plugin cancels it at Dintero), then the review step with the fresh session.
 * The cart is read uncached (the starter's retrieveCart uses force-cache and would still show the old session).
 */
export async function retryDinteroPayment(formData: FormData) {
  const countryCode = String(formData.get("countryCode") || "")
  if (!/^[a-z]{2}$/.test(countryCode)) throw new Error("retryDinteroPayment: countryCode is missing")
  // This runs when the shopper clicks on the store's own page, so the SameSite=Strict cart cookie is sent.
  const cartId = await getCartId()
  if (!cartId) redirect(`/${countryCode}/cart`)
  const headers = { ...(await getAuthHeaders()) }
  const { cart } = await sdk.client.fetch<HttpTypes.StoreCartResponse>(`/store/carts/${cartId}`, {
    method: "GET",
    query: { fields: "id,completed_at,*payment_collection,*payment_collection.payment_sessions" },
    headers,
    cache: "no-store",
  })
  if (cart.completed_at) redirect(`/${countryCode}/cart`)
  await sdk.store.payment.initiatePaymentSession(cart, { provider_id: DINTERO_PROVIDER_ID }, {}, headers)
  const tag = await getCacheTag("carts")
  if (tag) revalidateTag(tag)
  redirect(`/${countryCode}/checkout?step=review`)
}

/**
 * After a cart change made while the embedded checkout was locked (open-checkout.ts): the cart's next Dintero payment
 * session. When the total changed, Medusa dropped the payment session and the plugin kept the locked Dintero session
 * open: `locked_dintero_session_id` asks it to continue that one with the new amount (or replace it when Dintero
 * refuses). When nothing changed, the locked session is still the cart's: a new one replaces it. Returns the Dintero
 * session id the review step shows next.
 */
export async function continueDinteroSession(lockedSid: string): Promise<string | undefined> {
  const cartId = await getCartId()
  if (!cartId) return undefined
  const headers = { ...(await getAuthHeaders()) }
  const read = async () =>
    (
      await sdk.client.fetch<HttpTypes.StoreCartResponse>(`/store/carts/${cartId}`, {
        method: "GET",
        query: { fields: "id,completed_at,*payment_collection,*payment_collection.payment_sessions" },
        headers,
        cache: "no-store",
      })
    ).cart
  const cart = await read()
  if (cart.completed_at) return undefined
  const kept = cart.payment_collection?.payment_sessions?.some((s) => s.data?.dintero_session_id === lockedSid)
  const { payment_collection } = await sdk.store.payment.initiatePaymentSession(
    cart,
    { provider_id: DINTERO_PROVIDER_ID, ...(kept ? {} : { data: { locked_dintero_session_id: lockedSid } }) },
    {},
    headers
  )
  const tag = await getCacheTag("carts")
  if (tag) revalidateTag(tag)
  const session = payment_collection.payment_sessions?.find((s) => s.provider_id === DINTERO_PROVIDER_ID)
  const sid = session?.data?.dintero_session_id
  return typeof sid === "string" ? sid : undefined
}
