import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { dinteroPaymentView, orderDinteroPayments } from "../lib/payment-view"
import type { OrderPaymentsResponse } from "../lib/wire-types"
import type { AdminDinteroPaymentsQuery } from "../validators"

/**
 * GET /admin/dintero/payments?order_id=order_... — the order's Dintero payments, each with its transaction read live
 * from Dintero (status, payment product, authorized / captured / refunded amounts from the events, Backoffice link).
 * When Dintero cannot be reached each payment carries `dintero_error` with a clear message instead of `transaction`.
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminDinteroPaymentsQuery>, res: MedusaResponse) {
  const orderId = req.validatedQuery.order_id
  const payments = await orderDinteroPayments(req.scope, orderId)
  if (payments === null) {
    res.status(404).json({ message: `Order ${orderId} was not found` })
    return
  }
  const body: OrderPaymentsResponse = { order_id: orderId, payments: await Promise.all(payments.map((p) => dinteroPaymentView(p))) }
  res.json(body)
}
