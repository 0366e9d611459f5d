import type { Transaction, TransactionEvent } from "./types"

/**
 * Totals derived from a transaction's events. `transaction.amount` stays the authorized total; what was captured
 * or refunded is the sum of the SUCCESSFUL CAPTURE / REFUND events (integers, minor units).
 */

function sumEvents(tx: Pick<Transaction, "events">, kind: "CAPTURE" | "REFUND"): number {
  let total = 0
  for (const ev of tx.events ?? []) {
    if (ev.event === kind && ev.success !== false && Number.isSafeInteger(ev.amount)) {
      total += ev.amount as number
    }
  }
  return total
}

export function capturedAmount(tx: Pick<Transaction, "events">): number {
  return sumEvents(tx, "CAPTURE")
}

export function refundedAmount(tx: Pick<Transaction, "events">): number {
  return sumEvents(tx, "REFUND")
}

/** The successful event of `kind` whose event_reference is `reference` (= capture_reference / refund_reference). */
export function findEventByReference(
  tx: Pick<Transaction, "events">,
  kind: "CAPTURE" | "REFUND" | "VOID" | (string & {}),
  reference: string
): TransactionEvent | undefined {
  return (tx.events ?? []).find(
    (ev) => ev.event === kind && ev.event_reference === reference && ev.success !== false
  )
}

/** Statuses from which Dintero accepts a capture. */
export function isCapturable(tx: Pick<Transaction, "status">): boolean {
  return tx.status === "AUTHORIZED" || tx.status === "PARTIALLY_CAPTURED"
}

export function isVoided(tx: Pick<Transaction, "status">): boolean {
  return tx.status === "AUTHORIZATION_VOIDED"
}
