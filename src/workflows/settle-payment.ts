import { randomUUID } from "node:crypto"
import type { BigNumberInput, BigNumberValue, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, PaymentActions, PaymentCollectionStatus } from "@medusajs/framework/utils"
import {
  capturePaymentWorkflow,
  completeCartWorkflow,
  deletePaymentSessionsWorkflow,
  processPaymentWorkflow,
} from "@medusajs/medusa/core-flows"
import { DinteroError, capturedAmount, capturedByDinteroItself, refundedAmount, type DinteroClient, type Transaction } from "../dintero"
import { VOID_ON_PART_CAPTURE_PRODUCTS } from "../dintero/payment-products"
import { merchantReferenceKind } from "../mapping/merchant-reference"
import { fromMinorUnits, toMinorUnits, type DecimalInput } from "../mapping/money"
import { forLog, isDinteroId } from "../providers/dintero/callback"
import { heldStatus, preferredTransaction } from "../mapping/status"
import {
  DEFAULT_RELEASE_AFTER_MINUTES,
  nextCompletionFailure,
  readCompletionFailure,
  releaseDue,
  uncompletableReason,
  type CompletionFailure,
} from "../mapping/completion-failure"
import { dinteroClientFor, dinteroConfiguration } from "../lib/dintero-registry"
import { verifiedTransactions } from "../lib/verified-transactions"
import { listLinkRows } from "../lib/link-rows"
import { messageOf } from "../lib/error-message"
import { holdSettled } from "./outbox/hold-settled"
import { DEFAULT_DINTERO_PROVIDER_ID, isDinteroProviderId } from "../providers/dintero/provider-id"

/**
 * Settles one Dintero payment in Medusa: the one function the callback route and a reconciliation job call.
 *
 * The invariant it enforces: money Dintero holds for this store (a transaction AUTHORIZED, ON_HOLD or CAPTURED)
 * ends as exactly one Medusa order holding that payment, or is released (voided, or refunded when already captured)
 * with the reason recorded on the order or cart and logged. Declines are recorded on the payment session without
 * making it unusable: the shopper may pay again on the same Dintero page.
 *
 * The Medusa side is found from Medusa's own records, never from metadata Dintero copies onto transactions: the
 * transaction's merchant_reference is the cart id (session-request.ts), and the cart's payment sessions say which
 * Dintero session each holds. Payments without a cart (an order's outstanding amount) are found through the
 * Dintero session's own metadata, which names the Medusa payment session (GET /sessions/{id} with the transaction).
 *
 * Outcomes: `done` (the work is done), `never` (nothing to do, or it can never be done: Dintero must not retry) and
 * `retry` (a retry can fix it: the callback answers 5xx so Dintero calls again).
 */
export type SettleOutcome =
  | { kind: "done"; detail: string; order_id?: string; released?: Released }
  | { kind: "never"; detail: string }
  | { kind: "retry"; detail: string }

export type SettleTarget = { transactionId: string } | { dinteroSessionId: string }

/** Money given back because the paid cart could never be completed: what, how and why (for the merchant). */
export interface Released {
  transaction_id: string
  action: "voided" | "refunded" | "already released"
  amount: number
  currency: string
  reason: string
}

/** The settlement's clock (injected by the reconciliation and tests) and how long a failing completion is retried. */
interface Clock {
  now: Date
  releaseAfterMinutes: number
}

interface SessionRow {
  id: string
  status: string
  provider_id: string
  amount: unknown
  currency_code: string
  data: Record<string, unknown> | null
}

interface PaymentRow {
  id: string
  amount: unknown
  payment_session_id?: string
  data: Record<string, unknown> | null
  captured_at?: string | Date | null
  canceled_at?: string | Date | null
  captures?: { amount: unknown }[]
}

interface Collection {
  id: string
  status?: string
  amount: unknown
  currency_code: string
  payment_sessions: SessionRow[]
  payments: PaymentRow[]
}

const LOCK_TIMEOUT_SECONDS = 30
/** The cart-lock probe's lease: only a process dying between its acquire and release leaves it held this long. */
const PROBE_EXPIRE_SECONDS = 5
/**
 * How long a release waits for Medusa's cart lock. Right after a failed completion it is free (the compensation gave it
 * back); held longer, it is a completion running now or one that broke: answered retry within Dintero's 10 s.
 */
const RELEASE_LOCK_WAIT_SECONDS = 5

/**
 * 404 (and 400: not a well-formed id for Dintero) mean the id names nothing of this account: a retry cannot change
 * that, so the callback is answered 200. A 403 is different: the API client lacks a scope (read:checkout), which the
 * merchant can fix, so it is retried (the callback answered 503, Dintero sends it again) and logged as an error.
 */
