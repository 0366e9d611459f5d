import { container as appContainer } from "@medusajs/framework"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { choosePaymentProfile, type PaymentMarket } from "../../mapping/payment-profile"
import type { DinteroOptions } from "./options"

/**
 * The payment profile of a new Dintero session, or a refusal before anything is sent to Dintero.
 *
 * The choice itself is pure (src/mapping/payment-profile.ts); this reads what it needs from Medusa: the region and
 * the shipping (else billing) country of the cart, or of the order for a payment an order edit asks for. A store with
 * one `profileId` and no `profiles` needs neither, and is not read.
 *
 * The refusal is a MedusaError NOT_ALLOWED: the Store API answers 400 with its message, which the storefront shows.
 */
export async function paymentProfileFor(
  options: Pick<DinteroOptions, "profileId" | "profiles">,
  session: { currency: string; cartId?: string; orderId?: string }
): Promise<string> {
  const market: PaymentMarket = { currency: session.currency }
  if (options.profiles?.length) {
    Object.assign(market, await readMarket(session))
  }
  const choice = choosePaymentProfile(options, market)
  if (!choice.ok) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, choice.message)
  }
  return choice.profileId
}

interface Query {
  graph(input: { entity: string; fields: string[]; filters?: Record<string, unknown> }): Promise<{ data: any[] }>
}

async function readMarket(session: { cartId?: string; orderId?: string }): Promise<Omit<PaymentMarket, "currency">> {
  const entity = session.cartId ? "cart" : session.orderId ? "order" : undefined
  if (!entity) return {}
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
    filters: { id: session.cartId ?? session.orderId },
  })
  const record = data[0]
  if (!record) return {}
  return {
    regionId: record.region_id ?? null,
    countryCode: record.shipping_address?.country_code ?? record.billing_address?.country_code ?? null,
  }
}
