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
 * Grants live only in this process and only for the seconds between these steps, so nothing a storefront sends can
 * create one. They are keyed by Dintero transaction id and Medusa payment collection id.
 */

const KEEP_MS = 120_000

interface Kept {
  orderId: string
  until: number
}

interface Reuse {
  transactionId: string
  /** Amount of the new payment that reuses the transaction, minor units. */
  amount: number
  until: number
}

const kept = new Map<string, Kept>()
const reuses = new Map<string, Reuse>()

function sweep(now = Date.now()) {
  for (const [k, v] of kept) if (v.until < now) kept.delete(k)
  for (const [k, v] of reuses) if (v.until < now) reuses.delete(k)
}

export function keepAuthorization(transactionId: string, orderId: string): void {
  sweep()
  kept.set(transactionId, { orderId, until: Date.now() + KEEP_MS })
}

/** The order an authorization is being kept for, if any. */
export function keptFor(transactionId: string): string | undefined {
  sweep()
  return kept.get(transactionId)?.orderId
}

/** Ends the keeping (when the confirm request is over). */
export function releaseKeptAuthorizations(orderId: string): void {
  for (const [k, v] of kept) if (v.orderId === orderId) kept.delete(k)
}

/** Lets the next Dintero payment session of this collection reuse the transaction for `amount`. */
export function grantReuse(paymentCollectionId: string, transactionId: string, amount: number): void {
  sweep()
  reuses.set(paymentCollectionId, { transactionId, amount, until: Date.now() + KEEP_MS })
}

export function takeReuse(paymentCollectionId: string): Omit<Reuse, "until"> | undefined {
  sweep()
  const grant = reuses.get(paymentCollectionId)
  reuses.delete(paymentCollectionId)
  return grant ? { transactionId: grant.transactionId, amount: grant.amount } : undefined
}
