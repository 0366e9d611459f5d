import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { AxiosInstance } from "axios"
import type { MedusaContainer } from "@medusajs/framework/types"
import { AdminApi, StoreApi } from "../../scripts/lib/store-api"
import type { SeededStore } from "../../scripts/lib/seed-store"
import { seedAndLogin, useDinteroEnvironment, type DinteroTestEnvironment } from "./environment"

/** What a test file's suite gets: Medusa's runner handles, the Dintero environment and the seeded store's clients. */
export interface DinteroSuite {
  api: AxiosInstance
  getContainer: () => MedusaContainer
  env: DinteroTestEnvironment
  /**
   * The seeded store, a storefront client with its publishable key and an admin logged in as the seeded user. One
   * object each for the whole file: before each test its fields become those of a new seed (Medusa's runner empties
   * the database after every test), so tests read them as if they were their own.
   */
  seeded: SeededStore
  store: StoreApi
  admin: AdminApi
}

/**
 * The http tier's test file, written once: the Dintero emulator and the app's environment (useDinteroEnvironment,
 * started before Medusa's runner loads the config), then medusaIntegrationTestRunner with the dev store seeded and
 * an admin logged in before each test. Returns the environment for helpers outside the suite.
 */
export function dinteroTestSuite(opts: {
  environment?: Parameters<typeof useDinteroEnvironment>[0]
  testSuite: (suite: DinteroSuite) => void
}): DinteroTestEnvironment {
  const env = useDinteroEnvironment(opts.environment)
  medusaIntegrationTestRunner({
    testSuite: ({ api, getContainer }) => {
      const seeded = {} as SeededStore
      const store = new StoreApi(api, "")
      const admin = new AdminApi(api)
      beforeEach(async () => {
        const fresh = await seedAndLogin(api, getContainer())
        renew(seeded, fresh.seeded)
        renew(store, fresh.store)
        renew(admin, fresh.admin)
      })
      opts.testSuite({ api, getContainer, env, seeded, store, admin })
    },
  })
  return env
}

/** Gives `target` exactly the own fields of `source` (same class: methods stay the prototype's). */
function renew<T extends object>(target: T, source: T): void {
  for (const key of Object.keys(target)) delete (target as Record<string, unknown>)[key]
  Object.assign(target, source)
}
