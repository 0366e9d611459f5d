/**
 * A paid cart whose completion keeps failing (stock gone after payment, a variant deleted, a price or region change
 * that makes Medusa's completeCartWorkflow throw): the pure decisions. The first failure is recorded on the Medusa
 * payment session (`completion_failure` in its data, in the database), the last error with it; once the failures
 * have lasted longer than the bound, the plugin stops trying and releases the money (settle-payment.ts).
 */

/** What the payment session records about the failed completions of the transaction it holds. */
export interface CompletionFailure {
  /** The Dintero transaction the failed completions were for. */
  transaction_id: string
  /** The first failed attempt (ISO 8601): the bound counts from here. */
  first_failed_at: string
  /** The last attempt's error message, shortened and without control characters. */
  last_error: string
  /** Failed attempts so far. */
  attempts: number
}

/** Default of the `releaseUncompletableCartAfterMinutes` option. */
export const DEFAULT_RELEASE_AFTER_MINUTES = 30

const MAX_ERROR_CHARS = 300

/** An error message as it may be stored and shown (the session data reaches the storefront): one line, bounded. */
export function storableError(message: unknown): string {
  const text = typeof message === "string" ? message : String(message ?? "unknown error")
  let clean = ""
  for (const ch of text) {
    const code = ch.charCodeAt(0)
    const control = code < 0x20 || code === 0x7f
    if (!control) clean += ch
    else if (!clean.endsWith(" ")) clean += " " // a run of control characters becomes one space
  }
  clean = clean.trim() || "unknown error"
  return clean.length > MAX_ERROR_CHARS ? `${clean.slice(0, MAX_ERROR_CHARS)}...` : clean
}

/** A recorded failure read back from session data, or undefined when there is none or it is not well formed. */
export function readCompletionFailure(value: unknown): CompletionFailure | undefined {
  if (!value || typeof value !== "object") return undefined
  const v = value as Record<string, unknown>
  if (typeof v.transaction_id !== "string" || typeof v.first_failed_at !== "string") return undefined
  if (Number.isNaN(Date.parse(v.first_failed_at))) return undefined
  return {
    transaction_id: v.transaction_id,
    first_failed_at: v.first_failed_at,
    last_error: typeof v.last_error === "string" ? v.last_error : "",
    attempts: typeof v.attempts === "number" && Number.isInteger(v.attempts) && v.attempts > 0 ? v.attempts : 1,
  }
}

/**
 * The record after one more failed completion at `now`: the first failure time is kept while the failures are about
 * the same transaction; a record about another transaction (an earlier payment on that session) starts over.
 */
export function nextCompletionFailure(
  previous: CompletionFailure | undefined,
  transactionId: string,
  error: unknown,
  now: Date
): CompletionFailure {
  const same = previous?.transaction_id === transactionId
  return {
    transaction_id: transactionId,
    first_failed_at: same ? previous!.first_failed_at : now.toISOString(),
    last_error: storableError(error),
    attempts: same ? previous!.attempts + 1 : 1,
  }
}

/**
 * Whether the failures have lasted long enough to stop trying: more than `afterMinutes` since the first one. Before
 * that a retry (a restock, a fix by the merchant) may still give the order. A first failure in the future (a clock
 * behind another process's) counts from now.
 */
export function releaseDue(failure: CompletionFailure, now: Date, afterMinutes: number): boolean {
  const first = Date.parse(failure.first_failed_at)
  return now.getTime() - first > afterMinutes * 60_000
}

/** The reason recorded for the merchant when the money is released: what failed, since when, and the payment. */
export function uncompletableReason(failure: CompletionFailure, amount: number, currency: string, afterMinutes: number): string {
  return (
    `the cart could not be completed into an order for more than ${afterMinutes} minutes after payment ` +
    `(${failure.attempts} attempts since ${failure.first_failed_at}; payment ${amount} ${currency} minor units, ` +
    `transaction ${failure.transaction_id}); last error: ${failure.last_error}`
  )
}