const isUnknownToDintero = (e: unknown): boolean => e instanceof DinteroError && (e.status === 404 || e.status === 400)
const isForbidden = (e: unknown): boolean => e instanceof DinteroError && e.status === 403
const FORBIDDEN_READ =
  "[dintero] Dintero refused to let this API client read a transaction (403): give it the admin:checkout or read:checkout scope; callbacks are answered 503 until then, so Dintero retries them"

export async function settleDinteroPayment(
  container: MedusaContainer,
  target: SettleTarget,
  opts: { now?: Date } = {}
): Promise<SettleOutcome> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const options = dinteroConfiguration()
  if (!options) return { kind: "retry", detail: "the Dintero provider is not configured in this process" }
  const client = dinteroClientFor(options)
  const id = "transactionId" in target ? target.transactionId : target.dinteroSessionId
  if (!isDinteroId(id)) {
    return { kind: "never", detail: `${forLog(id)} is not a Dintero id` }
  }

  let tx: Transaction | null
  try {
    tx =
      "transactionId" in target
        ? await client.checkout.getTransaction(target.transactionId, { includes: ["session"] })
        : await transactionOfSession(client, target.dinteroSessionId)
  } catch (e) {
    if (isUnknownToDintero(e)) {
      logger.warn(`[dintero] settle: ${forLog(id)} is unknown to Dintero (${(e as DinteroError).status}); nothing to do`)
      return { kind: "never", detail: "unknown to Dintero" }
    }
    if (isForbidden(e)) logger.error(FORBIDDEN_READ)
    return { kind: "retry", detail: `Dintero could not be read: ${messageOf(e)}` }
  }
  if (!tx) {
    try {
      return await settleSessionWithoutPayment(container, client, (target as { dinteroSessionId: string }).dinteroSessionId)
    } catch (e) {
      if (isUnknownToDintero(e)) return { kind: "never", detail: "unknown to Dintero" }
      if (isForbidden(e)) logger.error(FORBIDDEN_READ)
      logger.error(`[dintero] settling session ${forLog(id)} failed, to be retried: ${messageOf(e)}`)
      return { kind: "retry", detail: "processing failed" }
    }
  }
  const found = tx
  const held = await orderHoldingPayment(container, found)
  if (held) return { kind: "done", detail: "already settled: the order holds this payment", order_id: held }
  const locking = container.resolve(Modules.LOCKING)
  try {
    return await locking.execute(
      `dintero-settle:${found.merchant_reference ?? found.session_id}`,
      () =>
        settleTransaction(container, client, found, {
          now: opts.now ?? new Date(),
          releaseAfterMinutes: options.releaseUncompletableCartAfterMinutes ?? DEFAULT_RELEASE_AFTER_MINUTES,
        }),
      { timeout: LOCK_TIMEOUT_SECONDS }
    )
  } catch (e) {
    logger.error(`[dintero] settling transaction ${forLog(found.id)} failed, to be retried: ${messageOf(e)}`)
    return { kind: "retry", detail: "processing failed" }
  }
}

/**
 * The normal callback: the shopper's return completed the cart first, so the cart's order already holds a Medusa
 * payment made from this very transaction, and the transaction (just re-read from Dintero) is still AUTHORIZED.
 * settleTransaction would read the cart with its sessions and payments, take the lock, find that payment and do
 * nothing; this answers the same from two indexed reads without the lock, since it writes nothing: the payment of
 * the Medusa session the Dintero session names, and the order its payment collection belongs to. The Medusa
 * payment's transaction_id was written by authorizePayment after checking the transaction's session, reference (the
 * cart that owns that collection), currency and amount (payment-status.ts), and Medusa links a collection to an
 * order only when it completes the collection's cart, so a match means the work is done. Anything else (another
 * status: ON_HOLD, captured or voided in Dintero's backoffice, declined; no payment yet; no order yet; an adopted
 * session) takes the full road.
 * Returns the order's id, or undefined.
 */
async function orderHoldingPayment(container: MedusaContainer, tx: Transaction): Promise<string | undefined> {
  const cartId = tx.merchant_reference
  const sessionId = tx.session?.metadata?.medusa_payment_session_id
  if (tx.status !== "AUTHORIZED" || !cartId || merchantReferenceKind(cartId) !== "cart" || typeof sessionId !== "string") {
    return undefined
  }
  try {
    const payments = (await container.resolve(Modules.PAYMENT).listPayments(
      { payment_session_id: sessionId },
      { select: ["id", "data", "payment_collection_id"] }
    )) as unknown as { data?: Record<string, unknown> | null; payment_collection_id?: string }[]
    const collectionId = payments.find((p) => p.data?.transaction_id === tx.id)?.payment_collection_id
    if (!collectionId) return undefined
    const links = await listLinkRows(
      container,
      { module: Modules.ORDER, key: "order_id" },
      { module: Modules.PAYMENT, key: "payment_collection_id" },
      { payment_collection_id: collectionId },
      ["order_id"]
    )
    const orderId = links[0]?.order_id
    return typeof orderId === "string" ? orderId : undefined
  } catch {
    // Only a shortcut: the full road reads the same records again and says what failed.
    return undefined
  }
}

