import { container as appContainer } from "@medusajs/framework"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { choosePaymentProfile, type PaymentMarket } from "../../mapping/payment-profile"
import type { DinteroOptions } from "./options"

/**
 * The payment profile of a new Dintero session, or a refusal before anything is sent to Dintero.
 *
 * The choice itself is pure (src/mapping/payment-profile.ts); this reads what it needs from Medusa: the shipping (else
 * billing) country of the cart the session is for (already loaded by the caller), or of the order for a payment an
 * order edit asks for, and the region only when some entry names regions. A store with one `profileId` and no
 * `profiles` needs neither, and nothing is read.
 *
 * The refusal is a MedusaError NOT_ALLOWED: the Store API answers 400 with its message, which the storefront shows.
 */
export async function paymentProfileFor(
  options: Pick<DinteroOptions, "profileId" | "profiles">,
  session: { currency: string; cart?: CartAddresses | null; orderId?: string }
): Promise<string> {
  const market: PaymentMarket = { currency: session.currency }
  if (options.profiles?.length) {
    const needsRegion = options.profiles.some((p) => p.regions?.length)
    if (session.cart) {
      market.countryCode = countryOf(session.cart)
      if (needsRegion && session.cart.id) Object.assign(market, await readMarket("cart", session.cart.id))
    } else if (session.orderId) {
      Object.assign(market, await readMarket("order", session.orderId))
    }
  }
  const choice = choosePaymentProfile(options, market)
  if (!choice.ok) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, choice.message)
  }
  return choice.profileId
}

interface CartAddresses {
  id?: string
  shipping_address?: { country_code?: string | null } | null
  billing_address?: { country_code?: string | null } | null
}

const countryOf = (r: CartAddresses) => r.shipping_address?.country_code ?? r.billing_address?.country_code ?? null

interface MarketRecord extends CartAddresses {
  region_id?: string | null
}

interface Query {
  graph(input: { entity: string; fields: string[]; filters?: Record<string, unknown> }): Promise<{ data: MarketRecord[] }>
}

async function readMarket(entity: "cart" | "order", id: string): Promise<Omit<PaymentMarket, "currency">> {
  let query: Query
  try {
    query = appContainer.resolve(ContainerRegistrationKeys.QUERY) as Query
  } catch {
    // The payment module alone (module tests) has no query: the currency decides.
    return {}
  }
  const { data } = await query.graph({
    entity,
    fields: ["region_id", "shipping_address.country_code", "billing_address.country_code"],
    filters: { id },
  })
  const record = data[0]
  if (!record) return {}
  return { regionId: record.region_id ?? null, countryCode: countryOf(record) }
}
