import { MedusaError, PaymentSessionStatus } from "@medusajs/framework/utils"
import type {
  DeletePaymentOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
} from "@medusajs/framework/types"
import { DinteroError } from "../../dintero"
import { toMinorUnits } from "../../mapping/money"
import type { AuthorizationReuse } from "./authorization-reuse"
import { callDintero, toMedusaError } from "./errors"
import { isDinteroId } from "./callback"
import { loadCartForPaymentCollection, retrievePaymentSession, type PaymentSessionRecord } from "./medusa-records"
import { dataAfter, newSessionData, pickPaymentData, readPaymentData, type DinteroPaymentData } from "./payment-data"
import { heldStatus, preferredTransaction } from "../../mapping/status"
import type { ProviderContext } from "./provider-context"
import { paymentProfileFor } from "./payment-profile"
import { buildSessionRequest, loadSessionSource } from "./session-request"
import { lockedByPage, SessionUpdate } from "./session-update"

/** Medusa payment session statuses that have a payment: the money is an order's (or a payment's) now. */
const HELD_BY_PAYMENT: ReadonlySet<string> = new Set(["authorized", "captured"])

/**
 * The Dintero checkout session behind a Medusa payment session: opened (initiatePayment), kept in step with the
 * cart until paid (updatePayment), cancelled when Medusa drops the session (deletePayment).
 */
export class CheckoutSessions {
  private readonly updates: SessionUpdate

  constructor(
    private readonly ctx: ProviderContext,
    private readonly reuse: AuthorizationReuse,
    private readonly now: () => Date = () => new Date()
  ) {
    this.updates = new SessionUpdate(ctx)
  }