/** The session's transaction that matters (a held one before a declined one), or null when nobody paid. */
async function transactionOfSession(client: DinteroClient, dinteroSessionId: string): Promise<Transaction | null> {
  const list = await client.checkout.listTransactions({ session_id: dinteroSessionId })
  const best = preferredTransaction(list.filter((t) => t.session_id === dinteroSessionId))
  return best ? await client.checkout.getTransaction(best.id, { includes: ["session"] }) : null
}

async function settleTransaction(
  container: MedusaContainer,
  client: DinteroClient,
  tx: Transaction,
  clock: Clock
): Promise<SettleOutcome> {
  const cart = await cartOf(container, tx.merchant_reference)
  if (!cart) {
    return await settleWithoutCart(container, client, tx)
  }
  const collection = cart.collection
  if (!collection) return { kind: "never", detail: `cart ${cart.id} has no payment collection` }
  if (tx.currency?.toUpperCase() !== collection.currency_code.toUpperCase()) {
    return await release(container, client, tx, { cartId: cart.id }, `currency ${tx.currency} is not the cart's`)
  }
  const ownSession = collection.payment_sessions.find((s) => s.data?.dintero_session_id === tx.session_id)
  const status = tx.status

  if (status === "DECLINED" || status === "FAILED") {
    const declined = await recordDecline(container, tx, ownSession, !!cart.order_id, collection)
    // A hold that ended FAILED after the order was placed: the mirror's waiting operation says so at the job's next run.
    if (cart.order_id) await holdSettled(container, cart.order_id)
    return declined
  }
  // All of the money is back: voided, or refunded while no order holds it (a release of an uncompletable cart, or
  // Dintero's backoffice). Nothing can become an order any more: completing the cart would only fail again.
  if (status === "AUTHORIZATION_VOIDED" || (status === "REFUNDED" && !cart.order_id)) {
    const recorded = ownSession?.status === "canceled" && ownSession.data?.dintero_status === status && ownSession.data?.transaction_id === tx.id
    if (ownSession && !recorded && ownSession.status !== "authorized" && ownSession.status !== "captured") {
      await updateSessionRecord(container, ownSession, { dintero_status: status, transaction_id: tx.id }, "canceled")
    }
    return { kind: "done", detail: status === "REFUNDED" ? "payment refunded" : "authorization voided" }
  }
  if (!heldStatus(status)) {
    return { kind: "never", detail: `transaction is ${status}: nothing to do` }
  }

  if (cart.order_id) {
    return await settleForOrder(container, client, tx, cart.order_id, collection, ownSession, cart.id)
  }

  const cartAmount = toMinorUnits(collection.amount as DecimalInput, collection.currency_code.toUpperCase())
  if (tx.amount !== cartAmount) {
    return await release(
      container,
      client,
      tx,
      { cartId: cart.id },
      `the payment of ${tx.amount} does not match the cart's ${cartAmount} (minor units): the cart changed after this Dintero session was paid`
    )
  }

  if (refundedAmount(tx) > 0) {
    // Part of it was given back at Dintero (Dintero Backoffice) while no order held it: the order would record the whole
    // amount as paid where Dintero holds less, so what is left goes back too.
    return await release(container, client, tx, { cartId: cart.id }, `${refundedAmount(tx)} of the payment (minor units) was refunded at Dintero before any order held it`)
  }
  if (!(await cartLockFree(container, cart.id))) {
    return { kind: "retry", detail: `cart ${cart.id} is locked by another completion (or by one that failed without releasing its lock)` }
  }
  // The cart is completed with exactly this Dintero session: adopt it if its Medusa session was replaced (double
  // click, a lost create answer), and drop the cart's other sessions so Medusa authorizes this one (completion takes
  // the first session) and nobody can pay the others.
  const session = ownSession ?? (await adoptSession(container, collection, tx))
  if (session.status === "error" || session.status === "canceled") {
    await updateSessionRecord(container, session, { dintero_error: undefined }, "pending")
  }
  const others = collection.payment_sessions.filter((s) => s.id !== session.id).map((s) => s.id)
  if (others.length) {
    await deletePaymentSessionsWorkflow(container).run({ input: { ids: others } })
  }
  verifiedTransactions.remember(tx)
  let result: unknown
  try {
    ;({ result } = await completeCartWorkflow(container).run({ input: { id: cart.id } }))
  } catch (e) {
    return await completionFailed(container, client, tx, cart.id, session, e, clock)
  }
  const orderId = (result as { id?: string })?.id
  if (status === "CAPTURED" && orderId) {
    // Auto-capture at once (e.g. Swish): Medusa recorded the capture while authorizing; make sure it did.
    await recordDinteroCapture(container, tx, (await collectionById(container, collection.id))!)
  }
  return { kind: "done", detail: status === "ON_HOLD" ? "order placed, payment on hold" : "order placed", order_id: orderId }
}

