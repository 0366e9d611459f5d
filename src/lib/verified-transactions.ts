import type { Transaction } from "../dintero"

/**
 * A cache, and only a cache: the transaction a callback has just re-read and verified, for the authorization Medusa
 * runs right after in the same request (processPaymentWorkflow -> authorizePayment). It spares that authorization
 * one Dintero read. Losing it (another process, a restart, the 15 s expiry) changes nothing but speed:
 * authorizePayment then reads the same transaction from Dintero (see verified-transactions.unit.spec.ts).
 * Entries are short-lived, so a stale status is never trusted for long, and taken once.
 */
export interface VerifiedTransactions {
  remember(tx: Transaction): void
  /** The transaction verified for this Dintero session, if still fresh; removed on the way out. */
  take(dinteroSessionId: string): Transaction | undefined
}

const VERIFIED_TTL_MS = 15_000

export function inProcessVerifiedTransactions(now: () => number = Date.now): VerifiedTransactions {
  const verified = new Map<string, { tx: Transaction; until: number }>()
  return {
    remember(tx) {
      const t = now()
      for (const [key, entry] of verified) if (entry.until < t) verified.delete(key)
      if (tx.session_id) verified.set(tx.session_id, { tx, until: t + VERIFIED_TTL_MS })
    },
    take(dinteroSessionId) {
      const entry = verified.get(dinteroSessionId)
      verified.delete(dinteroSessionId)
      return entry && entry.until >= now() ? entry.tx : undefined
    },
  }
}

/** The process's cache, shared by the callback (which fills it) and authorizePayment (which empties it). */
export const verifiedTransactions: VerifiedTransactions = inProcessVerifiedTransactions()
