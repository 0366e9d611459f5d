// The embedded Dintero checkout the shopper has open on the review step, for cart changes made elsewhere on the
// checkout page (the summary's promotion code). Dintero's road for a change while its embedded page is open (Web SDK
// lockSession() / refreshSession(); docs.dintero.com "updating the session"): the page locks the session, so nobody
// pays the old amount meanwhile; the cart changes; the plugin updates that Dintero session; the page refreshes. When
// Dintero refused the update, the plugin made a new session and the review step mounts that one instead.
import type { DinteroCheckoutInstance } from "@dintero/checkout-web-sdk"
import { continueDinteroSession } from "./actions"

type Open = { sid: string; checkout: DinteroCheckoutInstance }
let open: Open | undefined

/** Called by the review step's component when its checkout is mounted; the returned function forgets it. */
export function registerOpenDinteroCheckout(sid: string, checkout: DinteroCheckoutInstance): () => void {
  const entry = { sid, checkout }
  open = entry
  return () => {
    if (open === entry) open = undefined
  }
}

/** Runs a cart change; with the Dintero checkout open, inside lock → change → update → refresh. */
export async function withDinteroLock<T>(change: () => Promise<T>): Promise<T> {
  const current = open
  if (!current) return await change()
  try {
    await current.checkout.lockSession()
  } catch {
    throw new Error("The payment is in progress: the cart cannot change now.")
  }
  try {
    return await change()
  } finally {
    // Also after a failed change: the lock must not outlive it.
    const sid = await continueDinteroSession(current.sid)
    if (sid === current.sid && open === current) await current.checkout.refreshSession()
  }
}