/**
 * The paid cart's completion failed. The failure is recorded on the payment session (the first one's time is kept:
 * the bound counts from it, in the database, whichever process tries next). Before the bound: retried (the callback
 * answers 503, the reconciliation tries again), so a restock or a fix still gives the order. After it: the money is
 * released (releaseUncompletable).
 */
async function completionFailed(
  container: MedusaContainer,
  client: DinteroClient,
  tx: Transaction,
  cartId: string,
  attempted: SessionRow,
  error: unknown,
  clock: Clock
): Promise<SettleOutcome> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  // Read again: the row read before the attempt may be older than what the attempt (or a reset above) wrote.
  const session = (await sessionById(container, attempted.id)) ?? attempted
  const failure = nextCompletionFailure(readCompletionFailure(session.data?.completion_failure), tx.id, (error as Error)?.message ?? error, clock.now)
  await updateSessionRecord(container, session, { completion_failure: failure }, session.status)
  if (!releaseDue(failure, clock.now, clock.releaseAfterMinutes)) {
    logger.warn(
      `[dintero] cart ${forLog(cartId)} paid by ${forLog(tx.id)} could not be completed (attempt ${failure.attempts} since ${failure.first_failed_at}; ` +
        `released after ${clock.releaseAfterMinutes} minutes unless it completes): ${forLog(failure.last_error)}`
    )
    return { kind: "retry", detail: `the cart could not be completed: ${failure.last_error}` }
  }
  return await releaseUncompletable(container, client, tx, cartId, failure, clock)
}

/**
 * Gives back the money of a cart that could not be completed for longer than the bound, under the lock Medusa's
 * completeCartWorkflow takes (its key is the cart id), after reading again whether an order now holds the payment: a
 * completion that succeeded at the last moment wins and nothing is released. The transaction is read again from
 * Dintero (a compensation may have voided it already). The reason goes to the cart's `dintero_released_payments`
 * (release) and the payment session, which ends `canceled` with it in `dintero_error`.
 */
async function releaseUncompletable(
  container: MedusaContainer,
  client: DinteroClient,
  tx: Transaction,
  cartId: string,
  failure: CompletionFailure,
  clock: Clock
): Promise<SettleOutcome> {
  const locking = container.resolve(Modules.LOCKING)
  return await locking.execute(
    cartId,
    async (): Promise<SettleOutcome> => {
      const cart = await cartOf(container, cartId)
      const own = cart?.collection?.payment_sessions.find((s) => s.data?.dintero_session_id === tx.session_id)
      // Under this lock, a payment still to be authorized for that order is answered retry (settleForOrder's probe):
      // the next attempt settles it outside the lock, which processPaymentWorkflow takes itself.
      if (cart?.order_id && cart.collection) return await settleForOrder(container, client, tx, cart.order_id, cart.collection, own, cartId)
      const current = await client.checkout.getTransaction(tx.id, { includes: ["session"] })
      const reason = uncompletableReason(failure, current.amount, current.currency, clock.releaseAfterMinutes)
      const outcome = await release(container, client, current, { cartId }, reason)
      const released = outcome.released
      if (own) {
        const fresh = (await sessionById(container, own.id)) ?? own
        const status = released.action === "refunded" ? "REFUNDED" : released.action === "voided" ? "AUTHORIZATION_VOIDED" : current.status
        await updateSessionRecord(
          container,
          fresh,
          { dintero_status: status, transaction_id: current.id, dintero_error: `payment ${released.action}: ${reason}` },
          "canceled"
        )
      }
      return outcome
    },
    { timeout: RELEASE_LOCK_WAIT_SECONDS, expire: 2 * LOCK_TIMEOUT_SECONDS }
  )
}

/**
 * Whether Medusa's cart-completion lock (completeCartWorkflow's acquireLockStep; its key is the cart id) is free now:
 * taken and given back at once, never waited for. Held, completeCartWorkflow would wait 30 s for it, longer than
 * Dintero waits for a callback's answer (10 s), and then fail with "Failed to acquire lock", which is no reason to
 * count an attempt. It is held by a completion running right now (the shopper's return) or, for its 2-minute TTL, by
 * one that broke without compensating (Medusa's in-memory workflow engine, README "Troubleshooting"): the caller
 * answers retry instead, and the next callback or reconciliation run tries again. A lock taken between this probe
 * and the completion only costs the wait it would have cost anyway.
 */
