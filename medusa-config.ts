import { defineConfig, loadEnv } from "@medusajs/framework/utils"

// The dev store: this repository booted as a Medusa app, with the plugin loaded from source.
// Without Dintero credentials in the environment it talks to the local emulator (`npm run emulator`).
loadEnv(process.env.NODE_ENV || "development", process.cwd())

const env = (name: string, fallback: string) => process.env[name] || fallback
const emulator = env("DINTERO_EMULATOR_URL", "http://localhost:8077")
const backendUrl = env("MEDUSA_BACKEND_URL", "http://localhost:9000")
// One Dintero API client for Checkout (the provider) and the Orders API mirror (which reuses the provider's).
const dinteroApi = {
  accountId: env("DINTERO_ACCOUNT_ID", "T12345678"),
  clientId: env("DINTERO_CLIENT_ID", "emulator-client"),
  clientSecret: env("DINTERO_CLIENT_SECRET", "emulator-secret"),
  checkoutBaseUrl: env("DINTERO_CHECKOUT_BASE_URL", `${emulator}/checkout/v1`),
  apiBaseUrl: env("DINTERO_API_BASE_URL", `${emulator}/api/v1`),
}

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: env("STORE_CORS", "http://localhost:8000,http://localhost:9000"),
      adminCors: env("ADMIN_CORS", "http://localhost:9000,http://localhost:5173"),
      authCors: env("AUTH_CORS", "http://localhost:8000,http://localhost:9000,http://localhost:5173"),
      jwtSecret: env("JWT_SECRET", "supersecret"),
      cookieSecret: env("COOKIE_SECRET", "supersecret"),
    },
  },
  admin: {
    disable: process.env.MEDUSA_ADMIN_DISABLED === "true",
    backendUrl,
  },
  modules: [
    {
      resolve: "./src/modules/dintero-orders",
      // The Orders mirror uses the payment provider's Dintero configuration below.
      options: {
        generateOrderId: process.env.DINTERO_ORDERS_GENERATE_ORDER_ID !== "false",
        ordersMirror: process.env.DINTERO_ORDERS_MIRROR !== "false",
      },
    },
    // The payment provider's records that must hold across processes (order-edit authorization grants).
    { resolve: "./src/modules/dintero-payments" },
    {
      resolve: "@medusajs/medusa/payment",
      options: {
        providers: [
          {
            resolve: "./src/providers/dintero",
            id: "dintero",
            options: {
              ...dinteroApi,
              // Four markets, a payment profile each (the seeded regions Norge, Sverige, Danmark, Suomi; the emulator
              // knows these profiles and the currency each takes). Norway, the home market, takes every NOK payment
              // (also a cart without an address yet); Sweden's, Denmark's and Finland's profiles take carts shipped
              // there. No default profileId: any other currency or country is refused before Dintero is asked.
              profiles: [
                { id: env("DINTERO_PROFILE_ID", "default"), currency: "NOK" },
                { id: env("DINTERO_PROFILE_ID_SE", "sweden"), currency: "SEK", countries: ["SE"] },
                { id: env("DINTERO_PROFILE_ID_DK", "denmark"), currency: "DKK", countries: ["DK"] },
                { id: env("DINTERO_PROFILE_ID_FI", "finland"), currency: "EUR", countries: ["FI"] },
              ],
              // The example storefront's return page (npm run dev serves it on :8000); it completes the cart.
              returnUrl: env("DINTERO_RETURN_URL", "http://localhost:8000/return.html"),
              backendUrl,
              autoCapture: process.env.DINTERO_AUTO_CAPTURE === "true",
              callbackSecret: process.env.DINTERO_CALLBACK_SECRET || undefined,
              ...(process.env.DINTERO_CALLBACK_DELAY_SECONDS
                ? { callbackDelaySeconds: Number(process.env.DINTERO_CALLBACK_DELAY_SECONDS) }
                : {}),
            },
          },
        ],
      },
    },
  ],
})
