import type { Transaction } from "./types"

/**
 * What a transaction's events say happened. The one rule for every reader (the provider, the Orders mirror, the
 * admin, the client's own reconciliation): an event happened when Dintero says `success: true`. Failed attempts are
 * recorded with `success: false` and moved no money; an event without the flag is no proof either.
 * `transaction.amount` stays the authorized total; captured/refunded totals are sums of successful events
 * (integers, minor units).
 */
export interface TransactionEventLike {
  event?: string
  success?: boolean | null
  amount?: number | null
  event_reference?: string | null
  items?: { line_id?: string | null; amount?: number | null }[] | null
}

export type MoneyEventKind = "CAPTURE" | "REFUND"

export function isSuccessfulEvent(event: Pick<TransactionEventLike, "success">): boolean {
  return event.success === true
}

/** Σ amount of the successful events of `kind` (minor units); an event without an amount counts 0. */
export function eventTotal(events: readonly TransactionEventLike[] | null | undefined, kind: MoneyEventKind): number {
  let total = 0
  for (const event of events ?? []) {
    if (event.event !== kind || !isSuccessfulEvent(event)) continue
    const amount = event.amount ?? 0
    if (!Number.isSafeInteger(amount)) throw new Error(`A ${kind} event's amount is not an integer of minor units: ${amount}`)
    total += amount
  }
  if (!Number.isSafeInteger(total)) throw new Error(`The ${kind} events' total exceeds the safe integer range`)
  return total
}

/** What Dintero has captured on a transaction. */
export function capturedAmount(tx: { events?: readonly TransactionEventLike[] | null }): number {
  return eventTotal(tx.events, "CAPTURE")
}

/** What Dintero has refunded on a transaction. */
export function refundedAmount(tx: { events?: readonly TransactionEventLike[] | null }): number {
  return eventTotal(tx.events, "REFUND")
}

/** The successful event of `kind` whose `event_reference` is `reference` (our capture_reference / refund_reference). */
export function findEventByReference<T extends TransactionEventLike>(
  events: readonly T[] | null | undefined,
  kind: MoneyEventKind | "VOID" | `INITIATE_${MoneyEventKind}`,
  reference: string
): T | undefined {
  return (events ?? []).find((e) => e.event === kind && isSuccessfulEvent(e) && e.event_reference === reference)
}

/**
 * Dintero captured the whole transaction on its own (auto-capture, or a product captured at payment such as Swish):
 * it is CAPTURED by successful CAPTURE events that carry no `event_reference` (every capture the plugin sends has a
 * capture_reference) and add up to the transaction's amount. A capture Medusa records then stands for that one.
 */
export function capturedByDinteroItself(tx: Pick<Transaction, "status" | "amount"> & { events?: readonly TransactionEventLike[] | null }): boolean {
  if (tx.status !== "CAPTURED") return false
  const captures = (tx.events ?? []).filter((e) => e.event === "CAPTURE" && isSuccessfulEvent(e))
  if (captures.length === 0 || captures.some((e) => !!e.event_reference)) return false
  return eventTotal(tx.events, "CAPTURE") === tx.amount
}

/** Statuses from which Dintero accepts a capture. */
export function isCapturable(tx: Pick<Transaction, "status">): boolean {
  return tx.status === "AUTHORIZED" || tx.status === "PARTIALLY_CAPTURED"
}

export function isVoided(tx: Pick<Transaction, "status">): boolean {
  return tx.status === "AUTHORIZATION_VOIDED"
}