async function cartLockFree(container: MedusaContainer, cartId: string): Promise<boolean> {
  const locking = container.resolve(Modules.LOCKING)
  const ownerId = `dintero-probe:${randomUUID()}`
  try {
    await locking.acquire(cartId, { ownerId, expire: PROBE_EXPIRE_SECONDS })
  } catch {
    return false
  }
  await locking.release(cartId, { ownerId })
  return true
}

async function sessionById(container: MedusaContainer, id: string): Promise<SessionRow | undefined> {
  const payment = container.resolve(Modules.PAYMENT)
  const [session] = (await payment.listPaymentSessions({ id })) as unknown as SessionRow[]
  return session
}

/** The cart is already an order: this payment is the order's, completes an ON_HOLD one, or is one too many. */
async function settleForOrder(
  container: MedusaContainer,
  client: DinteroClient,
  tx: Transaction,
  orderId: string,
  collection: Collection,
  ownSession: SessionRow | undefined,
  cartId: string
): Promise<SettleOutcome> {
  const payment = collection.payments.find(
    (p) => p.data?.transaction_id === tx.id || (!!ownSession && p.payment_session_id === ownSession.id)
  )
  if (payment) {
    if (tx.status === "CAPTURED") await recordDinteroCapture(container, tx, collection)
    return { kind: "done", detail: "the order holds this payment", order_id: orderId }
  }
  const heldByOther = collection.payments.some((p) => !p.canceled_at)
  if (ownSession && !heldByOther) {
    // The order was placed while the payment was ON_HOLD: authorize it now (Medusa creates the payment).
    if (tx.status === "ON_HOLD") return { kind: "done", detail: "payment still on hold", order_id: orderId }
    if (collection.status === "canceled") {
      // Medusa cancelled the order while Dintero held the payment ON_HOLD: there was no payment to cancel then, and
      // authorizing one now would charge the shopper for an order nobody will fulfil.
      return await release(container, client, tx, { orderId }, `order ${orderId} was cancelled while its payment was on hold`)
    }
    // processPaymentWorkflow takes Medusa's cart lock too (30 s wait): held, answered retry at once (cartLockFree).
    if (!(await cartLockFree(container, cartId))) return { kind: "retry", detail: `cart ${cartId} is locked by another completion` }
    verifiedTransactions.remember(tx)
    if (ownSession.status === "error" || ownSession.status === "canceled") {
      await updateSessionRecord(container, ownSession, { dintero_error: undefined }, "pending_authorization")
    }
    await processPaymentWorkflow(container).run({
      input: {
        action: PaymentActions.AUTHORIZED,
        data: { session_id: ownSession.id, amount: fromMinorUnits(tx.amount, tx.currency) as BigNumberValue },
      },
    })
    const after = await collectionById(container, collection.id)
    const made = after?.payments.find((p) => p.payment_session_id === ownSession.id)
    if (!made) return { kind: "retry", detail: "the held payment was not authorized yet" }
    if (tx.status === "CAPTURED") await recordDinteroCapture(container, tx, after!)
    await holdSettled(container, orderId)
    return { kind: "done", detail: "held payment authorized", order_id: orderId }
  }
  return await release(
    container,
    client,
    tx,
    { orderId },
    `the cart was already completed as order ${orderId} with another payment`
  )
}

/**
 * Dintero captured the whole transaction itself (auto-capture, possibly after the order was placed; products
 * captured at once such as Swish): Medusa records the payment as captured without asking Dintero to capture again.
 * Only captures Dintero made on its own count (they carry no capture_reference; every capture Medusa sends has
 * one), so a callback about a capture the merchant made in Medusa never records it twice. Exactly once: this runs
 * under the settlement lock, only while Medusa has recorded no capture, and Medusa refuses to capture beyond the
 * amount.
 */
async function recordDinteroCapture(container: MedusaContainer, tx: Transaction, collection: Collection): Promise<void> {
  if (!capturedByDinteroItself(tx)) return
  const payment = collection.payments.find((p) => p.data?.transaction_id === tx.id) ?? collection.payments.find((p) => !p.canceled_at)
  if (!payment || payment.captured_at || payment.canceled_at || (payment.captures ?? []).length > 0) return
  const currency = tx.currency.toUpperCase()
  const captured = 0
  const total = toMinorUnits(payment.amount as DecimalInput, currency)
  await capturePaymentWorkflow(container).run({
    // is_captured: Dintero has already captured; Medusa records it without calling the provider.
    input: { payment_id: payment.id, amount: fromMinorUnits(total - captured, currency), is_captured: true } as Parameters<
      ReturnType<typeof capturePaymentWorkflow>["run"]
    >[0] extends { input?: infer I } ? I : never,
  })
}

/**
 * A Medusa payment session for a paid Dintero session whose own Medusa session is gone. The provider verifies the
 * Dintero session against the cart before taking it (checkout-session.ts).
 */
