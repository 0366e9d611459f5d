import type { MirrorState } from "../../../mapping/orders-mirror/state"
import { transactionIdOf, type PaymentRow } from "../../lib/medusa-data"

/** Dintero's transaction id of a Medusa payment: from its data, else as the mirror remembered it. */
export function transactionOf(payment: Pick<PaymentRow, "id" | "data">, state: MirrorState | null): string | undefined {
  return transactionIdOf(payment) ?? state?.payments?.[payment.id]
}
