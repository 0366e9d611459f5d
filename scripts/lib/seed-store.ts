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
 * The dev store used by the demo, the benchmark and the HTTP tests: a Norway region in NOK with 25 % VAT (prices
 * include VAT, as Norwegian shops show them) and the Dintero provider enabled, one chair in two variants (the seed
 * documents' 175938 and 003929), a shipping option, a publishable key and an admin user.
 */
export interface SeededStore {
  regionId: string
  salesChannelId: string
  publishableKey: string
  shippingOptionId: string
  productId: string
  variants: { outdoor: string; indoor: string }
  admin: { email: string; password: string }
}

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
        supported_currencies: [{ currency_code: "nok", is_default: true, is_tax_inclusive: true }],
        default_sales_channel_id: salesChannel.id,
      },
    },
  })

  const {
    result: [region],
  } = await createRegionsWorkflow(container).run({
    input: {
      regions: [
        {
          name: "Norge",
          currency_code: "nok",
          countries: ["no"],
          payment_providers: providers,
          automatic_taxes: true,
          is_tax_inclusive: true,
        },
      ],
    },
  })

  await createTaxRegionsWorkflow(container).run({
    input: [
      {
        country_code: "no",
        provider_id: "tp_system",
        default_tax_rate: { rate: 25, code: "MVA25", name: "Merverdiavgift 25 %" },
      },
    ],
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
    service_zones: [{ name: "Norge", geo_zones: [{ country_code: "no", type: "country" }] }],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })

  const {
    result: [shippingOption],
  } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: "Posten: hjemlevering",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: shippingProfile.id,
        type: { label: "Standard", description: "2-4 dager", code: "standard" },
        prices: [
          { currency_code: "nok", amount: 49 },
          { region_id: region.id, amount: 49 },
        ],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })

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
              prices: [{ currency_code: "nok", amount: 199 }],
            },
            {
              title: "Stablestol for innendørsbruk",
              sku: "003929",
              options: { Modell: "Innendørs" },
              manage_inventory: false,
              prices: [{ currency_code: "nok", amount: 398 }],
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

  return {
    regionId: region.id,
    salesChannelId: salesChannel.id,
    publishableKey: apiKey.token,
    shippingOptionId: shippingOption.id,
    productId: product.id,
    variants: { outdoor: outdoor.id, indoor: indoor.id },
    admin: DEMO_ADMIN,
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