async function adoptSession(container: MedusaContainer, collection: Collection, tx: Transaction): Promise<SessionRow> {
  const payment = container.resolve(Modules.PAYMENT)
  const providerId = collection.payment_sessions[0]?.provider_id ?? (await dinteroProviderId(container))
  const created = await payment.createPaymentSession(collection.id, {
    provider_id: providerId,
    amount: collection.amount as BigNumberInput,
    currency_code: collection.currency_code,
    data: { adopt_dintero_session_id: tx.session_id },
    context: {},
  })
  container
    .resolve(ContainerRegistrationKeys.LOGGER)
    .info(`[dintero] adopted paid Dintero session ${forLog(tx.session_id)} as payment session ${created.id}`)
  return created as unknown as SessionRow
}

/**
 * A declined or failed attempt: written on the payment session for the storefront and the merchant to see, but the
 * session stays payable (pending) while no order exists, because the shopper may pay again on the same page.
 */
async function recordDecline(
  container: MedusaContainer,
  tx: Transaction,
  session: SessionRow | undefined,
  ordered: boolean,
  collection?: Collection
): Promise<SettleOutcome> {
  if (!session) return { kind: "never", detail: `declined attempt ${tx.id} of a session this cart no longer holds` }
  if (session.status === "authorized" || session.status === "captured") {
    return { kind: "done", detail: "an older attempt; the payment went through" }
  }
  const error = errorOf(tx)
  await updateSessionRecord(
    container,
    session,
    {
      dintero_status: tx.status,
      declined_transaction_id: tx.id,
      dintero_error: `payment ${tx.status.toLowerCase()} at Dintero${error ? ` (${error})` : ""}`,
    },
    // An ON_HOLD payment that failed after the order was placed cannot be paid again on that page.
    ordered ? "error" : session.status
  )
  if (ordered && collection && (await failHeldCollection(container, collection, session))) {
    return { kind: "done", detail: `${tx.status.toLowerCase()} recorded; the order's payment collection failed` }
  }
  return { kind: "done", detail: `${tx.status.toLowerCase()} recorded` }
}

/**
 * The order was placed while its Dintero payment was ON_HOLD (Medusa keeps the collection `awaiting`, and the order's
 * payment_status says "awaiting"), and the hold ended FAILED: nothing is awaited any more. The collection is marked
 * `failed`, Medusa's own status for it, through the Payment module (no Medusa workflow sets it; cancelling the
 * collection would say the merchant cancelled). Medusa's order payment status then reads "not_paid". Only when the
 * collection holds nothing else that may still pay: no live payment, no other session authorized or on hold.
 * Idempotent (a retried callback writes nothing new). Returns whether the collection is now `failed`.
 */
async function failHeldCollection(container: MedusaContainer, collection: Collection, failed: SessionRow): Promise<boolean> {
  if (collection.payments.some((p) => !p.canceled_at)) return false
  const stillPaying = new Set(["authorized", "captured", "pending_authorization"])
  if (collection.payment_sessions.some((s) => s.id !== failed.id && stillPaying.has(s.status))) return false
  if (collection.status !== "failed") {
    await container.resolve(Modules.PAYMENT).updatePaymentCollections(collection.id, { status: PaymentCollectionStatus.FAILED })
  }
  return true
}

function errorOf(tx: Transaction): string | undefined {
  const failed = [...(tx.events ?? [])].reverse().find((e) => e.success === false && e.error)
  return failed?.error ? [failed.error.code, failed.error.message].filter(Boolean).join(": ").slice(0, 200) : undefined
}

/**
 * Gives back money nobody will turn into an order: void the authorization, or refund a capture, and record why on
 * the order (or cart) metadata under `dintero_released_payments`, where the merchant sees it, and in the log.
 */
