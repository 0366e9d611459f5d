// What the shopper does on the hosted page (pay / on hold / decline / fail / cancel) and its consequences:
// the transaction, session events, callbacks and the return_url redirect.
import type { EmulatorContext } from "./context"
import { isoNow, newId, now } from "./http-utils"
import { OperationError, commitCapture, commitVoid } from "./transaction-ops"
import type { OrderItem, PayOutcome, PayResult, Session, Transaction, TransactionEvent } from "./types"

export const PAY_OUTCOMES: PayOutcome[] = ["AUTHORIZED", "ON_HOLD", "DECLINED", "FAILED", "CANCELLED"]
export const DEFAULT_PAYMENT_PRODUCT_TYPE = "dintero_psp.creditcard"

export function addSessionEvent(session: Session, name: string, details?: Record<string, unknown>): void {
  const at = isoNow()
  session.events.push({ id: newId(), name, created_at: at, request_id: newId(), ...(details ? { details } : {}) })
  session.updated_at = at
}

export function sessionTransaction(ctx: EmulatorContext, session: Session): Transaction | undefined {
  return session.transaction_id ? ctx.transactions.get(session.transaction_id) : undefined
}

/** Paid = has a transaction that did not fail (a declined/failed attempt lets the shopper try again). */
export function isPaid(ctx: EmulatorContext, session: Session): boolean {
  const tx = sessionTransaction(ctx, session)
  return !!tx && tx.status !== "DECLINED" && tx.status !== "FAILED"
}

export function isExpired(session: Session): boolean {
  return now().getTime() > Date.parse(session.expires_at)
}

/** Why the session can't be paid, or undefined. */
export function notPayableReason(ctx: EmulatorContext, session: Session): string | undefined {
  if (session.cancelled_at) return "The session is cancelled"
  if (ctx.locks.has(session.id)) return "The session is locked while the merchant updates it"
  if (isPaid(ctx, session)) return "The session is already paid"
  if (isExpired(session)) return "The session has expired"
  return undefined
}

function shippingAsItem(session: Session): OrderItem | undefined {
  const so = session.order.shipping_option
  if (!so) return undefined
  const item: OrderItem = { id: so.id, line_id: so.line_id, description: so.title, quantity: 1, amount: so.amount }
  if (so.vat_amount !== undefined) item.vat_amount = so.vat_amount
  if (so.vat !== undefined) item.vat = so.vat
  return item
}

function redirectUrl(session: Session, tx: Transaction | undefined, error?: string): string {
  const u = new URL(session.url.return_url)
  if (tx) u.searchParams.append("transaction_id", tx.id)
  u.searchParams.append("merchant_reference", session.order.merchant_reference)
  if (error) u.searchParams.append("error", error)
  return u.toString()
}

function authorizeEvent(tx: Transaction, success: boolean, status: Transaction["status"], error?: TransactionEvent["error"]): TransactionEvent {
  const e: TransactionEvent = {
    id: newId(),
    event: "AUTHORIZE",
    transaction_status: status,
    success,
    amount: tx.amount,
    created_at: isoNow(),
    request_id: newId(),
    ...(error ? { error } : {}),
  }
  tx.events.push(e)
  tx.status = status
  tx.updated_at = e.created_at
  return e
}

const DECLINE_ERROR = { code: "DECLINED", message: "The payment was declined", type: ["DECLINED"] }
const FAIL_ERROR = { code: "FAILED", message: "The payment failed", type: ["UNKNOWN"] }

function createTransaction(ctx: EmulatorContext, session: Session, productType: string): Transaction {
  const at = isoNow()
  const items: OrderItem[] = (session.order.items ?? []).map((i) => ({ ...i }))
  const shipping = shippingAsItem(session)
  if (shipping) items.push(shipping)
  const tx: Transaction = {
    id: newId(ctx.options.accountId),
    session_id: session.id,
    created_at: at,
    updated_at: at,
    payment_product: productType.split(".")[0],
    payment_product_type: productType,
    amount: session.order.amount,
    currency: session.order.currency,
    merchant_reference: session.order.merchant_reference,
    channel: (session.configuration.channel as string | undefined) ?? "ecommerce",
    status: "INITIATED",
    settlement_status: "NOT_SETTLED",
    items,
    url: { callback_url: session.url.callback_url, redirect_url: session.url.return_url },
    // SPEC-TS:6206-6230: a transaction's metadata holds Dintero's keys; custom session metadata stays on the session
    // unless the other reading is switched on (options.copySessionMetadataToTransaction).
    metadata: ctx.options.copySessionMetadataToTransaction
      ? { ...session.metadata }
      : pick(session.metadata, ["session:profile_id", "event_reference"]),
    initiating_system_request_headers: { ...session.initiating_system_request_headers },
    events: [],
  }
  const optional = {
    merchant_reference_2: session.order.merchant_reference_2,
    customer: session.customer,
    shipping_address: session.order.shipping_address,
    billing_address: session.order.billing_address,
    shipping_option: session.order.shipping_option ? { ...session.order.shipping_option } : undefined,
  }
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) tx[k] = v
  tx.events.push({ id: newId(), event: "INITIALIZE", transaction_status: "INITIATED", success: true, created_at: at, request_id: newId() })
  return tx
}

