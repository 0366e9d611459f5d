import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retryDinteroOrderOperationsWorkflow } from "../../../../../../workflows/mirror-order"

/**
 * POST /admin/dintero/orders/:id/retry `{ operation_id? }` — makes the order's failed, needs-action and waiting
 * operations due now and runs them; answers with what was reset. Read GET /admin/dintero/orders/:id for the result.
 */
export async function POST(req: MedusaRequest<{ operation_id?: string }>, res: MedusaResponse) {
  const body = (req.body ?? {}) as { operation_id?: string }
  const { result } = await retryDinteroOrderOperationsWorkflow(req.scope).run({
    input: { order_id: req.params.id, ...(typeof body.operation_id === "string" ? { operation_id: body.operation_id } : {}) },
  })
  res.json(result)
}
