/**
 * Settles a Dintero payment Medusa did not hear about, along the road Dintero's callback takes
 * (src/api/hooks/dintero/process-callback.ts): the same Medusa workflows, the same provider checks.
 *
 * The one place the reconciliation settles payments: the callback road is being reworked to export one function
 * that settles a Dintero payment; this file is to be re-pointed to it.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules, PaymentActions } from "@medusajs/framework/utils"
import { completeCartWorkflow, processPaymentWorkflow } from "@medusajs/medusa/core-flows"
import type { SessionView, TransactionView } from "./plan"

export type Settlement = "authorized" | "on_hold" | "failed"

export async function settleDinteroPayment(
  container: MedusaContainer,
  how: Settlement,
  session: SessionView & { merchant_reference?: string },
  transaction: TransactionView
): Promise<void> {
  if (how === "authorized") {
    // Authorizes the session through the provider (which re-reads and checks the transaction) and completes the cart.
    await processPaymentWorkflow(container).run({
      input: { action: PaymentActions.AUTHORIZED, data: { session_id: session.id, amount: session.amount as never } },
    })
    return
  }
  if (how === "on_hold") {
    if (session.merchant_reference?.startsWith("cart_")) {
      await completeCartWorkflow(container).run({ input: { id: session.merchant_reference } })
    }
    return
  }
  const payment = container.resolve(Modules.PAYMENT)
  const current = await payment.retrievePaymentSession(session.id, { select: ["id", "amount", "currency_code", "data", "status"] })
  if (current.status === "authorized" || current.status === "captured") return
  await payment.updatePaymentSession({
    id: current.id,
    amount: current.amount,
    currency_code: current.currency_code,
    data: { ...(current.data ?? {}), transaction_id: transaction.id, dintero_status: transaction.status },
    status: transaction.status === "AUTHORIZATION_VOIDED" ? "canceled" : "error",
  })
}
