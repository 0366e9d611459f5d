/**
 * How one run of an operation ended, as the handler decides it (no exceptions for control flow). An exception that
 * escapes a handler is an unexpected failure (a Dintero error, a lost connection) and is classified as such.
 */
export type Outcome =
  /** Everything the operation had to record is recorded; `note` is shown to the merchant. */
  | { status: "done"; note?: string }
  /** Nothing to send (e.g. an order not paid with Dintero). */
  | { status: "skipped"; reason: string }
  /** The merchant must act (or the data cannot be mirrored as is); retried only from the admin. */
  | { status: "needs_action"; reason: string }
  /** Not possible yet (e.g. the Dintero order does not exist yet); retried with backoff. */
  | { status: "retry"; reason: string }
  /**
   * Waiting for something outside the mirror that may take days (a payment on hold): retried with backoff, and
   * never given up as failed for the number of attempts.
   */
  | { status: "wait"; reason: string }
  /**
   * Behind operations of the order that sort before it and were not there when the pass listed the rows (it enqueued
   * them itself: an order edit Medusa confirmed before the payment being authorized). Stays pending with no backoff;
   * the pass lists the order's rows again, so those run first and this one after them.
   */
  | { status: "behind"; reason: string }

export const done = (note?: string): Outcome => ({ status: "done", ...(note !== undefined && { note }) })
export const skipped = (reason: string): Outcome => ({ status: "skipped", reason })
export const needsAction = (reason: string): Outcome => ({ status: "needs_action", reason })
export const retryLater = (reason: string): Outcome => ({ status: "retry", reason })
export const waitFor = (reason: string): Outcome => ({ status: "wait", reason })
export const behind = (reason: string): Outcome => ({ status: "behind", reason })

/** The Dintero order is created by the order_placed operation; the others wait for it. */
export const WAITING_FOR_DINTERO_ORDER = retryLater("waiting for the order to be created in Dintero")
