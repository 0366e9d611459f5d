import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { isDinteroProviderId } from "../../../../../providers/dintero/provider-id"
import { dinteroPaymentView, findPayment } from "../../lib/payment-view"
import { pathParam } from "../../lib/path-param"

/** GET /admin/dintero/payments/:id — one Medusa payment (pay_...) made through Dintero, with its live transaction. */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const paymentId = pathParam(req, "id")
  const payment = await findPayment(req.scope, paymentId)
  if (!payment) {
    res.status(404).json({ message: `Payment ${paymentId} was not found` })
    return
  }
  if (!isDinteroProviderId(payment.provider_id)) {
    res.status(400).json({ message: `Payment ${paymentId} was not made with Dintero (provider ${payment.provider_id})` })
    return
  }
  res.json({ payment: await dinteroPaymentView(payment) })
}
