import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { orderHeldPayments } from "../lib/held-payments"
import { dinteroPaymentView, orderDinteroPayments } from "../lib/payment-view"
import type { OrderPaymentsResponse } from "../lib/wire-types"
import type { AdminDinteroPaymentsQuery } from "../validators"

/**
 * GET /admin/dintero/payments?order_id=order_... — the order's Dintero payments, each with its transaction read live
 * from Dintero (status, payment product, authorized / captured / refunded amounts from the events, Backoffice link).
 * When Dintero cannot be reached each payment carries `dintero_error` with a clear message instead of `transaction`.
 * `held_payments`: a payment still ON_HOLD at Dintero, or whose hold failed, for which Medusa has no payment (from
 * the payment sessions' data, so it is shown whether or not the Orders mirror is on).
 */
export async function GET(req: AuthenticatedMedusaRequest<unknown, AdminDinteroPaymentsQuery>, res: MedusaResponse) {
  const orderId = req.validatedQuery.order_id
  const payments = await orderDinteroPayments(req.scope, orderId)
  if (payments === null) {
    res.status(404).json({ message: `Order ${orderId} was not found` })
    return
  }
  const [views, held] = await Promise.all([Promise.all(payments.map((p) => dinteroPaymentView(p))), orderHeldPayments(req.scope, orderId)])
  const body: OrderPaymentsResponse = { order_id: orderId, payments: views, held_payments: held }
  res.json(body)
}
