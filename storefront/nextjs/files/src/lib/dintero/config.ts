// Dintero in Medusa's Next.js starter: the provider id and the Web SDK endpoint, one place.

/** Medusa's id of the Dintero payment provider (provider `dintero` of the plugin medusa-payment-dintero). */
export const DINTERO_PROVIDER_ID = "pp_dintero_dintero"

export const isDintero = (providerId?: string) => providerId?.startsWith("pp_dintero") ?? false

/**
 * Where the Web SDK loads the embedded checkout from: Dintero's own checkout unless configured otherwise (a local
 * Dintero emulator for development and tests). Configuration, never derived from a session's checkout_url.
 */
export const DINTERO_CHECKOUT_ENDPOINT =
  process.env.NEXT_PUBLIC_DINTERO_CHECKOUT_ENDPOINT || "https://checkout.dintero.com"

/** The return Route Handler: Dintero (redirect) and the embedded checkout (SDK events) both end there. */
export function dinteroReturnPath(countryCode: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value)
  return `/${countryCode}/checkout/dintero/return?${params.toString()}`
}

/** What a shopper reads for Dintero's `error` values (return URL and SDK events). */
export function dinteroProblemText(error: string): string {
  switch (error) {
    case "cancelled":
      return "You cancelled the payment. Nothing was charged and your cart is still here."
    case "authorization":
    case "failed":
      return "The payment was declined. Nothing was charged: try again, or choose another payment method."
    case "not_authorized":
      return "The payment was not confirmed by Dintero. Nothing was charged: try again."
    default:
      return `The payment did not go through (${error}). Nothing was charged: try again.`
  }
}
