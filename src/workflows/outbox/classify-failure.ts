/**
 * Pure: what the outbox row becomes after one attempt, from the handler's outcome or the error it threw.
 *   done / skipped            -> finished (the next operation of the order may run)
 *   needs_action, or an OrdersMappingError (data the mirror cannot place)
 *                             -> stops the order's queue until the merchant retries from the admin
 *   a permanent Dintero 4xx   -> failed (retryable from the admin)
 *   anything else             -> pending with backoff, failed once maxAttempts is reached
 */
import { DinteroError } from "../../dintero"
import { nextAttemptDelayMs } from "../../mapping/orders-mirror/backoff"
import { ordersRetryIntervalMs } from "../../lib/scheduled-jobs"
import type { OperationStatus } from "../../modules/dintero-orders/models/order-operation"
import { needsAction, type Outcome } from "./outcome"
import { OrdersMappingError } from "../../mapping/orders"
import { messageOf } from "../../lib/error-message"

export interface AttemptResult {
  status: Exclude<OperationStatus, "processing">
  last_error: string | null
  next_attempt_at: Date | null
  /** Set when the operation is finished (done or skipped). */
  completed_at?: Date
  /** The next operation of the order may run. */
  proceed: boolean
  /** Worth a warning in the log. */
  log: boolean
  /** The pass lists the order's rows again before going on (rows were enqueued before this one). */
  relist?: boolean
}

export interface AttemptContext {
  /** Attempts made, this one included. */
  attempts: number
  maxAttempts: number
  now: Date
  random?: () => number
}

/** 4xx answers a resend cannot change (401: token refresh, 408/409/429: transient, are retried). */
const RETRIED_CLIENT_ERRORS = [401, 408, 409, 429]

export function isPermanentDinteroError(e: unknown): boolean {
  return e instanceof DinteroError && e.kind === "http" && !!e.status && e.status >= 400 && e.status < 500 && !RETRIED_CLIENT_ERRORS.includes(e.status)
}


export function classifyOutcome(outcome: Outcome, ctx: AttemptContext): AttemptResult {
  switch (outcome.status) {
    case "done":
      return { status: "done", last_error: outcome.note ?? null, next_attempt_at: null, completed_at: ctx.now, proceed: true, log: false }
    case "skipped":
      return { status: "skipped", last_error: outcome.reason, next_attempt_at: null, completed_at: ctx.now, proceed: true, log: false }
    case "needs_action":
      return { status: "needs_action", last_error: outcome.reason.slice(0, 2000), next_attempt_at: null, proceed: false, log: true }
    case "retry":
      return retryOrGiveUp(outcome.reason.slice(0, 2000), false, ctx)
    case "wait":
      return {
        status: "pending",
        last_error: outcome.reason.slice(0, 2000),
        // Looked at again after holdWatchDelayMs; a hold that ends through its callback or the reconciliation makes
        // the row due at once (settle-payment.ts), so the payment is still mirrored within one job interval.
        next_attempt_at: new Date(ctx.now.getTime() + holdWatchDelayMs(ctx.attempts)),
        proceed: false,
        log: false,
      }
    case "behind":
      // Due at once: the rows it is behind sort before it, so no pass reaches it again before they are finished.
      return { status: "pending", last_error: outcome.reason.slice(0, 2000), next_attempt_at: null, proceed: false, log: false, relist: true }
  }
}

/** The hold watch's looks at the job's interval before they space out. */
export const HOLD_WATCH_STEADY_LOOKS = 10
/** The longest wait between two looks at a hold. */
export const HOLD_WATCH_MAX_DELAY_MS = 15 * 60_000

/**
 * When an operation waiting for a payment on hold looks at the transaction again (one GET per look): at the job's
 * interval for the first HOLD_WATCH_STEADY_LOOKS looks (a hold that ends in minutes is mirrored as soon as before),
 * then twice as long after each look, up to 15 minutes. Holds can last days (a payment under manual review), and the
 * watch is only the fallback for a hold whose callbacks were all lost: the callback, and the reconciliation within
 * its lookback, settle the end of a hold and make the row due at once. Without the spacing a store with many held
 * orders would ask Dintero once a minute for each of them for as long as they are held.
 */
export function holdWatchDelayMs(looks: number, intervalMs: number = ordersRetryIntervalMs()): number {
  const beyond = Math.max(0, looks - HOLD_WATCH_STEADY_LOOKS)
  // 2^beyond overflows nothing before the cap is reached (beyond is capped at 30 doublings).
  return Math.max(intervalMs, Math.min(HOLD_WATCH_MAX_DELAY_MS, intervalMs * 2 ** Math.min(beyond, 30)))
}

export function classifyError(e: unknown, ctx: AttemptContext): AttemptResult {
  // Data the mirror cannot place: no retry helps, the merchant must act (docs/orders-mirror.md, "Failures").
  if (e instanceof OrdersMappingError) return classifyOutcome(needsAction(describeError(e)), ctx)
  return retryOrGiveUp(describeError(e), isPermanentDinteroError(e), ctx)
}

function retryOrGiveUp(message: string, permanent: boolean, ctx: AttemptContext): AttemptResult {
  const failed = permanent || ctx.attempts >= ctx.maxAttempts
  return {
    status: failed ? "failed" : "pending",
    last_error: message,
    next_attempt_at: failed ? null : new Date(ctx.now.getTime() + nextAttemptDelayMs(ctx.attempts, ctx.random)),
    proceed: false,
    log: true,
  }
}

/** The row's last_error: what Dintero answered (code and message, never a secret), at most 2000 characters. */
export function describeError(e: unknown): string {
  if (e instanceof DinteroError) {
    const detail = e.dinteroMessage ? `${e.code ? `[${e.code}] ` : ""}${e.dinteroMessage}` : e.message
    return `Dintero ${e.method} ${e.path}${e.status ? ` answered ${e.status}` : ` failed (${e.kind})`}: ${detail}`.slice(0, 2000)
  }
  return messageOf(e).slice(0, 2000)
}
