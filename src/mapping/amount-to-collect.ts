/**
 * What an order edit's new payment collection must still ask the shopper for, once the money the order's Dintero
 * authorizations already hold is counted (issue 9, "every payment ends right").
 *
 * Medusa 2.21 opens that collection for total − (captured − refunded): an authorization that is partly captured
 * (not cancelled by Medusa: the plugin refuses to void a part-captured rest) is counted only for what it captured.
 * Its uncaptured rest is still the shopper's money held for this order, and the merchant can still capture it; a
 * payment link for the collection's whole amount would ask the shopper for that rest a second time. So the link asks
 * only for what no authorization of the order can still capture. Pure; integer minor units throughout.
 */
import { isCapturable } from "../dintero/transactions"
import type { Transaction } from "../dintero/types"
import { assertMinor } from "./money"

/** One live (not cancelled) Dintero payment of the order outside the new collection, as both sides see it. */
export interface HeldAuthorization {
  /** What Medusa lets the merchant still capture on the payment: its amount less its captures. */
  medusa_remaining: number
  /** The Checkout transaction: its status, its authorized amount and what Dintero captured on it. */
  status: Transaction["status"]
  amount: number
  captured: number
}

/**
 * What the payment can still capture for the order: nothing once Checkout takes no capture (captured in full, a
 * final capture released the rest, voided, refunded while partly captured: PARTIALLY_CAPTURED_REFUNDED, on which
 * the plugin captures nothing more, docs/orders-mirror.md "Capture after a part refund"); else the smaller of Checkout's
 * uncaptured rest and Medusa's (the merchant captures through Medusa, Dintero captures no more than it holds).
 */
export function capturableRest(held: HeldAuthorization): number {
  for (const [value, what] of [[held.medusa_remaining, "Medusa's remaining amount"], [held.amount, "the authorized amount"], [held.captured, "the captured amount"]] as const) {
    assertMinor(value, what)
  }
  if (!isCapturable(held)) return 0
  return Math.max(0, Math.min(held.medusa_remaining, held.amount - held.captured))
}

export interface AmountToCollect {
  /** Minor units the new collection asks of the shopper: reused + link. */
  collection: number
  /** Of `due`, what the held authorizations' rests still capture (the merchant captures it there). */
  covered: number
  /** What the payment link asks for (0: no link). */
  link: number
}

/**
 * Splits Medusa's outstanding amount `due`: first what a kept authorization moved into the new collection reuses
 * (`reused`, already decided), then what the other authorizations' capturable rests still cover, and only the rest
 * goes to the payment link. The collection keeps the reused part and the link (what the shopper pays through it).
 */
export function amountToCollect(due: number, reused: number, held: readonly HeldAuthorization[]): AmountToCollect {
  assertMinor(due, "the outstanding amount")
  assertMinor(reused, "the reused amount")
  if (due < 0 || reused < 0 || reused > due) throw new Error(`The reused amount ${reused} does not fit in the outstanding amount ${due}`)
  const rests = held.reduce((sum, h) => sum + capturableRest(h), 0)
  const covered = Math.min(due - reused, rests)
  const link = due - reused - covered
  return { collection: reused + link, covered, link }
}

/**
 * How much of Medusa's outstanding amount `due` each kept authorization reuses, in the order given (the oldest
 * first): each takes what it holds, up to what is still due. An order edited twice before capture can keep two
 * authorizations (the first payment and the payment link of the first edit); all of them count before a new link is
 * asked for (issue 9, ledger property seed 1234 path 63: only the first was reused, and the shopper was sent a second
 * link while the first link's money was still held). A kept authorization that gets 0 is not needed by the order.
 */
export function reuseKept(due: number, held: readonly number[]): number[] {
  assertMinor(due, "the outstanding amount")
  let left = Math.max(0, due)
  return held.map((h) => {
    assertMinor(h, "the kept authorization's held amount")
    const reused = Math.min(left, Math.max(0, h))
    left -= reused
    return reused
  })
}
