/**
 * Where an order edit's kept authorizations go (issue 9: money Dintero holds ends as one Medusa order's, or is
 * released with the reason recorded). The one decision both the order edit's move
 * (src/workflows/steps/move-kept-authorization.ts) and the reconciliation (a move a dead process left undone,
 * src/workflows/reconcile/reconcile.ts) carry out, through src/workflows/lib/move-kept-authorization.ts. Pure;
 * integer minor units throughout.
 */
import { amountToCollect, reuseKept, type AmountToCollect, type HeldAuthorization } from "./amount-to-collect"
import { unneededKept } from "./kept-release"
import { assertMinor } from "./money"

/** Payment methods whose authorized amount Dintero can raise after authorization (seed 004). */
export const UPDATABLE_AUTHORIZATION: ReadonlySet<string> = new Set(["klarna.klarna", "klarna.billie"])

/** A kept authorization's Checkout transaction as Dintero reports it now. */
export interface KeptTransaction {
  transaction_id: string
  status: string
  amount: number
  captured: number
  payment_product_type?: string | null
}

/**
 * Why a kept authorization is released (stored with the decision, said in the notice):
 * - `covered`: the order's other kept authorizations cover its new total;
 * - `no_open_collection`: the order has no unpaid payment collection to move it to (Medusa opened none, or it was
 *   paid or cancelled otherwise since), so it backs no money the order still asks for;
 * - `order_needs_nothing`: not a kept one but a live authorization nothing was captured on, of an order an edit left
 *   owing nothing (Medusa's outstanding amount at or below 0, e.g. an edit below the gift card: Medusa opens no
 *   collection and cancels nothing), see unneededLive (./kept-release.ts).
 */
export type KeptReleaseReason = "covered" | "no_open_collection" | "order_needs_nothing"

export interface KeptMovePlan {
  /** Kept authorizations that cannot be moved (not AUTHORIZED): left at Dintero, the merchant told why. */
  problems: { transaction_id: string; problem: string; next?: string }[]
  /**
   * Raise this authorization at Dintero to `to` first (Klarna/Billie), then plan again with the raised transaction
   * (`raised: true`). Nothing else is decided until then.
   */
  raise?: { transaction_id: string; from: number; to: number }
  /** Voided, with the reason in a notice (the decision is recorded before anything else moves). */
  release: { transaction_id: string; held: number; reason: KeptReleaseReason }[]
  /** Payments of the open collection that take the authorization over, oldest first. */
  reuse: { transaction_id: string; amount: number }[]
  /** What the open collection asks of the shopper, what other authorizations cover, and the payment link. */
  split?: AmountToCollect
}

/**
 * The move of an order's kept authorizations (oldest first) onto the collection Medusa opened for the edited order,
 * `due` minor units (null: no such collection is open). `others`: the order's live authorizations outside it.
 *   - within what the kept ones hold: each reuses what it holds up to what is still due (reuseKept), and one that
 *     gets nothing is released (`covered`);
 *   - higher, one Klarna/Billie authorization alone and nothing covered elsewhere: raised to the new total first;
 *   - higher otherwise: the rest goes to a payment link, less what other authorizations still capture;
 *   - no open collection: every one still held is released (`no_open_collection`).
 */
export function planKeptMove(input: { due: number | null; kept: readonly KeptTransaction[]; others: readonly HeldAuthorization[]; raised?: boolean }): KeptMovePlan {
  const problems: KeptMovePlan["problems"] = []
  const usable: { transaction_id: string; held: number; payment_product_type?: string | null }[] = []
  for (const tx of input.kept) {
    assertMinor(tx.amount, "the authorized amount")
    assertMinor(tx.captured, "the captured amount")
    if (tx.status !== "AUTHORIZED") {
      // Captured in part outside Medusa (a kept authorization has no capture when it is kept): not voided either.
      problems.push({
        transaction_id: tx.transaction_id,
        problem: `the transaction is ${tx.status}, not AUTHORIZED`,
        ...(tx.status === "PARTIALLY_CAPTURED" && {
          next: "Its uncaptured rest stays authorized at Dintero and the plugin does not void it: Dintero cannot void the rest of a partly captured card authorization (only a final capture releases it). Capture the rest from Dintero Backoffice with a final capture, or let the authorization expire.",
        }),
      })
      continue
    }
    usable.push({ transaction_id: tx.transaction_id, held: tx.amount - tx.captured, payment_product_type: tx.payment_product_type })
  }
  const first = usable[0]
  // None can be moved: the collection is left as Medusa opened it, and the problems say why.
  if (!first) return { problems, release: [], reuse: [] }
  if (input.due === null) {
    return { problems, release: usable.map((u) => ({ transaction_id: u.transaction_id, held: u.held, reason: "no_open_collection" as const })), reuse: [] }
  }
  const due = input.due
  assertMinor(due, "the outstanding amount")
  const alone = amountToCollect(due, Math.min(due, first.held), input.others)
  // Raised only when one kept authorization alone would carry the order and nothing else covers part of the
  // difference: the raised authorization carries the edited order's lines, which add up to the order's outstanding
  // amount, not to a part of it.
  if (!input.raised && usable.length === 1 && alone.link > 0 && alone.covered === 0 && first.payment_product_type && UPDATABLE_AUTHORIZATION.has(first.payment_product_type)) {
    return { problems, raise: { transaction_id: first.transaction_id, from: first.held, to: due }, release: [], reuse: [] }
  }
  const reuses = reuseKept(due, usable.map((u) => u.held))
  const unneeded = new Set(unneededKept(usable.map((u) => u.transaction_id), reuses))
  return {
    problems,
    release: usable.filter((u) => unneeded.has(u.transaction_id)).map((u) => ({ transaction_id: u.transaction_id, held: u.held, reason: "covered" as const })),
    reuse: usable.map((u, i) => ({ transaction_id: u.transaction_id, amount: reuses[i]! })).filter((r) => r.amount > 0),
    split: amountToCollect(due, reuses.reduce((sum, r) => sum + r, 0), input.others),
  }
}
