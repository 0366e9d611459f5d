/**
 * Coordination for order edits on authorized, uncaptured Dintero payments (Medusa issue #14984).
 *
 * Confirming an order edit makes Medusa cancel the order's authorized payment and open a new payment collection for
 * the full new total. Voiding at Dintero would release the shopper's money and make them pay again. Instead:
 *   1. a middleware on the confirm route marks the order's Dintero transactions as kept for the duration of that
 *      request;
 *   2. the provider's cancelPayment then leaves a kept transaction authorized at Dintero and notes it on the payment
 *      data (`kept_for_order_id`); Medusa still cancels its own payment record;
 *   3. after the edit, a workflow grants the new payment collection the reuse of that transaction, and the
 *      provider's initiatePayment honours the grant.
 * Marks and grants live for the seconds between these steps, so nothing a storefront sends can create one. They are
 * keyed by Dintero transaction id and Medusa payment collection id.
 *
 * Why memory is enough today, and what it assumes: a mark is made and read within the one confirm request (the
 * middleware, then Medusa's cancel inside that request's workflow), and a grant is made and taken within the one
 * workflow step that creates the new payment session right after granting. If either pair ever ran in two processes
 * (e.g. a workflow step moved to the worker), the mark or grant would be missed and Medusa's default would apply
 * (void, pay again). Everything goes through `KeptAuthorizations`, so a database-backed store can replace
 * `keptAuthorizations` without touching its users.
 */

export interface ReuseGrant {
  transactionId: string
  /** Amount of the new payment that reuses the transaction, minor units. */
  amount: number
}

export interface KeptAuthorizations {
  /** Marks a transaction as kept for an order edit being confirmed. */
  keep(transactionId: string, orderId: string): Promise<void>
  /** The order an authorization is being kept for, if any. */
  keptFor(transactionId: string): Promise<string | undefined>
  /** Ends the keeping of an order's transactions (when the confirm request is over). */
  release(orderId: string): Promise<void>
  /** Lets the next Dintero payment session of this collection reuse the transaction for `amount`. */
  grantReuse(paymentCollectionId: string, transactionId: string, amount: number): Promise<void>
  /** The collection's grant, if any; taken once. */
  takeReuse(paymentCollectionId: string): Promise<ReuseGrant | undefined>
}

const KEEP_MS = 120_000

/** Marks and grants in this process's memory, each for KEEP_MS after it was made. `now` is injectable for tests. */
export function inProcessKeptAuthorizations(now: () => number = Date.now): KeptAuthorizations {
  const kept = new Map<string, { orderId: string; until: number }>()
  const reuses = new Map<string, ReuseGrant & { until: number }>()
  const sweep = () => {
    const t = now()
    for (const [k, v] of kept) if (v.until < t) kept.delete(k)
    for (const [k, v] of reuses) if (v.until < t) reuses.delete(k)
  }
  return {
    async keep(transactionId, orderId) {
      sweep()
      kept.set(transactionId, { orderId, until: now() + KEEP_MS })
    },
    async keptFor(transactionId) {
      sweep()
      return kept.get(transactionId)?.orderId
    },
    async release(orderId) {
      for (const [k, v] of kept) if (v.orderId === orderId) kept.delete(k)
    },
    async grantReuse(paymentCollectionId, transactionId, amount) {
      sweep()
      reuses.set(paymentCollectionId, { transactionId, amount, until: now() + KEEP_MS })
    },
    async takeReuse(paymentCollectionId) {
      sweep()
      const grant = reuses.get(paymentCollectionId)
      reuses.delete(paymentCollectionId)
      return grant ? { transactionId: grant.transactionId, amount: grant.amount } : undefined
    },
  }
}

/** The store every part of the plugin uses (in this process's memory today; see above). */
export const keptAuthorizations: KeptAuthorizations = inProcessKeptAuthorizations()

// The names the confirm-route middleware and the move-kept-authorization workflow step import. The in-process store
// applies each change before its promise is returned, so callers that do not await still see it done.
export const keepAuthorization = (transactionId: string, orderId: string) => keptAuthorizations.keep(transactionId, orderId)
export const releaseKeptAuthorizations = (orderId: string) => keptAuthorizations.release(orderId)
export const grantReuse = (paymentCollectionId: string, transactionId: string, amount: number) =>
  keptAuthorizations.grantReuse(paymentCollectionId, transactionId, amount)
