/**
 * Settles a Dintero payment Medusa did not hear about along the very road Dintero's callback takes: the one
 * settlement function (src/workflows/settle-payment.ts) decides, from the re-read transaction, whether the cart is
 * completed, a decline recorded or money released. A reason a retry can fix is thrown, so the run records a finding
 * and the next run tries again.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { settleDinteroPayment as settle, type SettleOutcome } from "../settle-payment"
import type { TransactionView } from "./plan"

export async function settleDinteroPayment(
  container: MedusaContainer,
  transaction: Pick<TransactionView, "id">,
  now: Date = new Date()
): Promise<Exclude<SettleOutcome, { kind: "retry" }>> {
  // The run's clock: how long a failing completion has lasted is measured against it (settle-payment.ts).
  const outcome = await settle(container, { transactionId: transaction.id }, { now })
  if (outcome.kind === "retry") throw new Error(outcome.detail)
  return outcome
}