function pick(source: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const k of keys) if (source[k] !== undefined) out[k] = source[k]
  return out
}

/**
 * Products captured in the payment itself: the first status is CAPTURED, with no AUTHORIZED before it (Swish; Dintero's
 * Woo V2 plugin treats a CAPTURED first status as the normal Swish road and refunds instead of voiding).
 */
export const CAPTURED_AT_ONCE = new Set(["swish.swish", "payex.swish"])

const fullCapture = (tx: Transaction) => ({
  amount: tx.amount,
  items: tx.items.map((i) => ({ line_id: i.line_id, amount: i.amount, quantity: i.quantity })),
})

/**
 * Authorizes; with auto_capture, captures. Returns true when the payment callback must wait for the (asynchronous)
 * capture: with autoCaptureDelayMs > 0 "the callback_url will not be called until after the transaction has been
 * CAPTURED", retried after failures (SPEC-TS:3204-3223 AutoCaptureConfiguration).
 */
function authorize(ctx: EmulatorContext, session: Session, tx: Transaction, callback: () => void): void {
  if (CAPTURED_AT_ONCE.has(tx.payment_product_type)) {
    commitCapture(tx, fullCapture(tx), "payment")
    callback()
    return
  }
  authorizeEvent(tx, true, "AUTHORIZED")
  if (session.configuration.auto_capture !== true) return callback()
  if (ctx.options.autoCaptureDelayMs <= 0) {
    // Historical: captured in the same step.
    commitCapture(tx, fullCapture(tx), "auto_capture")
    return callback()
  }
  scheduleAutoCapture(ctx, session, tx, 0, callback)
}

const AUTO_CAPTURE_ERROR = { code: "CAPTURE_FAILED", message: "Auto-capture attempt failed at the payment provider", type: ["ERROR"] }

/**
 * One auto-capture attempt is pending per transaction: it runs when its timer fires, or at once through
 * `emulator.runAutoCapture(txId)` (tests drive the interleavings with a long delay instead of racing the timer).
 */
function scheduleAutoCapture(ctx: EmulatorContext, session: Session, tx: Transaction, failed: number, callback: () => void): void {
  const attempt = () => {
    if (ctx.autoCaptures.get(tx.id) !== attempt) return
    ctx.autoCaptures.delete(tx.id)
    autoCaptureAttempt(ctx, session, tx, failed, callback)
  }
  ctx.autoCaptures.set(tx.id, attempt)
  ctx.timers.after(ctx.options.autoCaptureDelayMs, attempt)
}

function autoCaptureAttempt(ctx: EmulatorContext, session: Session, tx: Transaction, failed: number, callback: () => void): void {
  if (ctx.transactions.get(tx.id) !== tx) return
  // "Manual capture of a transaction that is pending auto-capture will stop the auto-capture" (SPEC-TS:3219);
  // the merchant still hears of the payment [INFERRED].
  if (tx.status !== "AUTHORIZED") return callback()
  if (failed < ctx.options.autoCaptureFailures) {
    tx.events.push({
      id: newId(),
      event: "CAPTURE",
      transaction_status: tx.status,
      success: false,
      amount: tx.amount,
      created_at: isoNow(),
      created_by: "auto_capture",
      request_id: newId(),
      error: AUTO_CAPTURE_ERROR,
    })
    tx.updated_at = isoNow()
    // With report_error=true a failed auto-capture is reported as error=captured: Dintero's WooCommerce V2 plugin
    // handles that value ("The transaction capture operation failed during auto-capture",
    // classes/class-dintero-checkout-callback.php handle_error_callback); the spec lists only cancelled,
    // authorization and failed (SPEC-TS ~1336), so whether it comes per attempt is open (autoCaptureFailureCallbacks).
    if (ctx.options.autoCaptureFailureCallbacks) ctx.callbacks.notify({ kind: "error", session, transaction: tx, error: "captured" })
    return scheduleAutoCapture(ctx, session, tx, failed + 1, callback)
  }
  const event = commitCapture(tx, fullCapture(tx), "auto_capture")
  callback()
  ctx.callbacks.notify({ kind: "event", session, transaction: tx, event })
}

/** Runs the transaction's pending auto-capture attempt now; false when none is pending. */
export function runAutoCapture(ctx: EmulatorContext, transactionId: string): boolean {
  const attempt = ctx.autoCaptures.get(transactionId)
  if (!attempt) return false
  attempt()
  return true
}

