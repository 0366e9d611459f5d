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
import { sumMinor } from "./money"

export type MoneyOperation = "capture" | "refund"
export type MoneyEventKind = "CAPTURE" | "REFUND"

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

export interface TransactionEventLike {
  event?: string
  success?: boolean | null
  amount?: number | null
  event_reference?: string | null
  items?: { line_id?: string | null; amount?: number | null }[] | null
}

/**
 * The one rule for whether an event happened: Dintero says `success: true`. Failed attempts are recorded with
 * `success: false` and moved no money; an event without the flag is not proof either.
 */
export function isSuccessful(event: Pick<TransactionEventLike, "success">): boolean {
  return event.success === true
}

/** The successful CAPTURE / REFUND event carrying `reference`, if Dintero applied it. */
export function findEventByReference<T extends TransactionEventLike>(
  events: readonly T[] | null | undefined,
  kind: MoneyEventKind,
  reference: string
): T | undefined {
  return (events ?? []).find((e) => e.event === kind && isSuccessful(e) && e.event_reference === reference)
}

/** Σ amount of the successful events of `kind` (minor units); an event without an amount counts 0. */
export function eventTotal(events: readonly TransactionEventLike[] | null | undefined, kind: MoneyEventKind): number {
  return sumMinor((events ?? []).filter((e) => e.event === kind && isSuccessful(e)).map((e) => e.amount ?? 0))
}

/** What Dintero has captured on a transaction (its `amount` stays the authorized total). */
export function capturedAmount(tx: { events?: readonly TransactionEventLike[] | null }): number {
  return eventTotal(tx.events, "CAPTURE")
}

/** What Dintero has refunded on a transaction. */
export function refundedAmount(tx: { events?: readonly TransactionEventLike[] | null }): number {
  return eventTotal(tx.events, "REFUND")
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
    if (event.event !== kind || !isSuccessful(event)) continue
    for (const item of event.items ?? []) {
      if (!item.line_id || item.amount == null) continue
      totals[item.line_id] = sumMinor([totals[item.line_id] ?? 0, item.amount])
    }
  }
  return totals
}
