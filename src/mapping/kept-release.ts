/**
 * What becomes of a kept authorization an edited order no longer needs (issue 9: money Dintero holds ends as one
 * Medusa order's, or is released with the reason recorded). Pure; integer minor units throughout.
 *
 * The order edit's move (src/workflows/steps/move-kept-authorization.ts) reuses the order's kept authorizations
 * oldest first, each up to what is still due (reuseKept, ./amount-to-collect.ts); one that gets nothing backs no
 * money the order needs, so it is released. Whether it can be voided is Dintero's transaction's to say.
 */
import type { TransactionStatus } from "../dintero/contract/transactions"
import { assertMinor } from "./money"

/** The kept authorizations the order does not need: those reuseKept gave nothing (same order as `transactionIds`). */
export function unneededKept(transactionIds: readonly string[], reuses: readonly number[]): string[] {
  if (transactionIds.length !== reuses.length) {
    throw new Error(`${transactionIds.length} kept authorizations but ${reuses.length} reuse amounts`)
  }
  return transactionIds.filter((_, i) => {
    assertMinor(reuses[i]!, "the reused amount")
    return reuses[i] === 0
  })
}

export type ReleaseOutcome =
  /** Held and nothing captured: void it. */
  | { kind: "void" }
  /** Already voided (an earlier attempt, Dintero Backoffice): nothing to send. */
  | { kind: "voided_already" }
  /** A live Medusa payment of the order names it: it backs money the order needs; never voided. */
  | { kind: "in_use"; reason: string }
  /** Money was captured on it since (Backoffice): a void cannot release it. */
  | { kind: "not_voidable"; reason: string }
  /** It holds nothing (declined, failed): nothing to release. */
  | { kind: "nothing_held"; reason: string }

/**
 * What to do with a release decision, given the transaction as Dintero reports it now and the live Medusa payments
 * that name it (none, when the decision still holds).
 */
export function releaseOutcome(input: { status: TransactionStatus | string; captured: number; inUseBy: readonly string[] }): ReleaseOutcome {
  assertMinor(input.captured, "the captured amount")
  if (input.inUseBy.length > 0) {
    return {
      kind: "in_use",
      reason: `payment ${input.inUseBy.join(", ")} of the order uses it again, so it backs money the order needs and stays authorized.`,
    }
  }
  switch (input.status) {
    case "AUTHORIZATION_VOIDED":
      return { kind: "voided_already" }
    case "AUTHORIZED":
      if (input.captured === 0) return { kind: "void" }
      return partlyCaptured(input.status)
    case "PARTIALLY_CAPTURED":
      return partlyCaptured(input.status)
    case "CAPTURED":
    case "PARTIALLY_REFUNDED":
    case "REFUNDED":
    case "PARTIALLY_CAPTURED_REFUNDED":
      return {
        kind: "not_voidable",
        reason: `it is ${input.status} at Dintero (money was captured on it outside Medusa), so a void cannot release it: refund it from Dintero Backoffice if the shopper should not pay it.`,
      }
    default:
      return { kind: "nothing_held", reason: `it is ${input.status} at Dintero and holds no money.` }
  }
}

/**
 * A part capture made outside Medusa (a kept authorization has none when it is kept): Dintero voids the uncaptured
 * rest of a card authorization only through its final capture, so the plugin leaves it (docs/orders-mirror.md,
 * "Partly captured payments are not kept").
 */
function partlyCaptured(status: string) {
  return {
    kind: "not_voidable" as const,
    reason: `it is ${status} at Dintero (captured in part outside Medusa), and Dintero cannot void the uncaptured rest of a partly captured card authorization: capture the rest from Dintero Backoffice with a final capture, or let the authorization expire.`,
  }
}

/** One live (not cancelled) Dintero payment of the order, as Medusa and the Checkout transaction see it. */
export interface LiveAuthorization {
  transaction_id: string
  /** What Medusa captured on the payment, minor units. */
  medusa_captured: number
  status: TransactionStatus | string
  amount: number
  captured: number
}

/**
 * After an order edit Medusa opened no payment collection for: the live authorizations the order needs nothing from.
 * Medusa's outstanding amount `pending` (total − (captured − refunded), minor units) at or below 0 means the order
 * asks nothing more of the shopper, so an authorization nothing was captured on backs no money it needs: it is
 * released (`order_needs_nothing`), `held` being what it holds. One with a capture is left alone (the rest of a part
 * capture is released only by a final capture, and what was paid beyond is Medusa's to refund); so is any while
 * something is still outstanding, and any that is not AUTHORIZED (nothing a void could release).
 */
export function unneededLive(pending: number, live: readonly LiveAuthorization[]): { transaction_id: string; held: number }[] {
  assertMinor(pending, "the outstanding amount")
  for (const a of live) {
    assertMinor(a.medusa_captured, "Medusa's captured amount")
    assertMinor(a.amount, "the authorized amount")
    assertMinor(a.captured, "the captured amount")
  }
  if (pending > 0) return []
  const seen = new Set<string>()
  return live
    .filter((a) => a.status === "AUTHORIZED" && a.captured === 0 && a.medusa_captured === 0)
    .filter((a) => !seen.has(a.transaction_id) && seen.add(a.transaction_id))
    .map((a) => ({ transaction_id: a.transaction_id, held: a.amount }))
}