export function pay(ctx: EmulatorContext, sessionId: string, outcome: PayOutcome, opts: { payment_product_type?: string } = {}): PayResult {
  const session = ctx.sessions.get(sessionId)
  if (!session) throw new OperationError(404, "NOT_FOUND", "Session not found")
  if (!PAY_OUTCOMES.includes(outcome)) {
    throw new OperationError(400, "INVALID_REQUEST", `outcome must be one of ${PAY_OUTCOMES.join(", ")}`)
  }
  const productType = opts.payment_product_type ?? DEFAULT_PAYMENT_PRODUCT_TYPE
  if (!/^[a-z_]+(\.[a-z_0-9]+)?$/.test(productType)) {
    throw new OperationError(400, "INVALID_REQUEST", "payment_product_type must look like dintero_psp.creditcard")
  }
  const reason = notPayableReason(ctx, session)
  if (reason) throw new OperationError(400, "INVALID_STATE", reason)

  if (outcome === "CANCELLED") {
    session.cancelled_at = isoNow()
    session.cancelled_by = "customer"
    addSessionEvent(session, "CANCELLED", { cancelled_by: "customer" })
    ctx.callbacks.notify({ kind: "error", session, error: "cancelled" })
    return { redirect_url: redirectUrl(session, undefined, "cancelled") }
  }

  const tx = createTransaction(ctx, session, productType)
  ctx.transactions.set(tx.id, tx)
  session.transaction_id = tx.id
  switch (outcome) {
    case "AUTHORIZED":
      addSessionEvent(session, "COMPLETED", { transaction_id: tx.id })
      addSessionEvent(session, "AUTHORIZED", { transaction_id: tx.id })
      authorize(ctx, session, tx, () =>
        ctx.callbacks.notify({ kind: "payment", session, transaction: tx, sessionEvent: "AUTH_CALLBACK_SENT" })
      )
      return { transaction: tx, redirect_url: redirectUrl(session, tx) }
    case "ON_HOLD":
      tx.status = "ON_HOLD"
      addSessionEvent(session, "COMPLETED", { transaction_id: tx.id })
      ctx.callbacks.notify({ kind: "payment", session, transaction: tx, sessionEvent: "ON_HOLD_CALLBACK_SENT" })
      return { transaction: tx, redirect_url: redirectUrl(session, tx) }
    case "DECLINED":
      authorizeEvent(tx, false, "DECLINED", DECLINE_ERROR)
      addSessionEvent(session, "DECLINED", { transaction_id: tx.id })
      ctx.callbacks.notify({ kind: "error", session, transaction: tx, error: "authorization" })
      return { transaction: tx, redirect_url: redirectUrl(session, tx, "authorization") }
    default:
      authorizeEvent(tx, false, "FAILED", FAIL_ERROR)
      addSessionEvent(session, "PAY_FAILED", { transaction_id: tx.id, error: "Rejected" })
      addSessionEvent(session, "FAILED", { transaction_id: tx.id })
      ctx.callbacks.notify({ kind: "error", session, transaction: tx, error: "failed" })
      return { transaction: tx, redirect_url: redirectUrl(session, tx, "failed") }
  }
}

/** An ON_HOLD transaction leaves hold; Dintero calls the merchant again either way. */
export function resolveOnHold(ctx: EmulatorContext, transactionId: string, outcome: "AUTHORIZED" | "FAILED"): Transaction {
  const tx = ctx.transactions.get(transactionId)
  if (!tx) throw new OperationError(404, "NOT_FOUND", "Transaction not found")
  if (outcome !== "AUTHORIZED" && outcome !== "FAILED") {
    throw new OperationError(400, "INVALID_REQUEST", "outcome must be AUTHORIZED or FAILED")
  }
  if (tx.status !== "ON_HOLD") throw new OperationError(400, "INVALID_STATE", `Transaction is ${tx.status}, not ON_HOLD`)
  const session = ctx.sessions.get(tx.session_id) as Session
  if (outcome === "AUTHORIZED") {
    addSessionEvent(session, "AUTHORIZED", { transaction_id: tx.id })
    authorize(ctx, session, tx, () =>
      ctx.callbacks.notify({ kind: "on_hold_resolved", session, transaction: tx, sessionEvent: "AUTH_CALLBACK_SENT" })
    )
  } else {
    authorizeEvent(tx, false, "FAILED", FAIL_ERROR)
    addSessionEvent(session, "FAILED", { transaction_id: tx.id })
    ctx.callbacks.notify({ kind: "on_hold_resolved", session, transaction: tx, error: "failed" })
  }
  return tx
}

/** POST /sessions/:id/cancel: voids an authorized transaction; refused once money moved. */
export function cancelSession(ctx: EmulatorContext, session: Session, cancelledBy: string): Session {
  if (session.cancelled_at) throw new OperationError(400, "INVALID_STATE", "The session is already cancelled")
  const tx = sessionTransaction(ctx, session)
  // DECLINED/FAILED attempts hold no money: cancelling such a session is allowed.
  const cancellable = !tx || ["INITIATED", "AUTHORIZED", "DECLINED", "FAILED"].includes(tx.status)
  if (!cancellable) {
    throw new OperationError(400, "INVALID_STATE", `Cancel is not allowed when the transaction is ${tx?.status}`)
  }
  if (tx && (tx.status === "INITIATED" || tx.status === "AUTHORIZED")) {
    const event = commitVoid(tx, cancelledBy)
    ctx.callbacks.notify({ kind: "event", session, transaction: tx, event })
  }
  session.cancelled_at = isoNow()
  session.cancelled_by = cancelledBy
  addSessionEvent(session, "CANCELLED", { cancelled_by: cancelledBy })
  return session
}
