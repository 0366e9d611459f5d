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
