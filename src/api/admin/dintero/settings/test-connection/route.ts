import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { dinteroConfiguration } from "../../../../../providers/dintero/registry"
import { testDinteroConnection } from "../../lib/connection-test"

/**
 * POST /admin/dintero/settings/test-connection — fetches a fresh access token and checks the payment profile (see
 * lib/connection-test.ts for how). A failed test is a result, not a server error: 200 with `ok: false`, each
 * check's message and Dintero's own error. Nothing secret is in the answer.
 */
export async function POST(_req: MedusaRequest, res: MedusaResponse) {
  const options = dinteroConfiguration()
  if (!options) {
    res.status(404).json({ ok: false, message: "The Dintero payment provider is not configured." })
    return
  }
  res.json(await testDinteroConnection(options))
}
