// Where Dintero sends the shopper after paying (the provider option returnUrl:
// https://your-store/{country_code}/checkout/dintero/return), and where the embedded checkout's SDK events lead.
// A Route Handler, not a page: completing the cart revalidates cache tags, which Next.js refuses during a render.
//
// Dintero appends ?transaction_id=…&merchant_reference=<cart id> (and &error=… when not paid). The starter's cart
// cookie is SameSite=Strict, so a redirect from Dintero arrives without it: the cart id comes from the URL, and is
// verified against Medusa (a cart paid with Dintero); Medusa then authorizes through the plugin, which re-reads
// Dintero's transaction and checks it belongs to this cart's session, before any order exists.
import { sdk } from "@lib/config"
import { getCacheTag } from "@lib/data/cookies"
import { HttpTypes } from "@medusajs/types"
import { revalidateTag } from "next/cache"
import { cookies } from "next/headers"
import { NextRequest, NextResponse } from "next/server"
import { isDintero } from "@lib/dintero/config"

export const dynamic = "force-dynamic"

const CART_COOKIE = "_medusa_cart_id"

export async function GET(request: NextRequest, { params }: { params: Promise<{ countryCode: string }> }) {
  const { countryCode } = await params
  const query = request.nextUrl.searchParams
  const cartId = query.get("merchant_reference") ?? ""
  const error = query.get("error")
  const go = (path: string) => NextResponse.redirect(new URL(`/${countryCode}${path}`, request.nextUrl.origin), 303)
  const problem = (code: string) =>
    go(`/checkout/dintero/problem?error=${encodeURIComponent(code)}&cart=${encodeURIComponent(cartId)}`)

  if (!/^cart_[0-9A-Za-z]+$/.test(cartId)) return problem("unknown_cart")
  // cancelled | authorization | failed: nothing was paid, the cart is untouched. Never complete it then.
  if (error) return problem(error)

  const cart = await sdk.client
    .fetch<HttpTypes.StoreCartResponse>(`/store/carts/${cartId}`, {
      method: "GET",
      query: { fields: "id,completed_at,*payment_collection.payment_sessions" },
      cache: "no-store",
    })
    .then((r) => r.cart)
    .catch(() => null)
  if (!cart) return problem("unknown_cart")
  const paidWithDintero = cart.payment_collection?.payment_sessions?.some((s) => isDintero(s.provider_id))
  if (!paidWithDintero) return problem("unknown_cart")

  // Completing twice is safe: when Dintero's callback completed the cart first, Medusa returns the same order.
  const result = await sdk.store.cart.complete(cartId, {}, {}).catch((e: unknown) => {
    console.error(`Dintero return: completing cart ${cartId} failed: ${e instanceof Error ? e.message : e}`)
    return null
  })
  if (!result || result.type !== "order") return problem("not_authorized")

  for (const name of ["carts", "orders"]) {
    const tag = await getCacheTag(name)
    if (tag) revalidateTag(tag)
  }
  const response = go(`/order/${result.order.id}/confirmed`)
  // Forget the completed cart, unless the cookie that came along names another cart (a redirect from Dintero
  // brings no cookie at all).
  const jar = await cookies()
  const current = jar.get(CART_COOKIE)?.value
  if (!current || current === cartId) response.cookies.set(CART_COOKIE, "", { maxAge: -1, path: "/" })
  return response
}