async function release(
  container: MedusaContainer,
  client: DinteroClient,
  tx: Transaction,
  where: { orderId?: string; cartId?: string },
  reason: string
): Promise<SettleOutcome & { kind: "done"; released: Released }> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  let action: Released["action"]
  switch (tx.status) {
    case "AUTHORIZED":
    case "ON_HOLD":
      await client.checkout.voidTransaction(tx.id)
      action = "voided"
      break
    case "CAPTURED":
    case "PARTIALLY_CAPTURED":
    case "PARTIALLY_REFUNDED":
    case "PARTIALLY_CAPTURED_REFUNDED": {
      // The part never captured first: Dintero documents "void on part capture" for a PARTIALLY_CAPTURED transaction
      // of some products only, and nothing for one a refund has made PARTIALLY_CAPTURED_REFUNDED (the emulator refuses
      // it), so the void goes before the refund; for the other products the rest lapses with the authorization. Then
      // whatever captured money is still held (captured − refunded: a retry, or a Backoffice refund, finds less).
      const rest = tx.status === "PARTIALLY_CAPTURED" && VOID_ON_PART_CAPTURE_PRODUCTS.has(tx.payment_product_type ?? "")
      if (rest) {
        try {
          await client.checkout.voidTransaction(tx.id)
        } catch (e) {
          // Refused: an earlier attempt voided the rest and Dintero still says PARTIALLY_CAPTURED (what it reports after
          // a void on part capture is undocumented). The refund below must not wait on it: what is captured goes back.
          if (!(e instanceof DinteroError && e.status === 400)) throw e
          logger.warn(`[dintero] transaction ${forLog(tx.id)}: Dintero refused to void the uncaptured rest (${messageOf(e)}); refunding what is captured`)
        }
      }
      const held = capturedOf(tx)
      if (held > 0) {
        await client.checkout.refundTransaction(tx.id, {
          amount: held,
          refund_reference: `release-${tx.id.split(".").pop()}`.slice(0, 50),
          reason: reason.slice(0, 200),
        })
      }
      action = held > 0 ? "refunded" : rest ? "voided" : "already released"
      break
    }
    default:
      action = "already released"
  }
  const entry = {
    transaction_id: tx.id,
    dintero_session_id: tx.session_id,
    amount: tx.amount,
    currency: tx.currency,
    action,
    reason,
    at: new Date().toISOString(),
  }
  await noteOn(container, where, entry)
  logger.warn(`[dintero] transaction ${forLog(tx.id)} ${action}: ${reason}`)
  return {
    kind: "done",
    detail: `${action}: ${reason}`,
    released: { transaction_id: tx.id, action, amount: tx.amount, currency: tx.currency, reason },
  }
}

/** What Dintero holds captured and not refunded (the one event-sum rule, src/dintero/transactions.ts). */
function capturedOf(tx: Transaction): number {
  return capturedAmount(tx) - refundedAmount(tx)
}

const RELEASED_KEY = "dintero_released_payments"

async function noteOn(container: MedusaContainer, where: { orderId?: string; cartId?: string }, entry: Record<string, unknown>) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const entity = where.orderId ? "order" : "cart"
  const id = where.orderId ?? where.cartId
  // Nowhere to note it (a collection no order links to any more): the log line and the run's findings carry it.
  if (!id) return
  const { data } = await query.graph({ entity, fields: ["id", "metadata"], filters: { id } })
  const metadata = (data[0]?.metadata ?? {}) as Record<string, unknown>
  const list = Array.isArray(metadata[RELEASED_KEY]) ? (metadata[RELEASED_KEY] as unknown[]) : []
  if (list.some((e) => (e as { transaction_id?: string })?.transaction_id === entry.transaction_id)) return
  const next = { ...metadata, [RELEASED_KEY]: [...list, entry] }
  if (where.orderId) {
    await container.resolve(Modules.ORDER).updateOrders(id, { metadata: next })
  } else {
    await container.resolve(Modules.CART).updateCarts(id, { metadata: next })
  }
}

/** Payments without a cart (an order's outstanding amount): the Dintero session's metadata names the Medusa session. */
async function settleWithoutCart(container: MedusaContainer, client: DinteroClient, tx: Transaction): Promise<SettleOutcome> {
  const sessionId = tx.session?.metadata?.medusa_payment_session_id
  if (typeof sessionId !== "string") {
    return { kind: "never", detail: "not a payment of this store" }
  }
  const payment = container.resolve(Modules.PAYMENT)
  const [session] = (await payment.listPaymentSessions({ id: sessionId })) as unknown as (SessionRow & { payment_collection_id?: string })[]
  if (!session || session.data?.dintero_session_id !== tx.session_id || session.data?.merchant_reference !== tx.merchant_reference) {
    return { kind: "never", detail: "not a payment of this store" }
  }
  if (tx.status === "DECLINED" || tx.status === "FAILED") return await recordDecline(container, tx, session, false)
  if (!heldStatus(tx.status) || session.status === "authorized" || session.status === "captured") {
    return { kind: "done", detail: "nothing left to do" }
  }
  const collection = session.payment_collection_id ? await collectionById(container, session.payment_collection_id) : null
  if (collection?.status === "canceled") {
    // Dintero voids no payment on hold; the callback when the hold ends (or the reconciliation) comes back here.
    if (tx.status === "ON_HOLD") return { kind: "done", detail: "payment still on hold" }
    // A payment link whose collection a later order edit cancelled (Medusa replaced it, and the kept authorization
    // moved to the new one): the link was still payable, but what it asked for is no longer owed there.
    const links = await listLinkRows(
      container,
      { module: Modules.ORDER, key: "order_id" },
      { module: Modules.PAYMENT, key: "payment_collection_id" },
      { payment_collection_id: collection.id },
      ["order_id"]
    )
    const orderId = typeof links[0]?.order_id === "string" ? links[0].order_id : undefined
    return await release(container, client, tx, orderId ? { orderId } : {}, `payment collection ${collection.id} was cancelled (an order edit replaced it) before this payment came`)
  }
  verifiedTransactions.remember(tx)
  await processPaymentWorkflow(container).run({
    input: {
      action: tx.status === "CAPTURED" ? PaymentActions.SUCCESSFUL : PaymentActions.AUTHORIZED,
      data: { session_id: session.id, amount: fromMinorUnits(tx.amount, tx.currency) as BigNumberValue },
    },
  })
  return { kind: "done", detail: "payment authorized" }
}

