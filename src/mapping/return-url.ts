// The shopper's return URL of a Dintero session, filled from the cart. Storefront routes often begin with the
// shopper's country (Medusa's Next.js starter: /{country_code}/...), so a single fixed returnUrl cannot fit every
// region: the provider option may carry placeholders that are filled per session. Pure: no I/O, no Medusa imports.

/** The placeholders `returnUrl` may carry, and what fills them. */
export const RETURN_URL_PLACEHOLDERS = {
  /** The cart's shipping (else billing) address country, ISO 3166-1 alpha-2 in lower case (the starter's route segment). */
  country_code: "the cart's shipping or billing address country",
  /** The cart id (Dintero also appends it as merchant_reference; this puts it where the route wants it). */
  cart_id: "the cart id",
} as const

export type ReturnUrlPlaceholder = keyof typeof RETURN_URL_PLACEHOLDERS
export type ReturnUrlValues = Partial<Record<ReturnUrlPlaceholder, string | null | undefined>>

const PLACEHOLDER = /\{([^{}]*)\}/g

/** The placeholder names a template uses, in order of appearance (duplicates kept once). */
export function returnUrlPlaceholders(template: string): string[] {
  // Group 1 always takes part in a match of PLACEHOLDER (possibly empty), so it is a string here.
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] ?? ""))]
}

/** Throws when the template names a placeholder that does not exist (a typo would otherwise reach the shopper). */
export function assertReturnUrlTemplate(template: string): void {
  const unknown = returnUrlPlaceholders(template).filter((name) => !(name in RETURN_URL_PLACEHOLDERS))
  if (unknown.length) {
    throw new Error(
      `returnUrl has unknown placeholder(s) ${unknown.map((n) => `{${n}}`).join(", ")}; ` +
        `known: ${Object.keys(RETURN_URL_PLACEHOLDERS).map((n) => `{${n}}`).join(", ")}`
    )
  }
}

/**
 * Fills `{country_code}` / `{cart_id}` in the template. Each value is URL-encoded; a template without placeholders
 * is returned unchanged. A placeholder the template uses but the values cannot fill is an error naming it.
 */
export function fillReturnUrl(template: string, values: ReturnUrlValues): string {
  assertReturnUrlTemplate(template)
  return template.replace(PLACEHOLDER, (_, name: ReturnUrlPlaceholder) => {
    const raw = values[name]
    const value = typeof raw === "string" ? raw.trim() : ""
    if (!value) {
      throw new Error(`returnUrl needs {${name}} (${RETURN_URL_PLACEHOLDERS[name]}), and this payment has none`)
    }
    return encodeURIComponent(name === "country_code" ? value.toLowerCase() : value)
  })
}

interface CartLike {
  id?: string | null
  shipping_address?: { country_code?: string | null } | null
  billing_address?: { country_code?: string | null } | null
}

/** The values a cart gives the placeholders (nothing when the session has no cart). */
export function returnUrlValuesOf(cart: CartLike | null | undefined): ReturnUrlValues {
  return {
    country_code: cart?.shipping_address?.country_code || cart?.billing_address?.country_code,
    cart_id: cart?.id,
  }
}