  async initiate(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const paymentSessionId = String(input.data?.session_id ?? input.context?.idempotency_key ?? "")
    const currency = input.currency_code.toUpperCase()
    const amount = toMinorUnits(input.amount, currency)
    const session = paymentSessionId ? await retrievePaymentSession(this.ctx.cradle, paymentSessionId) : null
    const cart = session ? await loadCartForPaymentCollection(session.payment_collection_id) : null
    if (cart?.completed_at) {
      // Medusa's session create deletes the collection's other sessions, the authorized one the order's payment came
      // from among them (cancel() keeps it), and a cart that is an order has nothing left to pay.
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cart ${cart.id} is already completed: its order holds the payment, so no new Dintero session is opened`)
    }
    // Reuse grants are made only for an edited order's new payment collection (move-kept-authorization.ts), never
    // for a cart's: a checkout does not look for one.
    const grant = session && !cart ? await this.reuse.takeGrant(session.payment_collection_id) : undefined
    if (grant) {
      return await this.reuse.takeOver(paymentSessionId, grant, amount, currency)
    }
    const adopt = input.data?.adopt_dintero_session_id
    if (typeof adopt === "string" && session) {
      return await this.adopt(adopt, session, cart, amount, currency)
    }
    const source = await loadSessionSource(session, paymentSessionId, cart, input.context?.customer)
    // The market's payment profile, or a refusal the storefront can show, before anything is sent to Dintero.
    const profileId = await paymentProfileFor(this.ctx.options, { currency, cart: source.cart, orderId: source.order?.id })
    const body = buildSessionRequest({ ...this.ctx.options, profileId }, source, amount, currency, this.now())
    // The shopper's open page locked its session before a cart change (Medusa then deleted the payment session):
    // that session takes the new amount and the page refreshes, instead of a new session and a re-mount.
    const locked = input.data?.locked_dintero_session_id
    if (typeof locked === "string" && paymentSessionId) {
      const continued = await this.updates.continueLocked(locked, paymentSessionId, body, amount, currency)
      if (continued) return { id: continued.dintero_session_id, status: PaymentSessionStatus.PENDING, data: newSessionData(continued) }
    }
    const created = await callDintero("create the Dintero session", () => this.ctx.client.checkout.createSession(body))
    const data: DinteroPaymentData = {
      session_id: paymentSessionId || undefined,
      dintero_session_id: created.id,
      checkout_url: created.url,
      merchant_reference: body.order.merchant_reference,
      amount,
      currency,
    }
    return { id: created.id, status: PaymentSessionStatus.PENDING, data: newSessionData(data) }
  }

  /**
   * A payment session for a Dintero session that is already paid but whose own Medusa session was replaced (three
   * concurrent session requests, a create whose answer was lost). Called by the callback's settlement
   * (workflows/settle-payment.ts); the storefront can send the same request, so nothing is taken on trust:
   * the Dintero session must be for this very cart, amount and currency, and hold money.
   */
  protected async adopt(
    dinteroSessionId: string,
    session: PaymentSessionRecord,
    cart: { id: string } | null,
    amount: number,
    currency: string
  ): Promise<InitiatePaymentOutput> {
    const refuse = (why: string) =>
      new MedusaError(MedusaError.Types.NOT_ALLOWED, `Cannot take over Dintero session ${dinteroSessionId}: ${why}`)
    if (!isDinteroId(dinteroSessionId)) throw refuse("not a Dintero session id")
    const checkout = this.ctx.client.checkout
    const found = await callDintero("read the Dintero session", () => checkout.getSession(dinteroSessionId))
    if (!cart || found.order?.merchant_reference !== cart.id) throw refuse("it is not for this cart")
    if (found.order?.amount !== amount || found.order?.currency?.toUpperCase() !== currency) {
      throw refuse("its amount or currency is not the cart's")
    }
    const list = await callDintero("look up the Dintero transaction", () =>
      checkout.listTransactions({ session_id: dinteroSessionId })
    )
    const tx = preferredTransaction(list.filter((t) => t.session_id === dinteroSessionId))
    if (!tx || !heldStatus(tx.status)) throw refuse("nobody has paid it")
    const original = found.metadata?.medusa_payment_session_id
    const data: DinteroPaymentData = {
      session_id: session.id,
      dintero_session_id: dinteroSessionId,
      // Already paid: there is no page left to show.
      checkout_url: "",
      merchant_reference: cart.id,
      amount,
      currency,
      ...(typeof original === "string" ? { adopted_from: original } : {}),
    }
    return { id: dinteroSessionId, status: PaymentSessionStatus.PENDING, data: newSessionData(dataAfter(data, tx)) }
  }

  async update(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const data = readPaymentData(input.data)
    // Once paid or cancelled, the session is history: Dintero refuses updates and the data only records the
    // outcome. A declined attempt is not: the shopper may pay again, so the session follows the cart.
    const retryable = data.dintero_status === "DECLINED" || data.dintero_status === "FAILED"
    const currency = input.currency_code.toUpperCase()
    const amount = toMinorUnits(input.amount, currency)
    if (data.transaction_id || (data.dintero_status && !retryable)) {
      if (heldStatus(data.dintero_status) && !data.reused_authorization && (amount !== data.amount || currency !== data.currency)) {
        // The money is the old amount's: saying nothing would leave Medusa believing the new one was paid.
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `Dintero session ${data.dintero_session_id} is already paid (transaction ${data.transaction_id}, ${data.dintero_status}); ` +
            `it cannot take the new amount ${amount} ${currency} (paid: ${data.amount} ${data.currency})`
        )
      }
      return { data: pickPaymentData(data) }
    }
    const session = data.session_id ? await retrievePaymentSession(this.ctx.cradle, data.session_id) : null
    const cart = session ? await loadCartForPaymentCollection(session.payment_collection_id) : null
    const source = await loadSessionSource(session, data.session_id ?? "", cart, input.context?.customer)
    // A cart moved to a market without a profile is refused here too, not left on the old market's session.
    const profileId = await paymentProfileFor(this.ctx.options, { currency, cart: source.cart, orderId: source.order?.id })
    const body = buildSessionRequest({ ...this.ctx.options, profileId }, source, amount, currency, this.now())
    // Updated in place, or replaced by a new Dintero session (a new dintero_session_id: the storefront re-mounts).
    return { status: PaymentSessionStatus.PENDING, data: await this.updates.apply(data, body, amount, currency) }
  }

  /**
   * Cancels the Dintero session so the shopper cannot pay it later. Medusa may pass the storefront's own `data` here
   * (when creating a session fails half-way), so the session is cancelled only when it really belongs to this
   * Medusa payment session.
   */
  async cancel(raw: Record<string, unknown> | undefined): Promise<DeletePaymentOutput> {
    const data = raw?.dintero_session_id ? readPaymentData(raw) : null
    if (!data) {
      return { data: raw ?? {} }
    }
    const keep = { data: pickPaymentData(data) }
    const record = data.session_id ? await retrievePaymentSession(this.ctx.cradle, data.session_id) : null
    if (record && HELD_BY_PAYMENT.has(record.status ?? "")) {
      // Medusa deletes a collection's sessions when another one is created for it; an authorized session is where the
      // order's payment came from, and the reconciliation would take its transaction for one nobody owns. Refused,
      // Medusa keeps the row (it logs the refusal and deletes the others).
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Payment session ${record.id} is ${record.status}: its payment holds Dintero transaction ${data.transaction_id ?? "(unknown)"}, so it is not deleted`
      )
    }
    let session: { cancelled_at?: string; metadata?: Record<string, unknown>; events?: { name: string }[] }
    try {
      session = await this.ctx.client.checkout.getSession(data.dintero_session_id)
    } catch (e) {
      if (e instanceof DinteroError && e.status === 404) return keep
      throw toMedusaError("read the Dintero session", e)
    }
    const owner = session.metadata?.medusa_payment_session_id
    if (!data.session_id || (owner !== data.session_id && (!data.adopted_from || owner !== data.adopted_from))) {
      this.ctx.logger?.warn(`[dintero] not cancelling session ${data.dintero_session_id}: it belongs to another payment session`)
      return keep
    }
    if (session.cancelled_at) return keep
    if (lockedByPage(session.events)) {
      // The shopper's page locked it for a cart change: Medusa drops the payment session on every cart change, and
      // the storefront's next payment session continues this one (initiate, `locked_dintero_session_id`). Nobody can
      // pay a locked session, so keeping it open moves no money.
      this.ctx.logger?.info(`[dintero] session ${data.dintero_session_id} is locked by the shopper's page for an update; not cancelled`)
      return keep
    }
    try {
      await this.ctx.client.checkout.cancelSession(data.dintero_session_id)
    } catch (e) {
      // Already paid beyond cancelling, or gone meanwhile: nothing left to release. Dintero answers 400 / 404.
      if (e instanceof DinteroError && (e.status === 404 || e.status === 400)) {
        this.ctx.logger?.info(
          `[dintero] session ${data.dintero_session_id} not cancelled (${e.status} ${e.code ?? ""}); nothing to release`
        )
        return keep
      }
      throw toMedusaError("cancel the Dintero session", e)
    }
    return keep
  }
}
