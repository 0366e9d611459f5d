import { container as appContainer } from "@medusajs/framework"
import { DINTERO_PAYMENTS_MODULE } from "./module-name"
import type { KeptReleaseReason } from "../../mapping/kept-move"
import type { ReleaseRecord } from "./service"

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
 *      provider's initiatePayment honours the grant (once);
 *   4. a kept authorization the edited order does not need at all (its other kept authorizations cover the new
 *      total) is released: the decision is written first, then the plugin voids it and marks the release done
 *      (src/workflows/lib/release-kept-authorization.ts); the reconciliation carries out a decision left pending.
 * Marks and grants live in the database (module dintero-payments) for KEEP_MS after they were made: the confirm
 * request runs on a server while the workflow step and the provider call that read them may run in another process
 * (a worker, a retried or resumed step). Nothing a storefront sends can create one. An expired one is ignored; a
 * reuse grant is taken by one atomic update, so two processes cannot both take it.
 */

export interface ReuseGrant {
  transactionId: string
  /** Amount of the new payment that reuses the transaction, minor units. */
  amount: number
}

export type { ReleaseRecord }

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
  /** Records (once) that the order no longer needs the transaction's kept authorization, `amount` held, and why. */
  decideRelease(transactionId: string, orderId: string, amount: number, reason?: KeptReleaseReason): Promise<void>
  /**
   * The orders with keep marks from id `fromId` on (ids are time-ordered) that are over now (released by the end of
   * the confirm request, or expired): the order edits whose move has had its chance (the reconciliation's candidates).
   */
  keptOrdersFrom(fromId: string): Promise<string[]>
  /** Release decisions: of these transactions, of one order, or all not carried out yet. */
  releases(filter: { transactionIds?: string[]; orderId?: string; pending?: boolean }): Promise<ReleaseRecord[]>
  /** The release is carried out. */
  finishRelease(transactionId: string): Promise<void>
}

/** The records the store reads and writes (DinteroPaymentsService). */
export interface GrantRecords {
  keepAuthorization(transactionId: string, orderId: string, expiresAt: Date): Promise<void>
  keptFor(transactionId: string, now: Date): Promise<string | undefined>
  releaseKept(orderId: string, now: Date): Promise<void>
  grantReuse(paymentCollectionId: string, transactionId: string, amount: number, now: Date, expiresAt: Date): Promise<void>
  takeReuse(paymentCollectionId: string, now: Date): Promise<ReuseGrant | undefined>
  decideRelease(transactionId: string, orderId: string, amount: number, now: Date, reason?: KeptReleaseReason): Promise<void>
  listReleases(filter: { transactionIds?: string[]; orderId?: string; pending?: boolean }): Promise<ReleaseRecord[]>
  keptOrdersFrom(fromId: string, now: Date): Promise<string[]>
  finishRelease(transactionId: string, now: Date): Promise<void>
}

export const KEEP_MS = 120_000

/** Something that resolves registrations: a Medusa container, a request's scope. */
interface Resolver {
  resolve(key: string): unknown
}

/**
 * This module's service in `container`, resolved at each use, or null where the module is not loaded (e.g. the
 * payment module alone in a module test).
 */
function grantRecordsIn(container: Resolver): () => GrantRecords | null {
  return () => {
    try {
      return container.resolve(DINTERO_PAYMENTS_MODULE) as GrantRecords
    } catch {
      return null
    }
  }
}

/**
 * Marks and grants in the database; `records` and the clock `now` are injectable for tests. Without the module
 * nothing can have been written, so reads find nothing and writes fail with a message saying what to load.
 */
export function databaseKeptAuthorizations(
  records: () => GrantRecords | null,
  now: () => number = Date.now
): KeptAuthorizations {
  const at = () => new Date(now())
  const until = () => new Date(now() + KEEP_MS)
  const writer = (): GrantRecords => {
    const r = records()
    if (!r) {
      throw new Error(
        `The ${DINTERO_PAYMENTS_MODULE} module is not loaded, so order edits cannot keep Dintero authorizations: load the plugin (plugins: ["medusa-payment-dintero"]) or register medusa-payment-dintero/modules/dintero-payments`
      )
    }
    return r
  }
  return {
    keep: async (transactionId, orderId) => await writer().keepAuthorization(transactionId, orderId, until()),
    keptFor: async (transactionId) => await records()?.keptFor(transactionId, at()),
    release: async (orderId) => await records()?.releaseKept(orderId, at()),
    grantReuse: async (paymentCollectionId, transactionId, amount) => {
      if (!Number.isSafeInteger(amount) || amount <= 0) {
        throw new Error(`A reuse grant needs a positive amount in minor units, got ${amount}`)
      }
      await writer().grantReuse(paymentCollectionId, transactionId, amount, at(), until())
    },
    takeReuse: async (paymentCollectionId) => await records()?.takeReuse(paymentCollectionId, at()),
    decideRelease: async (transactionId, orderId, amount, reason) => {
      if (!Number.isSafeInteger(amount) || amount < 0) {
        throw new Error(`A release needs the held amount in minor units, got ${amount}`)
      }
      await writer().decideRelease(transactionId, orderId, amount, at(), reason)
    },
    releases: async (filter) => (await records()?.listReleases(filter)) ?? [],
    keptOrdersFrom: async (fromId) => (await records()?.keptOrdersFrom(fromId, at())) ?? [],
    finishRelease: async (transactionId) => await writer().finishRelease(transactionId, at()),
  }
}

/**
 * The marks and grants as seen from `container` (a workflow's container, a request's scope). Each call returns once
 * the record is written: await it before the step that reads it.
 */
export function keptAuthorizationsIn(container: Resolver): KeptAuthorizations {
  return databaseKeptAuthorizations(grantRecordsIn(container))
}

/**
 * The same, for the payment provider: its own container is the payment module's, which does not hold this module,
 * so it reads them through the application's container.
 */
export const appKeptAuthorizations: KeptAuthorizations = keptAuthorizationsIn(appContainer)
