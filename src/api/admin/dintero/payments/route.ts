import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { dinteroPaymentView, orderDinteroPayments } from "../lib/payment-view"

/**
 * GET /admin/dintero/payments?order_id=order_... — the order's Dintero payments, each with its transaction read live
 * from Dintero (status, payment product, authorized / captured / refunded amounts from the events, Backoffice link).
 * When Dintero cannot be reached each payment carries `dintero_error` with a clear message instead of `transaction`.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const orderId = typeof req.query.order_id === "string" ? req.query.order_id : ""
  if (!orderId) {
    res.status(400).json({ message: "order_id is required" })
    return
  }
  const payments = await orderDinteroPayments(req.scope, orderId)
  if (payments === null) {
    res.status(404).json({ message: `Order ${orderId} was not found` })
    return
  }
  res.json({ order_id: orderId, payments: await Promise.all(payments.map((p) => dinteroPaymentView(p))) })
}
