import { fillReturnUrl, returnUrlValuesOf } from "../../mapping/return-url"
import {
  AbstractPaymentProvider,
  MedusaError,
  PaymentActions,
  PaymentSessionStatus,
} from "@medusajs/framework/utils"
import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  Logger,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import { DinteroError, capturedAmount, type DinteroClient } from "../../dintero"
import type { SessionCreate, Transaction, TransactionItemRef } from "../../dintero"
import { fromMinorUnits, toMinorUnits, type DecimalInput } from "../../mapping/money"
import { allocateCapture, allocateRefund, perLineTotals } from "../../mapping/allocation"
import { buildSessionOrder } from "../../mapping/session"
import { toPaymentSessionStatus, toWebhookAction } from "../../mapping/status"
import { CALLBACK_PATH, callbackUrl, readCallback, type CallbackInput } from "./callback"
import {
  type PaymentSessionRecord,
  listMoneyRecords,
  parkUnresolved,
  settleUnresolved,
  unresolvedReferences,
  loadCartForPaymentCollection,
  loadOrderForPaymentCollection,
  retrieveCapture,
  retrievePaymentSession,
  retrieveRefund,
} from "./medusa-records"
import type { DinteroOptions } from "./options"
import { dinteroClientFor, registerDinteroOptions, setDinteroLogger } from "./registry"
import { keptFor as keptForOrderEdit, takeReuse } from "./kept-authorizations"
import { paymentDataSchema, pickPaymentData, readPaymentData, type DinteroPaymentData } from "./payment-data"

type Cradle = Record<string, unknown> & { logger?: Logger }

/** A callback that must not be retried by Dintero (forged, replayed, malformed). */
export class DinteroCallbackRejected extends Error {
  readonly permanent = true
  constructor(message: string) {
    super(message)
    this.name = "DinteroCallbackRejected"
  }
}

/**
 * Medusa payment provider for Dintero Checkout (id `dintero` -> `pp_dintero_dintero`).
 *
 * Thin glue: Medusa records in, pure mapping (src/mapping), Dintero client (src/dintero) out.
 */
export class DinteroPaymentProviderService extends AbstractPaymentProvider<DinteroOptions> {
  static identifier = "dintero"

  protected readonly options_: DinteroOptions
  protected readonly client_: DinteroClient
  protected readonly logger_: Logger | undefined
  protected readonly cradle_: Cradle

  static validateOptions(options: Record<any, any>): void {
    registerDinteroOptions(options)
  }

  constructor(cradle: Cradle, options: Record<string, unknown>) {
    super(cradle, options as unknown as DinteroOptions)
    this.cradle_ = cradle
    this.options_ = registerDinteroOptions(options)
    this.logger_ = cradle.logger
    const logger = this.logger_
    if (logger) {
      setDinteroLogger({
        debug: (m) => logger.debug(`[dintero] ${m}`),
        info: (m) => logger.info(`[dintero] ${m}`),
        warn: (m) => logger.warn(`[dintero] ${m}`),
        error: (m) => logger.error(`[dintero] ${m}`),
      })
    }
    // Shared with the Orders mirror and the admin routes: one token cache for the whole process.
    this.client_ = dinteroClientFor(this.options_)
  }

  /** The Dintero client, for the plugin's own routes and workflows (e.g. a connection test). */
  get client(): DinteroClient {
    return this.client_
  }

  get options(): DinteroOptions {
    return this.options_
  }

