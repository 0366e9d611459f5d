import { MedusaError } from "@medusajs/framework/utils"
import { DinteroError, type SessionCreate, type SessionEvent } from "../../dintero"
import { isDinteroId } from "./callback"
import { callDintero, toMedusaError } from "./errors"
import { retrievePaymentSession } from "./medusa-records"
import { pickPaymentData, type DinteroPaymentData } from "./payment-data"
import { heldStatus, preferredTransaction } from "../../mapping/status"
import type { ProviderContext } from "./provider-context"

/**
 * Whether the shopper's page holds the session's pay lock: the Web SDK's lockSession() makes Dintero record
 * PAY_LOCK_START, and the update that releases it (`remove_lock`) PAY_LOCK_END (SPEC-TS SessionMeta event names;
 * DOCS:checkout/updating-session). Pure.
 */
export function lockedByPage(events: readonly Pick<SessionEvent, "name">[] | undefined): boolean {
  let locked = false
  for (const event of events ?? []) {
    if (event.name === "PAY_LOCK_START") locked = true
    else if (event.name === "PAY_LOCK_END") locked = false
  }
  return locked
}

/**
 * What a failed `PUT /sessions/{id}` means. Pure.
 * - "replace": Dintero will not update this session (not locked after the page was rendered, completed, cancelled,
 *   gone): the cart's new amount goes to a new session instead of leaving the shopper on the old one.
 * - "fail": anything else: our body broke the schema (field errors: a new session with the same lines would be
 *   refused too), our credentials or scopes (401/403), Dintero unreachable or throttled (retry later).
 * Dintero publishes no error code for "not locked" (the emulator answers SESSION_NOT_LOCKED), so the status decides.
 */
export function whenUpdateRefused(e: unknown): "replace" | "fail" {
  if (!(e instanceof DinteroError) || e.kind !== "http" || e.status === undefined) return "fail"
  if (e.errors?.length) return "fail"
  return [400, 404, 409, 410, 423].includes(e.status) ? "replace" : "fail"
}

/**
 * Brings an open Dintero session to the cart's new amount: the documented road for a page the shopper has open is
 * lockSession() in the browser → PUT here → refreshSession() in the browser. When Dintero refuses the update, the
 * session is replaced (cancelled, a new one created), never left on a stale amount, and never when it holds money.
 */
export class SessionUpdate {
  constructor(private readonly ctx: ProviderContext) {}

  /** `body` is the session Medusa's cart makes now (session-request.ts); `data` the payment's current data. */
  async apply(data: DinteroPaymentData, body: SessionCreate, amount: number, currency: string): Promise<DinteroPaymentData> {
    const checkout = this.ctx.client.checkout
    const sid = data.dintero_session_id
    let events: SessionEvent[] | undefined
    try {
      const session = await checkout.getSession(sid)
      if (session.cancelled_at) return await this.replace(data, body, amount, currency, "it is cancelled")
      events = session.events
    } catch (e) {
      if (e instanceof DinteroError && e.status === 404) return await this.replace(data, body, amount, currency, "it is gone")
      throw toMedusaError("read the Dintero session", e)
    }
    try {
      await checkout.updateSession(
        sid,
        { order: body.order, remove_lock: true },
        { lock: lockedByPage(events) ? "locked-by-page" : "not-rendered" }
      )
    } catch (e) {
      if (whenUpdateRefused(e) === "fail") throw toMedusaError("update the Dintero session", e)
      const why = e instanceof DinteroError ? `${e.status} ${e.code ?? ""} ${e.dinteroMessage ?? ""}`.trim() : String(e)
      return await this.replace(data, body, amount, currency, `Dintero refused the update (${why})`)
    }
    return pickPaymentData({ ...data, amount, currency, merchant_reference: body.order.merchant_reference })
  }

  /**
   * The payment data for the Dintero session a shopper's page locked before a cart change Medusa answered by
   * deleting the payment session (deletePayment keeps a locked session: checkout-session.ts). Nothing is taken on
   * trust: the session must be this cart's, and no other live payment session may hold it. Undefined when the session
   * is cancelled or gone: the caller then creates a new one as usual.
   */
  async continueLocked(
    dinteroSessionId: string,
    paymentSessionId: string,
    body: SessionCreate,
    amount: number,
    currency: string
  ): Promise<DinteroPaymentData | undefined> {
    const refuse = (why: string) =>
      new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cannot continue Dintero session ${dinteroSessionId}: ${why}`)
    if (!isDinteroId(dinteroSessionId)) throw refuse("not a Dintero session id")
    const checkout = this.ctx.client.checkout
    let found
    try {
      found = await checkout.getSession(dinteroSessionId)
    } catch (e) {
      if (e instanceof DinteroError && e.status === 404) return undefined
      throw toMedusaError("read the Dintero session", e)
    }
    if (found.order.merchant_reference !== body.order.merchant_reference) throw refuse("it is not for this cart")
    if (found.cancelled_at) return undefined
    const owner = found.metadata?.medusa_payment_session_id
    if (typeof owner === "string" && owner !== paymentSessionId && (await retrievePaymentSession(this.ctx.cradle, owner))) {
      throw refuse("another payment session still uses it")
    }
    const data: DinteroPaymentData = {
      session_id: paymentSessionId,
      dintero_session_id: dinteroSessionId,
      checkout_url: checkout.hostedPageUrl(dinteroSessionId),
      merchant_reference: found.order.merchant_reference,
      amount: found.order.amount,
      currency: found.order.currency.toUpperCase(),
      // cancel() accepts the session whose metadata names the first payment session.
      ...(typeof owner === "string" && owner !== paymentSessionId ? { adopted_from: owner } : {}),
    }
    return await this.apply(data, body, amount, currency)
  }

  /** Cancel + create, after making sure nobody has paid the old session (that money must become the order). */
  private async replace(
    data: DinteroPaymentData,
    body: SessionCreate,
    amount: number,
    currency: string,
    why: string
  ): Promise<DinteroPaymentData> {
    const checkout = this.ctx.client.checkout
    const sid = data.dintero_session_id
    const list = await callDintero("look up the Dintero transaction", () => checkout.listTransactions({ session_id: sid }))
    const paid = preferredTransaction(list.filter((t) => t.session_id === sid))
    if (paid && heldStatus(paid.status)) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Dintero session ${sid} cannot take the cart's new amount: it is already paid (transaction ${paid.id}, ${paid.status}). ` +
          `Complete the cart for the amount paid, or release that payment first.`
      )
    }
    try {
      await checkout.cancelSession(sid)
    } catch (e) {
      // Gone is as good as cancelled; anything else (e.g. paid meanwhile) stops here, before a second session exists.
      if (!(e instanceof DinteroError && e.status === 404)) throw toMedusaError("cancel the Dintero session before replacing it", e)
    }
    const created = await callDintero("create the Dintero session", () => checkout.createSession(body))
    this.ctx.logger?.info(`[dintero] session ${sid} not updated (${why}); replaced by ${created.id}`)
    const { declined_transaction_id: _d, dintero_status: _s, dintero_error: _e, adopted_from: _a, ...kept } = data
    return pickPaymentData({
      ...kept,
      dintero_session_id: created.id,
      checkout_url: created.url,
      merchant_reference: body.order.merchant_reference,
      amount,
      currency,
    })
  }
}
