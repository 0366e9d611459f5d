// `medusa exec scripts/seed-dev-store.ts`: seeds the dev store (scripts/lib/seed-store.ts) and writes what it created
// as JSON to the file named by DEV_STORE_SEED_OUTPUT, for the process that started it (scripts/lib/dev-store.ts).
// A database seeded before (the persistent `npm run dev` one) is not seeded twice: the earlier seed is looked up.
import { writeFileSync } from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { DEMO_ADMIN, seedStore, type SeededStore } from "./lib/seed-store"

async function findEarlierSeed(container: ExecArgs["container"]): Promise<SeededStore | undefined> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: regions } = await query.graph({
    entity: "region",
    fields: ["id"],
    filters: { name: "Norge", currency_code: "nok" },
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
    fields: ["id"],
    filters: { name: "Posten: hjemlevering" },
  })
  const key = keys[0] as any
  const product = products[0] as any
  if (!key || !product || !options.length) {
    throw new Error("The database holds a partial dev store seed; delete .tmp/dev-db and run again")
  }
  const variant = (sku: string) => product.variants.find((v: any) => v.sku === sku)?.id
  return {
    regionId: regions[0].id,
    salesChannelId: key.sales_channels?.[0]?.id,
    publishableKey: key.token,
    shippingOptionId: options[0].id,
    productId: product.id,
    variants: { outdoor: variant("175938"), indoor: variant("003929") },
    admin: DEMO_ADMIN,
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
