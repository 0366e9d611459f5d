// `medusa exec scripts/seed-dev-store.ts`: seeds the dev store (scripts/lib/seed-store.ts) and writes what it created
// as JSON to the file named by DEV_STORE_SEED_OUTPUT, for the process that started it (scripts/lib/dev-store.ts).
// A database seeded before (the persistent `npm run dev` one) is not seeded twice: the earlier seed is looked up.
import { writeFileSync } from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { DEMO_ADMIN, MARKETS, seedStore, type MarketCode, type SeededMarket, type SeededStore } from "./lib/seed-store"

async function findEarlierSeed(container: ExecArgs["container"]): Promise<SeededStore | undefined> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: regions } = await query.graph({
    entity: "region",
    fields: ["id", "name", "currency_code"],
    filters: { name: Object.values(MARKETS).map((m) => m.name) },
  })
  if (!regions.length) return undefined
  const { data: keys } = await query.graph({
    entity: "api_key",
    fields: ["token", "sales_channels.id"],
    filters: { type: "publishable", title: "Nettbutikk", revoked_at: null },
  })
  const { data: products } = await query.graph({
    entity: "product",
    fields: ["id", "variants.id", "variants.sku"],
    filters: { handle: "stablestol" },
  })
  const { data: options } = await query.graph({
    entity: "shipping_option",
    fields: ["id", "name"],
    filters: { name: Object.values(MARKETS).map((m) => m.shippingOptionName) },
  })
  const key = keys[0] as any
  const product = products[0] as any
  const markets = {} as Record<MarketCode, SeededMarket>
  for (const market of Object.values(MARKETS)) {
    const region = regions.find((r: any) => r.name === market.name && r.currency_code === market.currency)
    const option = options.find((o: any) => o.name === market.shippingOptionName)
    if (region && option) markets[market.code] = { ...market, regionId: region.id, shippingOptionId: option.id }
  }
  if (!key || !product || Object.keys(markets).length !== Object.keys(MARKETS).length) {
    throw new Error(
      "The database holds a partial or older dev store seed (the store now has the markets NO, SE and DK); delete .tmp/dev-db and run again"
    )
  }
  const variant = (sku: string) => product.variants.find((v: any) => v.sku === sku)?.id
  return {
    regionId: markets.no.regionId,
    salesChannelId: key.sales_channels?.[0]?.id,
    publishableKey: key.token,
    shippingOptionId: markets.no.shippingOptionId,
    productId: product.id,
    variants: { outdoor: variant("175938"), indoor: variant("003929") },
    admin: DEMO_ADMIN,
    markets,
  }
}

export default async function seedDevStore({ container }: ExecArgs) {
  const output = process.env.DEV_STORE_SEED_OUTPUT
  const earlier = await findEarlierSeed(container)
  const seeded = earlier ?? (await seedStore(container))
  const result = { ...seeded, reused: Boolean(earlier) }
  if (output) writeFileSync(output, JSON.stringify(result, null, 2))
  else console.log(JSON.stringify(result, null, 2))
}
