// `npm run dev`: the dev store for trying the plugin by hand. Embedded PostgreSQL kept in .tmp/dev-db (seeded once),
// the Dintero emulator on 8077 and `medusa start` on 9000 with the admin dashboard, until Ctrl-C.
// Env: PORT (Medusa), EMULATOR_PORT, STOREFRONT_PORT (the example storefront, default 8000), RETURN_PORT (the built-in
// return page), DINTERO_RETURN_URL (your storefront's return page instead), LOG_LEVEL (Medusa's, default info), DB_HOST etc. (an existing PostgreSQL).
import { devStoreOptions, envPort } from "./lib/dev-options"
import { startDevStore } from "./lib/dev-store"
import { startStorefront } from "./lib/storefront-server"

async function main() {
  const started = Date.now()
  let live = false
  // The example storefront (storefront/): Dintero returns the shopper to its return page unless DINTERO_RETURN_URL is set.
  const shop = await startStorefront({ port: envPort(process.env, "STOREFRONT_PORT", 8000) })
  const dev = await startDevStore({
    ...devStoreOptions(process.env, shop),
    log: (line) => console.log(`[dev] ${line}`),
    // Medusa's own lines once it is up (before that they are kept and shown only if the start fails).
    onMedusaLine: (line) => live && line.trim() && console.log(`[medusa] ${line}`),
  })
  const { emulator, seeded } = dev
  shop.setConfig({ backendUrl: dev.backendUrl, publishableKey: seeded.publishableKey, regionId: seeded.regionId, dinteroEndpoint: `${emulator.checkoutBaseUrl}/view` })
  const o = emulator.options
  console.log(
    [
      "",
      `Dev store ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      "",
      "Medusa",
      `  backend:            ${dev.backendUrl}   (GET /health)`,
      `  admin dashboard:    ${dev.backendUrl}/app   (served from source by the dev server; first load compiles it)`,
      `  admin login:        ${seeded.admin.email} / ${seeded.admin.password}`,
      `  publishable key:    ${seeded.publishableKey}   (header x-publishable-api-key)`,
      `  region (Norge, NOK):${" "}${seeded.regionId}`,
      `  shipping option:    ${seeded.shippingOptionId}`,
      `  variants:           outdoor ${seeded.variants.outdoor}, indoor ${seeded.variants.indoor}`,
      `  Dintero callbacks:  ${dev.backendUrl}/hooks/dintero/callback   (${o.signatureSecret ? "signed with DINTERO_CALLBACK_SECRET" : "unsigned: set DINTERO_CALLBACK_SECRET to sign"})`,
      `  storefront:         ${shop.url}   (example shop: cart → Dintero → order confirmation)`,
      `  shopper return:     ${dev.returnUrl}${process.env.DINTERO_RETURN_URL ? "" : "   (the storefront's return page: completes the cart)"}`,
      `  database:           ${dev.databaseUrl.replace(/:[^:@/]+@/, ":***@")}   (data kept in .tmp/dev-db)`,
      "",
      "Dintero emulator",
      `  checkout API base:  ${emulator.checkoutBaseUrl}`,
      `  core/orders API:    ${emulator.apiBaseUrl}`,
      `  hosted page:        ${emulator.checkoutBaseUrl}/view/<session_id>   (a payment session's data.checkout_url)`,
      `  control API:        ${emulator.url}/__emulator   (GET /state, /requests, /callbacks; POST /sessions/:id/pay)`,
      `  account id:         ${o.accountId}`,
      `  client id / secret: ${o.clientId} / ${o.clientSecret}   (the emulator's public test credentials)`,
      `  profile id:         ${o.profiles[0]}`,
      "",
      "Ctrl-C stops Medusa, the emulator and the database.",
      "",
    ].join("\n")
  )
  live = true
}

main().catch((e) => {
  console.error(`[dev] could not start the dev store: ${(e as Error).stack ?? e}`)
  process.exit(1)
})
