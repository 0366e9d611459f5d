// What `npm run dev` asks of the dev store, read from its environment in one place: scripts/dev.ts starts the store
// with it, and integration-tests/http/dev-callback-signing.spec.ts boots what it wires (README, "npm run dev").
import type { DevStoreOptions } from "./dev-store"

/** A port from the environment (`fallback` when unset); a clear error naming the variable otherwise. */
export function envPort(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name]
  if (v === undefined || v === "") return fallback
  const n = Number(v)
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got ${v}`)
  return n
}

/** The dev store's options from `npm run dev`'s environment, with the example storefront started before it. */
export function devStoreOptions(env: NodeJS.ProcessEnv, storefront: { url: string; returnUrl: string }): DevStoreOptions {
  return {
    port: envPort(env, "PORT", 9000),
    emulatorPort: envPort(env, "EMULATOR_PORT", 8077),
    returnPort: envPort(env, "RETURN_PORT", 8078),
    adminEnabled: true,
    persistent: true,
    completeOnReturn: true,
    // As the README says: with DINTERO_CALLBACK_SECRET set, the emulator signs callbacks and the plugin verifies them.
    callbackSecret: env.DINTERO_CALLBACK_SECRET || undefined,
    logLevel: env.LOG_LEVEL ?? "info",
    env: {
      DINTERO_RETURN_URL: env.DINTERO_RETURN_URL || storefront.returnUrl,
      STORE_CORS: env.STORE_CORS || `${storefront.url},http://localhost:8000,http://localhost:9000`,
    },
  }
}
