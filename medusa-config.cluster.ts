import { defineConfig, loadEnv } from "@medusajs/framework/utils"

// The production shape: several `medusa start` processes on one PostgreSQL and one Redis. Each process runs with
// MEDUSA_WORKER_MODE=server (HTTP: Store/Admin API, Dintero's callbacks, the shopper's return) or =worker
// (subscribers, scheduled jobs, background workflow steps). Shared state goes through Medusa's Redis modules below.
// The cluster test tier and the split-topology benchmark boot this repository with this file (scripts/lib/cluster.ts
// copies it into a store folder as its medusa-config.ts); README "Running in production" shows the merchant's version.
loadEnv(process.env.NODE_ENV || "production", process.cwd())

const env = (name: string, fallback: string) => process.env[name] || fallback
const required = (name: string) => {
  const value = process.env[name]
  if (!value) throw new Error(`${name} is required by medusa-config.cluster.ts`)
  return value
}
const redisUrl = required("REDIS_URL")
const workerMode = env("MEDUSA_WORKER_MODE", "shared") as "shared" | "worker" | "server"
const emulator = env("DINTERO_EMULATOR_URL", "http://localhost:8077")

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: required("DATABASE_URL"),
    redisUrl,
    workerMode,
    http: {
      storeCors: env("STORE_CORS", "http://localhost:8000"),
      adminCors: env("ADMIN_CORS", "http://localhost:9000"),
      authCors: env("AUTH_CORS", "http://localhost:8000,http://localhost:9000"),
      jwtSecret: env("JWT_SECRET", "supersecret"),
      cookieSecret: env("COOKIE_SECRET", "supersecret"),
    },
  },
  // Workers serve no admin; in the tests no process does (they drive the Admin API).
  admin: { disable: workerMode === "worker" || process.env.MEDUSA_ADMIN_DISABLED === "true" },
  featureFlags: { caching: true },
  modules: [
    { resolve: "@medusajs/medusa/event-bus-redis", options: { redisUrl } },
    { resolve: "@medusajs/medusa/workflow-engine-redis", options: { redis: { redisUrl } } },
    {
      resolve: "@medusajs/medusa/locking",
      options: {
        providers: [{ resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } }],
      },
    },
    {
      resolve: "@medusajs/medusa/caching",
      options: {
        providers: [{ resolve: "@medusajs/medusa/caching-redis", id: "caching-redis", is_default: true, options: { redisUrl } }],
      },
    },
    {
      resolve: "./src/modules/dintero-orders",
      options: { generateOrderId: true, ordersMirror: process.env.DINTERO_ORDERS_MIRROR !== "false" },
    },
    // The order-edit authorization grants, shared by every process (a store using the plugin gets it from `plugins`).
    { resolve: "./src/modules/dintero-payments" },
    {
      resolve: "@medusajs/medusa/payment",
      options: {
        providers: [
          {
            resolve: "./src/providers/dintero",
            id: "dintero",
            options: {
              accountId: env("DINTERO_ACCOUNT_ID", "T12345678"),
              clientId: env("DINTERO_CLIENT_ID", "emulator-client"),
              clientSecret: env("DINTERO_CLIENT_SECRET", "emulator-secret"),
              checkoutBaseUrl: env("DINTERO_CHECKOUT_BASE_URL", `${emulator}/checkout/v1`),
              apiBaseUrl: env("DINTERO_API_BASE_URL", `${emulator}/api/v1`),
              profileId: env("DINTERO_PROFILE_ID", "default"),
              returnUrl: env("DINTERO_RETURN_URL", "http://localhost:8000/checkout/dintero/return"),
              // Where Dintero sends its callbacks: the load balancer in front of the servers (in the tests: server B).
              backendUrl: required("MEDUSA_BACKEND_URL"),
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
