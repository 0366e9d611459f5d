/**
 * Pure decisions of the reconciliation: which outbox identities are missing, and what to do with each Dintero
 * transaction of a cart given the Medusa payment sessions that own (or do not own) it.
 */
import type { TransactionStatus } from "../../dintero/contract/transactions"
import { holdsMoney } from "../../mapping/status"

/** The candidates whose identity is not in the outbox yet (each identity once). */
export function missingIdentities<T extends { identity: string }>(candidates: T[], existing: Iterable<string>): T[] {
  const known = new Set(existing)
  const out: T[] = []
  for (const c of candidates) {
    if (known.has(c.identity)) continue
    known.add(c.identity)
    out.push(c)
  }
  return out
}

export interface SessionView {
  /** Medusa payment session id (payses_…). */
  id: string
  status: string
  dintero_session_id?: string
  amount: unknown
  /** The Dintero transaction whose decline this session records (settle-payment.ts, recordDecline), if any. */
  declined_transaction_id?: string
}

export interface TransactionView {
  id: string
  session_id?: string | null
  status: TransactionStatus | string
}

export type TransactionAction =
  /** Medusa's session is still open while Dintero holds the money: authorize it (and complete the cart). */
  | { kind: "settle_authorized"; session: SessionView; transaction: TransactionView }
  /** ON_HOLD: the order is created with the payment awaiting, as the ON_HOLD callback does. */
  | { kind: "settle_on_hold"; session: SessionView; transaction: TransactionView }
  /** Declined / failed at Dintero while Medusa still shows the session open. */
  | { kind: "settle_failed"; session: SessionView; transaction: TransactionView }
  /** Money held by a Dintero session no Medusa session owns. */
  | { kind: "orphan"; transaction: TransactionView }

const ENDED_WITHOUT_MONEY = new Set(["DECLINED", "FAILED", "AUTHORIZATION_VOIDED"])
/**
 * Medusa session statuses the callback road still has work for. `pending_authorization` is a payment Medusa placed
 * the order for while Dintero held it ON_HOLD: once the hold has ended (authorized, or failed) with its callbacks
 * lost, the order would wait for ever.
 */
export const OPEN_SESSION_STATUSES: ReadonlySet<string> = new Set(["pending", "requires_more", "error", "pending_authorization"])

/**
 * What each of a cart's transactions needs. A transaction whose session is owned by a settled Medusa session
 * (authorized, captured, canceled) needs nothing once the cart is an order; an authorized session of a cart that is
 * no order (a completion cut off half-way) is settled again, which completes the cart. An owned session in `error`
 * is settled again only when Dintero holds money for it (a decline followed by a successful retry on the same page).
 */
export function transactionActions(
  sessions: SessionView[],
  transactions: TransactionView[],
  cart: { has_order: boolean } = { has_order: true }
): TransactionAction[] {
  const owner = new Map(sessions.filter((s) => s.dintero_session_id).map((s) => [s.dintero_session_id!, s]))
  const actions: TransactionAction[] = []
  for (const tx of transactions) {
    const session = tx.session_id ? owner.get(tx.session_id) : undefined
    if (!session) {
      if (holdsMoney(tx.status) || tx.status === "ON_HOLD") actions.push({ kind: "orphan", transaction: tx })
      continue
    }
    const completionCutOff = !cart.has_order && (session.status === "authorized" || session.status === "captured")
    if (!OPEN_SESSION_STATUSES.has(session.status) && !completionCutOff) continue
    // Still on hold, and already recorded so: nothing new to settle.
    if (tx.status === "ON_HOLD" && session.status === "pending_authorization") continue
    if (holdsMoney(tx.status)) actions.push({ kind: "settle_authorized", session, transaction: tx })
    else if (tx.status === "ON_HOLD") actions.push({ kind: "settle_on_hold", session, transaction: tx })
    else if (ENDED_WITHOUT_MONEY.has(tx.status) && session.status !== "error" && !session.declined_transaction_id) {
      // A decline already recorded on a cart without an order leaves the session `pending` on purpose (the shopper
      // may pay again on the same page): it is settled, not settled again on every run (nor flipped between two
      // declined attempts of the same page).
      actions.push({ kind: "settle_failed", session, transaction: tx })
    }
  }
  return actions
}
