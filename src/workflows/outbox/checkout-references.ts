/**
 * How the outbox finds the Checkout event a Medusa capture/refund became. The reference format and the success rule
 * are the provider's own (src/mapping/references.ts, src/dintero/transactions.ts): one definition, so the mirror
 * always names the event the provider's capture/refund left.
 */
import type { Transaction, TransactionEvent } from "../../dintero"
import { findEventByReference, isSuccessfulEvent, moneyReference } from "../../mapping/references"

/** The reference the provider gives the `index`-th (0-based, in record order) capture/refund of a payment. */
export function paymentRecordReference(paymentId: string, kind: "capture" | "refund", index: number, amount: number): string {
  return moneyReference(kind, paymentId, index + 1, amount)
}

/**
 * The Checkout event a Medusa capture/refund became: the successful event with its reference, or (captures only)
 * the one unreferenced successful capture of the same amount, as Dintero's auto-capture records it.
 */
export function findCheckoutEvent(
  tx: Pick<Transaction, "events">,
  kind: "CAPTURE" | "REFUND",
  reference: string,
  amount: number
): TransactionEvent | undefined {
  const byReference = findEventByReference(tx.events, kind, reference)
  if (byReference || kind !== "CAPTURE") return byReference
  const captures = (tx.events ?? []).filter((e) => e.event === "CAPTURE" && isSuccessfulEvent(e))
  const only = captures.length === 1 ? captures[0] : undefined
  return only && only.amount === amount && !only.event_reference ? only : undefined
}
