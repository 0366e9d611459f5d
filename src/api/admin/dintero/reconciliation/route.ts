import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { listRuns, pg } from "../../../../workflows/reconcile/runs"

/**
 * GET /admin/dintero/reconciliation `?order_id=` — the latest reconciliation runs (newest first): window, rows read,
 * Dintero calls, what each repaired and what it found for the merchant to look at.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const orderId = typeof req.query.order_id === "string" ? req.query.order_id : undefined
  const runs = await listRuns(pg(req.scope), { order_id: orderId, limit: 20 })
  res.json({ reconciliation_runs: runs })
}
