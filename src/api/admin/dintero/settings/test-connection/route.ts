import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { Modules } from "@medusajs/framework/utils"
import { isDinteroCurrency } from "../../../../../mapping/payment-profile"
import { dinteroConfiguration } from "../../../../../lib/dintero-registry"
import { testDinteroConnection } from "../../lib/connection-test"

/**
 * POST /admin/dintero/settings/test-connection — fetches a fresh access token and checks every payment profile in its
 * own currency (see lib/connection-test.ts for how). A failed test is a result, not a server error: 200 with
 * `ok: false`, each check's message and Dintero's own error. Nothing secret is in the answer.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const options = dinteroConfiguration()
  if (!options) {
    res.status(404).json({ ok: false, message: "The Dintero payment provider is not configured." })
    return
  }
  res.json(await testDinteroConnection(options, { defaultCurrency: await storeDefaultCurrency(req) }))
}

/** The store's default currency, which the default `profileId` is tested in (when Dintero takes it). */
async function storeDefaultCurrency(req: MedusaRequest): Promise<string | undefined> {
  const stores = await req.scope.resolve(Modules.STORE).listStores({}, { relations: ["supported_currencies"] })
  const code = stores[0]?.supported_currencies?.find((c) => c.is_default)?.currency_code?.toUpperCase()
  return code && isDinteroCurrency(code) ? code : undefined
}
