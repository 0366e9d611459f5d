import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { reconcileStore } from "../../../../workflows/reconcile/reconcile"
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

/**
 * POST /admin/dintero/reconciliation — runs the store-wide reconciliation now (what the scheduled job does) and
 * answers with its record; 409 when another process is running one at this moment.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const run = await reconcileStore(req.scope)
  if (!run) {
    res.status(409).json({ message: "A reconciliation is running in another process; its record will appear in GET /admin/dintero/reconciliation." })
    return
  }
  res.json({ reconciliation_run: run })
}
