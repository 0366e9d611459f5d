/**
 * Capture and refund references, and the Dintero transaction events they name.
 *
 * Dintero has no idempotency header: a capture/refund carries our `capture_reference` / `refund_reference`, which
 * Dintero echoes as the event's `event_reference`. Finding that event after a lost answer is how a retry is
 * recognised instead of moving money twice. Medusa deletes its capture/refund row when the provider throws and gives
 * the retry a new id, so the id alone cannot recognise a retry; the row's position among the payment's rows (oldest
 * first) plus the amount can: a retry takes the place of the deleted row, and two equal refunds have different
 * positions. Everything that builds or looks up a reference (the provider, the Orders mirror) uses this file.
 */
import { isSuccessfulEvent, type MoneyEventKind, type TransactionEventLike } from "../dintero/transactions"
import { sumMinor, type DecimalInput } from "./money"

// The success rule, event sums and the event finder live with the client (src/dintero/transactions.ts): one rule.
export {
  capturedAmount,
  eventTotal,
  findEventByReference,
  isSuccessfulEvent,
  refundedAmount,
  type MoneyEventKind,
  type TransactionEventLike,
} from "../dintero/transactions"

export type MoneyOperation = "capture" | "refund"

/** The Dintero event a capture / refund leaves on the transaction. */
export function eventKindOf(operation: MoneyOperation): MoneyEventKind {
  return operation === "capture" ? "CAPTURE" : "REFUND"
}

/** `<payment id>-c<position>-<amount>` for a capture, `<payment id>-r<position>-<amount>` for a refund. */
export function moneyReference(operation: MoneyOperation, paymentId: string, position: number, amount: number): string {
  if (!Number.isSafeInteger(position) || position < 1) {
    throw new Error(`A ${operation} reference needs a position from 1, got ${position}`)
  }
  return `${paymentId}-${operation === "capture" ? "c" : "r"}${position}-${amount}`
}

/**
 * A reference for an operation Medusa gave no payment or record for (`<capture|refund>-<record id or x>-<amount>`).
 * It cannot be recognised on a retry; it only keeps Dintero's required reference field filled.
 */
export function unattachedReference(operation: MoneyOperation, recordId: string | undefined, amount: number): string {
  return `${operation}-${recordId ?? "x"}-${amount}`
}

export interface MoneyRecordLike {
  id: string
  created_at: Date | string
}

/** A capture or refund row's exact amount (raw when Medusa gives it), for `runningTotalParts`: never rounded alone. */
export const exactAmount = (row: { raw_amount?: unknown; amount?: unknown }): DecimalInput => (row.raw_amount ?? row.amount) as DecimalInput

/** Captures or refunds of one payment in the order references number them: oldest first, ties broken by id. */
export function inRecordOrder<T extends MoneyRecordLike>(rows: readonly T[] | null | undefined): T[] {
  return [...(rows ?? [])].sort((a, b) => {
    const t = new Date(a.created_at).getTime() - new Date(b.created_at).getTime()
    return t !== 0 ? t : a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  })
}

/** Position (from 1) of a record among rows in record order; a record not listed yet comes after all of them. */
export function recordPosition(rowsInRecordOrder: readonly { id: string }[], recordId: string): number {
  return rowsInRecordOrder.findIndex((r) => r.id === recordId) + 1 || rowsInRecordOrder.length + 1
}

/**
 * Σ of item amounts per line over the successful events of `kind`. Events without items (e.g. an amount-only capture
 * from Dintero Backoffice) cannot be attributed to lines and are not counted here; `eventTotal` counts them.
 */
export function perLineTotals(
  events: readonly TransactionEventLike[] | null | undefined,
  kind: MoneyEventKind
): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const event of events ?? []) {
    if (event.event !== kind || !isSuccessfulEvent(event)) continue
    for (const item of event.items ?? []) {
      if (!item.line_id || item.amount == null) continue
      totals[item.line_id] = sumMinor([totals[item.line_id] ?? 0, item.amount])
    }
  }
  return totals
}
