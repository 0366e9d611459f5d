import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { processDinteroCallback } from "../process-callback"

/**
 * Dintero's server-to-server callback. Dintero sends GET by default and POST (transaction as JSON body) when the
 * callback URL carries method=POST; it retries on 5xx and timeouts and gives up on any 4xx.
 */
async function handle(req: MedusaRequest, res: MedusaResponse) {
  const q = req.originalUrl.indexOf("?")
  const outcome = await processDinteroCallback(req.scope, {
    method: req.method,
    query: q >= 0 ? req.originalUrl.slice(q + 1) : "",
    headers: req.headers as Record<string, unknown>,
    body: req.method === "POST" ? req.body : undefined,
  })
  res.status(outcome.status).json({ result: outcome.result })
}

export const GET = handle
export const POST = handle