/** The shopper cancelled on Dintero's page (a callback without a transaction): recorded on the Medusa session. */
async function settleSessionWithoutPayment(
  container: MedusaContainer,
  client: DinteroClient,
  dinteroSessionId: string
): Promise<SettleOutcome> {
  const dinteroSession = await client.checkout.getSession(dinteroSessionId)
  if (!dinteroSession.cancelled_at) return { kind: "never", detail: "nobody has paid this session yet" }
  const cart = await cartOf(container, dinteroSession.order?.merchant_reference)
  const session = cart?.collection?.payment_sessions.find((s) => s.data?.dintero_session_id === dinteroSessionId)
  if (!session || session.status !== "pending") return { kind: "never", detail: "no open payment session holds it" }
  await updateSessionRecord(container, session, { dintero_status: "SESSION_CANCELLED" }, "canceled")
  return { kind: "done", detail: "canceled" }
}

/** Writes what the plugin learnt on the session row itself (not through the provider: nothing to tell Dintero). */
async function updateSessionRecord(
  container: MedusaContainer,
  session: SessionRow,
  data: Record<string, unknown>,
  status: string
): Promise<void> {
  const payment = container.resolve(Modules.PAYMENT) as unknown as {
    updatePaymentSessions(input: { id: string; data: Record<string, unknown>; status: string }): Promise<unknown>
  }
  const merged: Record<string, unknown> = { ...(session.data ?? {}), ...data }
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]
  await payment.updatePaymentSessions({ id: session.id, data: merged, status })
}

async function cartOf(
  container: MedusaContainer,
  merchantReference: string | undefined
): Promise<{ id: string; order_id?: string; collection?: Collection } | null> {
  if (!merchantReference || merchantReferenceKind(merchantReference) !== "cart") return null
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  // The cart with its payment collection in one read (every callback runs this), and the order it became.
  const [{ data: carts }, { data: links }] = await Promise.all([
    query.graph({
      entity: "cart",
      fields: ["id", ...COLLECTION_FIELDS.map((f) => `payment_collection.${f}`)],
      filters: { id: merchantReference },
    }),
    query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: merchantReference } }),
  ])
  const cart = carts[0]
  if (!cart) return null
  const collection = cart.payment_collection?.id ? asCollection(cart.payment_collection) : undefined
  return { id: cart.id, order_id: links[0]?.order_id, collection }
}

/** A payment collection's fields the settlement decides on: its sessions, and its payments with their captures. */
const COLLECTION_FIELDS = [
  "id",
  "status",
  "amount",
  "currency_code",
  "payment_sessions.id",
  "payment_sessions.status",
  "payment_sessions.provider_id",
  "payment_sessions.amount",
  "payment_sessions.currency_code",
  "payment_sessions.data",
  "payments.id",
  "payments.amount",
  "payments.payment_session_id",
  "payments.data",
  "payments.captured_at",
  "payments.canceled_at",
  "payments.captures.amount",
]

function asCollection(c: Omit<Collection, "payment_sessions" | "payments"> & Partial<Collection>): Collection {
  return { ...c, payment_sessions: c.payment_sessions ?? [], payments: c.payments ?? [] }
}

async function collectionById(container: MedusaContainer, id: string): Promise<Collection | null> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "payment_collection", fields: COLLECTION_FIELDS, filters: { id } })
  return data[0] ? asCollection(data[0] as Collection) : null
}

// A cache: the enabled providers come from medusa-config and change only with a restart; losing it costs one read.
let providerIdCache: string | undefined

/** The registered Dintero provider (pp_dintero_<id>); `dintero` is the documented id. */
export async function dinteroProviderId(container: MedusaContainer): Promise<string> {
  if (providerIdCache) return providerIdCache
  const payment = container.resolve(Modules.PAYMENT)
  const providers = await payment.listPaymentProviders({ is_enabled: true })
  const ids = providers.map((p: { id: string }) => p.id).filter(isDinteroProviderId)
  if (!ids.length) return DEFAULT_DINTERO_PROVIDER_ID // not cached: the next call looks again
  const id = ids.includes(DEFAULT_DINTERO_PROVIDER_ID) ? DEFAULT_DINTERO_PROVIDER_ID : ids[0] ?? DEFAULT_DINTERO_PROVIDER_ID
  providerIdCache = id
  return id
}

