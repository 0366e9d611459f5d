import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retryDinteroOrderOperationsWorkflow } from "../../../../../../workflows/mirror-order"
import { reconcileOrder } from "../../../../../../workflows/reconcile/reconcile"
import { pathParam } from "../../../lib/path-param"
import type { AdminDinteroRetryBody } from "../../../validators"

/**
 * POST /admin/dintero/orders/:id/retry `{ operation_id? }` — first reconciles the order (enqueues what its events
 * missed, settles Dintero payments Medusa did not hear about), then makes the order's failed, needs-action and waiting
 * operations due now and runs them. Answers with what was reset and the reconciliation's record; read
 * GET /admin/dintero/orders/:id for the result.
 */
export async function POST(req: AuthenticatedMedusaRequest<AdminDinteroRetryBody>, res: MedusaResponse) {
  const orderId = pathParam(req, "id")
  const { operation_id } = req.validatedBody
  const reconciliation = await reconcileOrder(req.scope, orderId)
  const { result } = await retryDinteroOrderOperationsWorkflow(req.scope).run({
    input: { order_id: orderId, ...(operation_id ? { operation_id } : {}) },
  })
  res.json({ ...result, reconciliation })
}
