import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import {
  createApiKeysWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  createUserAccountWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"

/**
 * The dev store used by the demo, the benchmark and the HTTP tests: four Nordic markets with the Dintero provider
 * enabled, each a region with its own currency, VAT and a shipping option: Norway in NOK and Denmark in DKK with
 * prices including 25 % VAT (as shops there show them), Sweden in SEK with prices excluding 25 % VAT and Finland in EUR
 * with prices excluding 25.5 % VAT (so both of Medusa's tax roads, and a VAT rate with a fraction, are exercised). One chair in two variants (the seed documents' 175938 and 003929), a publishable key and an
 * admin user. `regionId` and `shippingOptionId` are Norway's, the market the single-market flows use.
 */
export interface SeededStore {
  regionId: string
  salesChannelId: string
  publishableKey: string
  shippingOptionId: string
  productId: string
  variants: { outdoor: string; indoor: string }
  admin: { email: string; password: string }
  markets: Record<MarketCode, SeededMarket>
}

export type MarketCode = "no" | "se" | "dk" | "fi"

export interface Market {
  code: MarketCode
  /** Region name. */
  name: string
  /** Medusa's lower-case currency code. */
  currency: "nok" | "sek" | "dkk" | "eur"
  country: MarketCode
  /** Prices entered with VAT included (NO, DK) or excluded (SE, FI). */
  taxInclusive: boolean
  /** The standard VAT rate in percent (Finland's is 25.5 since 2024-09-01), with its code and name. */
  vat: { rate: number; code: string; name: string }
  /** Catalog prices in major units, as entered (with or without VAT, see taxInclusive). */
  prices: { outdoor: number; indoor: number; shipping: number }
  shippingOptionName: string
  /** A shopper's address in the market (Medusa only accepts addresses in the cart region's countries). */
  address: {
    first_name: string
    last_name: string
    address_1: string
    city: string
    postal_code: string
    country_code: MarketCode
    phone: string
  }
}

export interface SeededMarket extends Market {
  regionId: string
  shippingOptionId: string
}

export const MARKETS: Record<MarketCode, Market> = {
  no: {
    code: "no",
    name: "Norge",
    currency: "nok",
    country: "no",
    taxInclusive: true,
    vat: { rate: 25, code: "MVA25", name: "Merverdiavgift 25 %" },
    prices: { outdoor: 199, indoor: 398, shipping: 49 },
    shippingOptionName: "Posten: hjemlevering",
    address: { first_name: "Kari", last_name: "Nordmann", address_1: "Karl Johans gate 1", city: "Oslo", postal_code: "0154", country_code: "no", phone: "+4799999999" },
  },
  se: {
    code: "se",
    name: "Sverige",
    currency: "sek",
    country: "se",
    taxInclusive: false,
    vat: { rate: 25, code: "MOMS25", name: "Mervärdesskatt 25 %" },
    // 299.00, 598.00 and 69.00 with VAT.
    prices: { outdoor: 239.2, indoor: 478.4, shipping: 55.2 },
    shippingOptionName: "PostNord: hemleverans",
    address: { first_name: "Karin", last_name: "Svensson", address_1: "Drottninggatan 1", city: "Stockholm", postal_code: "111 51", country_code: "se", phone: "+46701234567" },
  },
  dk: {
    code: "dk",
    name: "Danmark",
    currency: "dkk",
    country: "dk",
    taxInclusive: true,
    vat: { rate: 25, code: "MOMS25", name: "Merværdiafgift 25 %" },
    prices: { outdoor: 149, indoor: 298, shipping: 39 },
    shippingOptionName: "PostNord: levering",
    address: { first_name: "Karen", last_name: "Jensen", address_1: "Strøget 1", city: "København K", postal_code: "1160", country_code: "dk", phone: "+4520123456" },
  },
  fi: {
    code: "fi",
    name: "Suomi",
    currency: "eur",
    country: "fi",
    // Euro prices without VAT, at Finland's 25.5 %: a rate with a fraction, so line VAT rounds in every cart.
    taxInclusive: false,
    vat: { rate: 25.5, code: "ALV25.5", name: "Arvonlisävero 25,5 %" },
    prices: { outdoor: 15.93, indoor: 31.86, shipping: 4.78 },
    shippingOptionName: "Posti: kotiinkuljetus",
    address: { first_name: "Aino", last_name: "Virtanen", address_1: "Mannerheimintie 1", city: "Helsinki", postal_code: "00100", country_code: "fi", phone: "+358401234567" },
  },
}

const MARKET_CODES = Object.keys(MARKETS) as MarketCode[]

export const DEMO_ADMIN = { email: "admin@dintero-demo.local", password: "dintero-demo" }

export async function seedStore(
  container: MedusaContainer,
  opts: { providers?: string[]; admin?: boolean } = {}
): Promise<SeededStore> {
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const storeModule = container.resolve(Modules.STORE)
  const fulfillmentModule = container.resolve(Modules.FULFILLMENT)
  const providers = opts.providers ?? ["pp_dintero_dintero", "pp_system_default"]

  const {
    result: [salesChannel],
  } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "Nettbutikk" }] },
  })

  let [store] = await storeModule.listStores()
  if (!store) {
    store = await storeModule.createStores({ name: "Dintero demo" })
  }
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        name: "Dintero demo",
        supported_currencies: MARKET_CODES.map((code) => ({
          currency_code: MARKETS[code].currency,
          is_default: code === "no",
          is_tax_inclusive: MARKETS[code].taxInclusive,
        })),
        default_sales_channel_id: salesChannel.id,
      },
    },
  })

  const { result: regions } = await createRegionsWorkflow(container).run({
    input: {
      regions: MARKET_CODES.map((code) => ({
        name: MARKETS[code].name,
        currency_code: MARKETS[code].currency,
        countries: [MARKETS[code].country],
        payment_providers: providers,
        automatic_taxes: true,
        is_tax_inclusive: MARKETS[code].taxInclusive,
      })),
    },
  })
  const regionOf = (code: MarketCode) => regions.find((r: { name: string }) => r.name === MARKETS[code].name)!

  await createTaxRegionsWorkflow(container).run({
    input: MARKET_CODES.map((code) => ({
      country_code: MARKETS[code].country,
      provider_id: "tp_system",
      default_tax_rate: { ...MARKETS[code].vat },
    })),
  })

  const {
    result: [location],
  } = await createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: "Lager Oslo", address: { address_1: "Storgata 1", city: "Oslo", country_code: "NO" } }] },
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })

  const existingProfiles = await fulfillmentModule.listShippingProfiles({ type: "default" })
  let shippingProfile = existingProfiles[0]
  if (!shippingProfile) {
    const { result } = await createShippingProfilesWorkflow(container).run({
      input: { data: [{ name: "Standard", type: "default" }] },
    })
    shippingProfile = result[0]
  }

  const fulfillmentSet = await fulfillmentModule.createFulfillmentSets({
    name: "Norge levering",
    type: "shipping",
    service_zones: MARKET_CODES.map((code) => ({
      name: MARKETS[code].name,
      geo_zones: [{ country_code: MARKETS[code].country, type: "country" as const }],
    })),
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })

  const { result: shippingOptions } = await createShippingOptionsWorkflow(container).run({
    input: MARKET_CODES.map((code) => ({
      name: MARKETS[code].shippingOptionName,
      price_type: "flat" as const,
      provider_id: "manual_manual",
      service_zone_id: fulfillmentSet.service_zones.find((z: { name: string }) => z.name === MARKETS[code].name)!.id,
      shipping_profile_id: shippingProfile.id,
      type: { label: "Standard", description: "2-4 dager", code: "standard" },
      prices: [
        { currency_code: MARKETS[code].currency, amount: MARKETS[code].prices.shipping },
        { region_id: regionOf(code).id, amount: MARKETS[code].prices.shipping },
      ],
      rules: [
        { attribute: "enabled_in_store", value: "true", operator: "eq" as const },
        { attribute: "is_return", value: "false", operator: "eq" as const },
      ],
    })),
  })
  const shippingOptionOf = (code: MarketCode) =>
    shippingOptions.find((o: { name: string }) => o.name === MARKETS[code].shippingOptionName)!

  await linkSalesChannelsToStockLocationWorkflow(container).run({
    input: { id: location.id, add: [salesChannel.id] },
  })

  const {
    result: [apiKey],
  } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "Nettbutikk", type: "publishable", created_by: "" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({
    input: { id: apiKey.id, add: [salesChannel.id] },
  })

  const {
    result: [product],
  } = await createProductsWorkflow(container).run({
    input: {
      products: [
        {
          title: "Stablestol",
          handle: "stablestol",
          status: "published",
          shipping_profile_id: shippingProfile.id,
          options: [{ title: "Modell", values: ["Utendørs", "Innendørs"] }],
          variants: [
            {
              title: "Stablestol for utendørsbruk",
              sku: "175938",
              options: { Modell: "Utendørs" },
              manage_inventory: false,
              prices: MARKET_CODES.map((code) => ({ currency_code: MARKETS[code].currency, amount: MARKETS[code].prices.outdoor })),
            },
            {
              title: "Stablestol for innendørsbruk",
              sku: "003929",
              options: { Modell: "Innendørs" },
              manage_inventory: false,
              prices: MARKET_CODES.map((code) => ({ currency_code: MARKETS[code].currency, amount: MARKETS[code].prices.indoor })),
            },
          ],
          sales_channels: [{ id: salesChannel.id }],
        },
      ],
    },
  })
  const outdoor = product.variants.find((v: { sku?: string | null }) => v.sku === "175938")!
  const indoor = product.variants.find((v: { sku?: string | null }) => v.sku === "003929")!

  if (opts.admin !== false) {
    await createAdminUser(container, DEMO_ADMIN.email, DEMO_ADMIN.password)
  }

  const markets = Object.fromEntries(
    MARKET_CODES.map((code) => [code, { ...MARKETS[code], regionId: regionOf(code).id, shippingOptionId: shippingOptionOf(code).id }])
  ) as Record<MarketCode, SeededMarket>
  return {
    regionId: markets.no.regionId,
    salesChannelId: salesChannel.id,
    publishableKey: apiKey.token,
    shippingOptionId: markets.no.shippingOptionId,
    productId: product.id,
    variants: { outdoor: outdoor.id, indoor: indoor.id },
    admin: DEMO_ADMIN,
    markets,
  }
}

/** An admin user that can log in with email and password (emailpass), as `medusa user` would create it. */
export async function createAdminUser(container: MedusaContainer, email: string, password: string) {
  const authModule = container.resolve(Modules.AUTH)
  const { authIdentity, error } = await authModule.register("emailpass", {
    body: { email, password },
  } as any)
  if (error || !authIdentity) {
    throw new Error(`could not register the admin user: ${error}`)
  }
  await createUserAccountWorkflow(container).run({
    input: { authIdentityId: authIdentity.id, userData: { email, first_name: "Demo", last_name: "Admin" } },
  })
}
