import net from "node:net"
import type { AxiosInstance } from "axios"
import type { MedusaContainer } from "@medusajs/framework/types"
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator"
import { DinteroClient } from "../../src/dintero"
import { AdminApi, StoreApi } from "../../scripts/lib/store-api"
import { seedStore } from "../../scripts/lib/seed-store"

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export interface DinteroTestEnvironment {
  emulator: Emulator
  backendUrl: string
}

/**
 * Starts the Dintero emulator and points the dev store's medusa-config at it, BEFORE medusaIntegrationTestRunner
 * loads the config: call this at the top of a test file, before medusaIntegrationTestRunner (root-level beforeAll
 * hooks run before the runner's own). Medusa listens on a port chosen here so that Dintero's callbacks can reach it.
 */
export function useDinteroEnvironment(
  opts: { emulator?: EmulatorOptions; env?: Record<string, string> } = {}
): DinteroTestEnvironment {
  const ctx = {} as DinteroTestEnvironment
  const saved: Record<string, string | undefined> = {}
  const setEnv = (key: string, value: string) => {
    if (!(key in saved)) saved[key] = process.env[key]
    process.env[key] = value
  }
  beforeAll(async () => {
    ctx.emulator = await startEmulator({
      port: 0,
      callbackRetries: 3,
      callbackRetryDelayMs: 50,
      callbackTimeoutMs: 20_000,
      // Medusa listens on http://localhost in tests: an explicit, logged opt-out (Dintero only calls HTTPS URLs).
      allowInsecureCallbacks: true,
      ...opts.emulator,
    })
    const port = await freePort()
    ctx.backendUrl = `http://localhost:${port}`
    setEnv("PORT", String(port))
    setEnv("MEDUSA_BACKEND_URL", ctx.backendUrl)
    setEnv("DINTERO_EMULATOR_URL", ctx.emulator.url)
    setEnv("MEDUSA_ADMIN_DISABLED", "true")
    // Callbacks at once: the tests drive the races between callback and return themselves.
    setEnv("DINTERO_CALLBACK_DELAY_SECONDS", "0")
    // The scheduled reconciliation (due at its first tick when no run is recorded) stays out of the way: these tests
    // start runs themselves, and tests of lost events need it not to repair them first. A file may set its own.
    setEnv("DINTERO_RECONCILE_INTERVAL_MS", String(3_600_000))
    setEnv("DINTERO_RECONCILE_TICK_MS", String(3_600_000))
    for (const [k, v] of Object.entries(opts.env ?? {})) setEnv(k, v)
  })
  beforeEach(() => {
    ctx.emulator?.reset()
  })
  afterAll(async () => {
    await ctx.emulator?.close()
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  })
  return ctx
}

/** The seeded dev store, a storefront client with its publishable key, and an admin logged in as the seeded user. */
export async function seedAndLogin(api: AxiosInstance, container: MedusaContainer) {
  const seeded = await seedStore(container)
  const store = new StoreApi(api, seeded.publishableKey)
  const admin = new AdminApi(api)
  await admin.login(seeded.admin.email, seeded.admin.password)
  return { seeded, store, admin }
}

/** The merchant's own API access to the emulator's account (what Dintero Backoffice does), outside Medusa. */
export function merchantDinteroClient(emulator: Emulator): DinteroClient {
  return new DinteroClient({
    accountId: "T12345678",
    clientId: "emulator-client",
    clientSecret: "emulator-secret",
    checkoutBaseUrl: emulator.checkoutBaseUrl,
    apiBaseUrl: emulator.apiBaseUrl,
  })
}
