import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { isDinteroProviderId } from "../../../../../providers/dintero/provider-id"
import { dinteroPaymentView, findPayment } from "../../lib/payment-view"

/** GET /admin/dintero/payments/:id — one Medusa payment (pay_...) made through Dintero, with its live transaction. */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const payment = await findPayment(req.scope, req.params.id)
  if (!payment) {
    res.status(404).json({ message: `Payment ${req.params.id} was not found` })
    return
  }
  if (!isDinteroProviderId(payment.provider_id)) {
    res.status(400).json({ message: `Payment ${req.params.id} was not made with Dintero (provider ${payment.provider_id})` })
    return
  }
  res.json({ payment: await dinteroPaymentView(payment) })
}
