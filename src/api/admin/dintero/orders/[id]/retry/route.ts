import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retryDinteroOrderOperationsWorkflow } from "../../../../../../workflows/mirror-order"
import { reconcileOrder } from "../../../../../../workflows/reconcile/reconcile"

/**
 * POST /admin/dintero/orders/:id/retry `{ operation_id? }` — first reconciles the order (enqueues what its events
 * missed, settles Dintero payments Medusa did not hear about), then makes the order's failed, needs-action and waiting
 * operations due now and runs them. Answers with what was reset and the reconciliation's record; read
 * GET /admin/dintero/orders/:id for the result.
 */
export async function POST(req: MedusaRequest<{ operation_id?: string }>, res: MedusaResponse) {
  const body = (req.body ?? {}) as { operation_id?: string }
  const reconciliation = await reconcileOrder(req.scope, req.params.id)
  const { result } = await retryDinteroOrderOperationsWorkflow(req.scope).run({
    input: { order_id: req.params.id, ...(typeof body.operation_id === "string" ? { operation_id: body.operation_id } : {}) },
  })
  res.json({ ...result, reconciliation })
}