  // ---------------------------------------------------------------- sessions

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    const paymentSessionId = String(input.data?.session_id ?? input.context?.idempotency_key ?? "")
    const currency = input.currency_code.toUpperCase()
    const amount = toMinorUnits(input.amount, currency)
    const session = paymentSessionId ? await retrievePaymentSession(this.cradle_, paymentSessionId) : null
    const grant = session ? takeReuse(session.payment_collection_id) : undefined
    if (grant) {
      return await this.reuseAuthorization(paymentSessionId, grant, amount, currency)
    }
    const body = await this.buildSessionBody(session, paymentSessionId, amount, currency, input)
    const created = await this.call("create the Dintero session", () => this.client_.checkout.createSession(body))
    const data: DinteroPaymentData = {
      session_id: paymentSessionId || undefined,
      dintero_session_id: created.id,
      checkout_url: created.url,
      merchant_reference: body.order.merchant_reference,
      amount,
      currency,
    }
    return { id: created.id, status: PaymentSessionStatus.PENDING, data: sessionData(data) }
  }

  /**
   * A session that takes over an authorization already held at Dintero (granted by the plugin after an order edit,
   * never by the storefront). No new Dintero session: the shopper is not asked to pay again.
   */
  protected async reuseAuthorization(
    paymentSessionId: string,
    grant: { transactionId: string; amount: number },
    amount: number,
    currency: string
  ): Promise<InitiatePaymentOutput> {
    const tx = await this.call("read the Dintero transaction", () => this.client_.checkout.getTransaction(grant.transactionId))
    const held = tx.amount - capturedAmount(tx)
    if (tx.status !== "AUTHORIZED" || amount !== grant.amount || amount > held || tx.currency?.toUpperCase() !== currency) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Dintero transaction ${tx.id} (${tx.status}, ${held} held) cannot cover ${amount} ${currency}`
      )
    }
    const data = this.withTransaction(
      {
        session_id: paymentSessionId,
        dintero_session_id: tx.session_id ?? "",
        checkout_url: "",
        merchant_reference: tx.merchant_reference ?? "",
        amount,
        currency,
        reused_authorization: true,
      },
      tx
    )
    return { id: tx.id, status: PaymentSessionStatus.PENDING, data: sessionData(data) }
  }

  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    const data = readPaymentData(input.data)
    // Once paid, refused or cancelled, the session is history: Dintero refuses updates and the data only records
    // the outcome (this is also how callbacks write declined/cancelled outcomes on the session).
    if (data.transaction_id || data.dintero_status) {
      return { data: pickPaymentData(data) }
    }
    const currency = input.currency_code.toUpperCase()
    const amount = toMinorUnits(input.amount, currency)
    const session = data.session_id ? await retrievePaymentSession(this.cradle_, data.session_id) : null
    const body = await this.buildSessionBody(session, data.session_id ?? "", amount, currency, input)
    await this.call("update the Dintero session", () =>
      this.client_.checkout.updateSession(data.dintero_session_id, { order: body.order, remove_lock: true })
    )
    return {
      status: PaymentSessionStatus.PENDING,
      data: pickPaymentData({ ...data, amount, currency, merchant_reference: body.order.merchant_reference }),
    }
  }

  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    const data = input.data?.dintero_session_id ? readPaymentData(input.data) : null
    if (!data) {
      return { data: input.data ?? {} }
    }
    const keep = { data: pickPaymentData(data) }
    // Medusa may pass the storefront's own `data` here (when creating a session fails half-way), so the Dintero
    // session is cancelled only when it really belongs to this Medusa payment session.
    let session: { cancelled_at?: string; metadata?: Record<string, unknown> }
    try {
      session = await this.client_.checkout.getSession(data.dintero_session_id)
    } catch (e) {
      if (e instanceof DinteroError && e.status === 404) return keep
      throw this.toMedusaError("read the Dintero session", e)
    }
    if (!data.session_id || session.metadata?.medusa_payment_session_id !== data.session_id) {
      this.logger_?.warn(`[dintero] not cancelling session ${data.dintero_session_id}: it belongs to another payment session`)
      return keep
    }
    if (session.cancelled_at) return keep
    try {
      await this.client_.checkout.cancelSession(data.dintero_session_id)
    } catch (e) {
      // Already paid beyond cancelling, or gone meanwhile: nothing left to release. Dintero answers 400 / 404.
      if (e instanceof DinteroError && (e.status === 404 || e.status === 400)) {
        this.logger_?.info(
          `[dintero] session ${data.dintero_session_id} not cancelled (${e.status} ${e.code ?? ""}); nothing to release`
        )
        return keep
      }
      throw this.toMedusaError("cancel the Dintero session", e)
    }
    return keep
  }

  // ---------------------------------------------------------------- authorization

  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    return await this.readPaymentStatus(input.data)
  }

  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    return await this.readPaymentStatus(input.data)
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    const data = readPaymentData(input.data)
    const tx = await this.findTransaction(data)
    if (!tx) {
      return { data: pickPaymentData(data) }
    }
    return { data: pickPaymentData(this.withTransaction(data, tx)) }
  }

  // ---------------------------------------------------------------- money movement

  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    const data = readPaymentData(input.data)
    const transactionId = this.requireTransactionId(data, "capture")
    const captureId = input.context?.idempotency_key
    if (!captureId) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "Dintero capture needs the Medusa capture id")
    }
    // Medusa does not pass the amount: the capture row it committed before calling us has it.
    const capture = await retrieveCapture(this.cradle_, captureId)
    const paymentId = capture.payment_id ?? capture.payment?.id
    const amount = toMinorUnits((capture.raw_amount ?? capture.amount) as DecimalInput, data.currency)
    const reference = await this.operationReference("capture", paymentId, captureId, amount)
    return await this.moveMoney("capture", data, transactionId, paymentId, reference, amount)
  }

  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    const data = readPaymentData(input.data)
    const transactionId = this.requireTransactionId(data, "refund")
    const amount = toMinorUnits(input.amount, data.currency)
    const refundId = input.context?.idempotency_key
    let paymentId: string | undefined
    if (refundId) {
      const refund = await retrieveRefund(this.cradle_, refundId)
      paymentId = refund.payment_id ?? refund.payment?.id
    }
    const reference = await this.operationReference("refund", paymentId, refundId, amount)
    return await this.moveMoney("refund", data, transactionId, paymentId, reference, amount)
  }

  /**
   * One capture or refund, exactly once.
   *
   * Normally one Dintero request: the lines and what each has captured/refunded are known from the transaction
   * Dintero returned last time (kept in the payment data). The transaction is read first only when that knowledge
   * may be stale: an earlier attempt of this payment ended without knowing whether Dintero applied it (its
   * reference is then parked on the payment), the data predates line tracking, or Dintero refuses the allocation
   * (e.g. after a capture made in Dintero Backoffice).
   */
  protected async moveMoney(
    kind: "capture" | "refund",
    data: DinteroPaymentData,
    transactionId: string,
    paymentId: string | undefined,
    reference: string,
    amount: number
  ): Promise<{ data: DinteroPaymentData }> {
    const event = kind === "capture" ? "CAPTURE" : "REFUND"
    const unresolved = paymentId ? await unresolvedReferences(this.cradle_, paymentId) : []
    let ledger = ledgerOf(data)
    if (!ledger || unresolved.length > 0 || !paymentId) {
      const tx = await this.call("read the Dintero transaction", () => this.client_.checkout.getTransaction(transactionId))
      // Dintero's transaction is the truth now: each parked reference was either applied (its event is there) or not.
      if (paymentId && unresolved.length > 0) {
        await settleUnresolved(this.cradle_, paymentId)
      }
      // A first attempt that timed out after Dintero applied it left an event with the same reference.
      if (eventWithReference(tx, event, reference)) {
        this.logger_?.info(`[dintero] ${kind} ${reference} already applied on ${transactionId}; not sending it again`)
        return { data: pickPaymentData(this.withTransaction(data, tx)) }
      }
      ledger = ledgerOf(this.withTransaction(data, tx))!
    }

    const send = (l: Ledger) => {
      const items = (
        kind === "capture"
          ? allocateCapture(l.lines, l.captured, amount)
          : allocateRefund(l.lines, l.captured, l.refunded, amount)
      ) as TransactionItemRef[]
      // A payment that reuses a larger authorization releases the rest with its last capture.
      const capturedSoFar = Object.values(l.captured).reduce((sum, v) => sum + v, 0)
      const finalCapture = kind === "capture" && data.reused_authorization === true && capturedSoFar + amount >= data.amount
      return kind === "capture"
        ? this.client_.checkout.captureTransaction(transactionId, {
            amount,
            capture_reference: reference,
            items,
            ...(finalCapture ? { final_capture: true } : {}),
          })
        : this.client_.checkout.refundTransaction(transactionId, { amount, refund_reference: reference, items })
    }
    const what = `${kind} the Dintero transaction`
    try {
      const result = await send(ledger)
      return { data: pickPaymentData(this.withTransaction(data, transactionOf(result))) }
    } catch (e) {
      if (e instanceof DinteroError && e.status === 400) {
        // Dintero refused the allocation: our view of the lines was stale. Read, then try once more.
        const tx = await this.call("read the Dintero transaction", () => this.client_.checkout.getTransaction(transactionId))
        if (eventWithReference(tx, event, reference)) {
          return { data: pickPaymentData(this.withTransaction(data, tx)) }
        }
        const fresh = ledgerOf(this.withTransaction(data, tx))!
        if (JSON.stringify(fresh) !== JSON.stringify(ledger)) {
          const result = await this.call(what, () => send(fresh))
          return { data: pickPaymentData(this.withTransaction(data, transactionOf(result))) }
        }
      }
      if (paymentId && e instanceof DinteroError && e.retryable) {
        // Dintero may or may not have applied it: park the reference so the next attempt looks before sending.
        await parkUnresolved(this.cradle_, paymentId, reference)
      }
      throw this.toMedusaError(what, e)
    }
  }

  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const data = readPaymentData(input.data)
    const keptFor = data.transaction_id ? keptForOrderEdit(data.transaction_id) : undefined
    if (keptFor) {
      // Medusa cancels this payment because an order edit was confirmed; the authorization moves to the order's new
      // payment collection instead of being released (see kept-authorizations.ts).
      this.logger_?.info(`[dintero] authorization ${data.transaction_id} kept for the edited order ${keptFor}`)
      return { data: pickPaymentData({ ...data, kept_for_order_id: keptFor }) }
    }
    if (data.transaction_id && data.dintero_status === "AUTHORIZED") {
      // Known authorized: void straight away; if Dintero disagrees, read the transaction and decide below.
      try {
        const result = await this.client_.checkout.voidTransaction(data.transaction_id)
        return { data: pickPaymentData(this.withTransaction(data, transactionOf(result))) }
      } catch (e) {
        if (!(e instanceof DinteroError && e.status === 400)) {
          throw this.toMedusaError("void the Dintero transaction", e)
        }
      }
    }
    const tx = await this.findTransaction(data)
    if (!tx) {
      // Nobody paid: cancelling the session stops the shopper from paying later.
      await this.deletePayment({ data: input.data })
      return { data: pickPaymentData({ ...data, dintero_status: "SESSION_CANCELLED" }) }
    }
    switch (tx.status) {
      case "AUTHORIZATION_VOIDED":
      case "DECLINED":
      case "FAILED":
        return { data: pickPaymentData(this.withTransaction(data, tx)) }
      case "AUTHORIZED":
      case "ON_HOLD":
      case "INITIATED": {
        const result = await this.call("void the Dintero transaction", () =>
          this.client_.checkout.voidTransaction(tx.id)
        )
        return { data: pickPaymentData(this.withTransaction(data, transactionOf(result))) }
      }
      default:
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `Dintero transaction ${tx.id} is ${tx.status}: money has been captured, so it cannot be voided. Refund it instead.`
        )
    }
  }

  // ---------------------------------------------------------------- callbacks

  /**
   * Dintero callbacks, from the plugin's route (/hooks/dintero/callback, GET or POST) or Medusa's generic
   * /hooks/payment/dintero_dintero (POST only). Never trusts the payload: verifies the signature when a secret is
   * configured, re-reads the transaction from Dintero and checks it against the Medusa payment session.
   */
  async getWebhookActionAndData(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    const callback = readCallback(payload, this.options_)
    if (!callback.ok) {
      throw new DinteroCallbackRejected(callback.reason)
    }
    return await this.resolveCallback(callback.value)
  }

  /** The outcome of a verified callback, including the Medusa session it belongs to. */
  async resolveCallback(callback: CallbackInput): Promise<WebhookActionResult & { transaction?: Transaction }> {
    const ignore: WebhookActionResult = { action: PaymentActions.NOT_SUPPORTED }
    if (!callback.transaction_id) {
      return await this.resolveSessionCallback(callback)
    }
    let tx: Transaction
    try {
      tx = await this.client_.checkout.getTransaction(callback.transaction_id)
    } catch (e) {
      if (e instanceof DinteroError && (e.status === 404 || e.status === 400 || e.status === 403)) {
        this.logger_?.warn(`[dintero] callback for unknown transaction ${callback.transaction_id} ignored`)
        return ignore
      }
      throw e
    }
    const sessionId = typeof tx.metadata?.medusa_payment_session_id === "string" ? tx.metadata.medusa_payment_session_id : undefined
    if (!sessionId) {
      this.logger_?.warn(`[dintero] transaction ${tx.id} carries no Medusa payment session id; callback ignored`)
      return ignore
    }
    const session = await retrievePaymentSession(this.cradle_, sessionId)
    const problem = session ? this.mismatch(session.data ?? undefined, tx) : "no such payment session"
    if (!session || problem) {
      this.logger_?.warn(`[dintero] callback for transaction ${tx.id} ignored: ${problem}`)
      return ignore
    }
    let action: string = toWebhookAction(tx.status)
    // Medusa captures the webhook's amount again for a payment that already exists; captures Medusa started
    // itself (and Backoffice captures) must therefore not come back as "captured". Only auto-capture, where no
    // payment exists yet, is reported as captured.
    if (action === PaymentActions.SUCCESSFUL && (session.status === "authorized" || session.status === "captured")) {
      action = PaymentActions.NOT_SUPPORTED
    }
    // Already authorized (the shopper's return got there first, or this is a repeated callback): Medusa has
    // nothing left to do, so spare it the payment workflow.
    if (action === PaymentActions.AUTHORIZED && (session.status === "authorized" || session.status === "captured")) {
      return { action: PaymentActions.NOT_SUPPORTED, data: { session_id: session.id, amount: fromMinorUnits(tx.amount, tx.currency) }, transaction: tx }
    }
    if (action !== PaymentActions.NOT_SUPPORTED) {
      // Medusa authorizes the session right after this; spare it a second read of the same transaction.
      rememberVerifiedTransaction(tx)
    }
    return {
      action: action as WebhookActionResult["action"],
      data: { session_id: session.id, amount: fromMinorUnits(tx.amount, tx.currency) },
      transaction: tx,
    }
  }

  /**
   * A callback without a transaction (report_error=true): the shopper cancelled on Dintero's page. Only believed
   * when the re-read Dintero session is really cancelled and belongs to the Medusa session it names.
   */
  protected async resolveSessionCallback(callback: CallbackInput): Promise<WebhookActionResult> {
    const ignore: WebhookActionResult = { action: PaymentActions.NOT_SUPPORTED }
    if (!callback.session_id || callback.error !== "cancelled") {
      return ignore
    }
    let dinteroSession: { id: string; cancelled_at?: string; transaction_id?: string; metadata?: Record<string, unknown> }
    try {
      dinteroSession = await this.client_.checkout.getSession(callback.session_id)
    } catch (e) {
      if (e instanceof DinteroError && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429) {
        return ignore
      }
      throw e
    }
    const sessionId = dinteroSession.metadata?.medusa_payment_session_id
    if (!dinteroSession.cancelled_at || dinteroSession.transaction_id || typeof sessionId !== "string") {
      return ignore
    }
    const session = await retrievePaymentSession(this.cradle_, sessionId)
    if (!session || session.data?.dintero_session_id !== dinteroSession.id) {
      return ignore
    }
    return { action: PaymentActions.CANCELED, data: { session_id: session.id, amount: 0 } }
  }

  // ---------------------------------------------------------------- helpers

  protected async readPaymentStatus(raw: Record<string, unknown> | undefined): Promise<AuthorizePaymentOutput> {
    const data = readPaymentData(raw)
    const tx = takeVerifiedTransaction(data.dintero_session_id) ?? (await this.findTransaction(data))
    if (!tx) {
      return { status: PaymentSessionStatus.PENDING, data: pickPaymentData(data) }
    }
    const problem = this.mismatch(data, tx)
    if (problem) {
      this.logger_?.warn(`[dintero] transaction ${tx.id} refused: ${problem}`)
      return {
        status: PaymentSessionStatus.ERROR,
        data: pickPaymentData({ ...this.withTransaction(data, tx), dintero_error: problem }),
      }
    }
    return {
      status: toPaymentSessionStatus(tx.status) as PaymentSessionStatus,
      data: pickPaymentData(this.withTransaction(data, tx)),
    }
  }

  /** One request: the session's transaction, looked up by session id (at most one per session). */
  protected async findTransaction(data: DinteroPaymentData): Promise<Transaction | null> {
    if (data.transaction_id) {
      return await this.call("read the Dintero transaction", () =>
        this.client_.checkout.getTransaction(data.transaction_id as string)
      )
    }
    const list = await this.call("look up the Dintero transaction", () =>
      this.client_.checkout.listTransactions({ session_id: data.dintero_session_id })
    )
    return list.find((t) => t.session_id === data.dintero_session_id) ?? null
  }

  /** Why a transaction does not belong to this session, or null when it does. */
  protected mismatch(raw: Record<string, unknown> | DinteroPaymentData | undefined, tx: Transaction): string | null {
    let data: DinteroPaymentData
    try {
      data = readPaymentData(raw as Record<string, unknown>)
    } catch {
      return "the payment session is not a Dintero session"
    }
    if (tx.session_id !== data.dintero_session_id) return "session id mismatch"
    if (tx.merchant_reference !== data.merchant_reference) return "merchant_reference mismatch"
    if (tx.currency?.toUpperCase() !== data.currency) return "currency mismatch"
    if (data.reused_authorization) {
      // Part of an authorization held for the same order before an edit: it must still cover this payment.
      if (tx.amount - capturedAmount(tx) < data.amount) return "amount mismatch"
      return null
    }
    if (tx.amount !== data.amount) return "amount mismatch"
    return null
  }

  /** The payment data after seeing a transaction: its status and the per-line ledger used to allocate next time. */
  protected withTransaction(data: DinteroPaymentData, tx: Transaction): DinteroPaymentData {
    const events = tx.events ?? []
    return {
      ...data,
      transaction_id: tx.id,
      dintero_status: tx.status,
      payment_product_type: tx.payment_product_type ?? data.payment_product_type,
      lines: transactionLines(tx),
      captured_by_line: perLineTotals(events, "CAPTURE"),
      refunded_by_line: perLineTotals(events, "REFUND"),
    }
  }

  protected requireTransactionId(data: DinteroPaymentData, what: string): string {
    if (!data.transaction_id) {
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `Cannot ${what}: Dintero session ${data.dintero_session_id} has no authorized transaction`
      )
    }
    return data.transaction_id
  }

  /**
   * A reference that is the same for a retry of the same capture/refund and different for two distinct ones.
   *
   * Medusa deletes its capture/refund row when the provider throws, and a retry gets a new id, so the Medusa id alone
   * cannot recognise a retry. The position of the row among the payment's rows (oldest first) plus the amount can:
   * a retry takes the place of the deleted row; two equal refunds have different positions.
   */
  protected async operationReference(
    kind: "capture" | "refund",
    paymentId: string | undefined,
    recordId: string | undefined,
    amount: number
  ): Promise<string> {
    if (!paymentId || !recordId) {
      return `${kind}-${recordId ?? "x"}-${amount}`
    }
    const records = await listMoneyRecords(this.cradle_, kind, paymentId)
    const position = records.findIndex((r) => r.id === recordId) + 1 || records.length + 1
    return `${paymentId}-${kind === "capture" ? "c" : "r"}${position}-${amount}`
  }

  protected async buildSessionBody(
    session: PaymentSessionRecord | null,
    paymentSessionId: string,
    amount: number,
    currency: string,
    input: InitiatePaymentInput | UpdatePaymentInput
  ): Promise<SessionCreate> {
    const cart = session ? await loadCartForPaymentCollection(session.payment_collection_id) : null
    // Without a cart (an order's outstanding amount after an edit, a claim, an exchange) one line says what the
    // money is for. The storefront's `data` is never used for amounts, lines, capture mode or URLs.
    const order = !cart && session ? await loadOrderForPaymentCollection(session.payment_collection_id) : null
    const merchantReference = (cart?.id as string | undefined) ?? order?.id ?? session?.payment_collection_id ?? paymentSessionId
    const description = order?.display_id ? `Order #${order.display_id}: outstanding amount` : "Payment"
    const sessionOrder = cart
      ? buildSessionOrder(cart as any, { amount: fromMinorUnits(amount, currency) })
      : {
          amount,
          currency,
          merchant_reference: merchantReference,
          items: [{ id: "payment", line_id: "payment", description, quantity: 1, amount, vat_amount: 0, vat: 0 }],
        }
    const customer = input.context?.customer
    const email = (cart?.email as string | undefined) ?? order?.email ?? customer?.email
    const phone = (cart?.shipping_address?.phone as string | undefined) ?? customer?.phone ?? undefined
    return {
      profile_id: this.options_.profileId,
      url: {
        return_url: fillReturnUrl(this.options_.returnUrl, returnUrlValuesOf(cart)),
        callback_url: callbackUrl(this.options_),
      },
      order: { ...sessionOrder, amount, currency, merchant_reference: merchantReference } as SessionCreate["order"],
      customer: email || phone ? { ...(email ? { email } : {}), ...(phone ? { phone_number: phone } : {}) } : undefined,
      expires_at: new Date(Date.now() + this.options_.sessionLifetimeMinutes * 60_000).toISOString(),
      configuration: { auto_capture: this.options_.autoCapture },
      metadata: { medusa_payment_session_id: paymentSessionId },
    }
  }

  /** Runs a Dintero call and turns its failure into a MedusaError with a message fit for the admin. */
  protected async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn()
    } catch (e) {
      throw this.toMedusaError(what, e)
    }
  }

  protected toMedusaError(what: string, e: unknown): Error {
    if (e instanceof MedusaError) return e
    if (e instanceof DinteroError) {
      const type =
        e.status && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429
          ? MedusaError.Types.NOT_ALLOWED
          : MedusaError.Types.UNEXPECTED_STATE
      const detail = e.dinteroMessage ? `: ${e.code ? `[${e.code}] ` : ""}${e.dinteroMessage}` : ` (${e.message})`
      return new MedusaError(type, `Could not ${what}${detail}`)
    }
    return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Could not ${what}: ${(e as Error)?.message ?? e}`)
  }
}

function transactionLines(tx: Transaction) {
  return (tx.items ?? []).map((item) => ({
    line_id: String(item.line_id),
    amount: item.amount ?? 0,
    quantity: item.quantity ?? 1,
  }))
}

/**
 * Transactions a callback has just verified, by Dintero session id, for the authorization Medusa runs right after
 * in the same process. Short-lived (a stale status must not be trusted for long) and taken once.
 */
const VERIFIED_TTL_MS = 15_000
const verified = new Map<string, { tx: Transaction; until: number }>()

function rememberVerifiedTransaction(tx: Transaction): void {
  const now = Date.now()
  for (const [key, entry] of verified) if (entry.until < now) verified.delete(key)
  if (tx.session_id) verified.set(tx.session_id, { tx, until: now + VERIFIED_TTL_MS })
}

function takeVerifiedTransaction(dinteroSessionId: string): Transaction | undefined {
  const entry = verified.get(dinteroSessionId)
  verified.delete(dinteroSessionId)
  return entry && entry.until >= Date.now() ? entry.tx : undefined
}

/**
 * Data for a new payment session. Medusa merges it over what the storefront sent ({...input.data, ...output.data}),
 * so every key the plugin reads is written explicitly, undefined included: nothing the storefront sent survives.
 */
function sessionData(data: DinteroPaymentData): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(paymentDataSchema.shape)) {
    out[key] = (data as Record<string, unknown>)[key]
  }
  out.reused_authorization = data.reused_authorization === true
  return out
}

interface Ledger {
  lines: { line_id: string; amount: number; quantity: number }[]
  captured: Record<string, number>
  refunded: Record<string, number>
}

function ledgerOf(data: DinteroPaymentData): Ledger | null {
  if (!data.lines || !data.captured_by_line || !data.refunded_by_line) return null
  return { lines: data.lines, captured: data.captured_by_line, refunded: data.refunded_by_line }
}

function eventWithReference(tx: Transaction, event: "CAPTURE" | "REFUND", reference: string): boolean {
  return (tx.events ?? []).some((e) => e.event === event && e.success && e.event_reference === reference)
}

/** Capture/refund/void results: the transaction, whether Dintero answered 200 or 202. */
function transactionOf(result: unknown): Transaction {
  const r = result as { transaction?: Transaction }
  return (r && typeof r === "object" && "transaction" in r && r.transaction ? r.transaction : result) as Transaction
}

export { CALLBACK_PATH }
