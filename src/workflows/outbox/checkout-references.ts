/**
 * The outbox's only uses of the Checkout capture/refund reference and of the event-by-reference look-up (the
 * provider builds the same reference when it captures/refunds; both are to move to one shared definition).
 */
import type { Transaction, TransactionEvent } from "../../dintero"

/**
 * The reference the provider gives the `index`-th (0-based, in record order) capture/refund of a payment:
 * `<payment id>-c<n>-<amount>` / `<payment id>-r<n>-<amount>`.
 */
export function paymentRecordReference(paymentId: string, kind: "capture" | "refund", index: number, amount: number): string {
  return `${paymentId}-${kind === "capture" ? "c" : "r"}${index + 1}-${amount}`
}

/**
 * The Checkout event a Medusa capture/refund became: the successful event with its reference, or (captures only)
 * the one unreferenced capture of the same amount, as Dintero's auto-capture records it.
 */
export function findCheckoutEvent(
  tx: Pick<Transaction, "events">,
  kind: "CAPTURE" | "REFUND",
  reference: string,
  amount: number
): TransactionEvent | undefined {
  const events = (tx.events ?? []).filter((e) => e.event === kind && e.success !== false)
  return (
    events.find((e) => e.event_reference === reference) ??
    (events.length === 1 && events[0].amount === amount && kind === "CAPTURE" && !events[0].event_reference ? events[0] : undefined)
  )
}
