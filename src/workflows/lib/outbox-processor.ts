/**
 * Runs the outbox of one order: its operations in order, each one to the end or until it fails, never two at once
 * for the same order. A failed operation keeps the later ones of the same order waiting (a capture cannot be
 * recorded before the order exists). Errors are stored on the row; nothing here throws to a caller.
 */
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { DinteroError, type DinteroClient, type OrdersPaymentOperation, type Transaction } from "../../dintero"
import { buildEditDraft, buildInitialDraft, buildPaymentOperation, type MirrorSnapshot, type OrdersDraftBody } from "../../mapping/orders"
import { toMinorUnits } from "../../mapping/money"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { AllocationError, allocateAuthorization, allocateToOrders } from "../../modules/dintero-orders/lib/allocate"
import { nextAttemptDelayMs } from "../../modules/dintero-orders/lib/backoff"
import { at, findByMarker, perLine, type OrdersRecords, type RecordKind } from "../../modules/dintero-orders/lib/ledger"
import { planEditPayments } from "../../modules/dintero-orders/lib/plan-edit"
import { liveLines, type LedgerLine, type MirrorState } from "../../modules/dintero-orders/lib/state"
import { mapCheckoutLines } from "../../modules/dintero-orders/lib/checkout-lines"
import {
  inRecordOrder,
  isDinteroPayment,
  loadOrder,
  loadPayment,
  minor,
  paymentsOf,
  transactionIdOf,
  type PaymentRow,
} from "./medusa-data"

/** The merchant must act (or the data cannot be mirrored as is); retried only from the admin. */
export class NeedsAction extends Error {}
/** Not an error: nothing to send (e.g. an order not paid with Dintero). */
class Skip extends Error {}

type Op = {
  id: string
  order_id: string
  identity: string
  kind: string
  status: string
  attempts: number
  next_attempt_at: Date | string | null
  input: Record<string, any> | null
  plan: Record<string, any> | null
  progress: Record<string, any> | null
}

type Mirror = { id: string; order_id: string; dintero_order_id: string | null; currency_code: string | null; state: MirrorState | null }

const running = new Map<string, Promise<void>>()
const again = new Set<string>()

/** Processes the order's due operations; concurrent calls for one order coalesce into one more pass. */
export function processOrderOutbox(container: MedusaContainer, orderId: string, opts: { force?: boolean } = {}): Promise<void> {
  const current = running.get(orderId)
  if (current) {
    again.add(orderId)
    return current
  }
  const run = (async () => {
    try {
      do {
        again.delete(orderId)
        await new OrderOutbox(container, orderId).run(opts.force === true)
      } while (again.has(orderId))
    } catch (e) {
      logger(container)?.error(`[dintero] orders mirror of ${orderId}: ${(e as Error)?.message}`)
    } finally {
      running.delete(orderId)
    }
  })()
  running.set(orderId, run)
  return run
}

/** Waits for every pass in flight (tests, shutdown). */
export async function settleOutbox(): Promise<void> {
  while (running.size > 0) await Promise.all([...running.values()])
}

function logger(container: MedusaContainer): Logger | undefined {
  try {
    return container.resolve(ContainerRegistrationKeys.LOGGER) as Logger
  } catch {
    return undefined
  }
}

class OrderOutbox {
  private readonly svc: DinteroOrdersService
  private readonly client: DinteroClient
  private op!: Op
  private mirror!: Mirror

  constructor(private readonly container: MedusaContainer, private readonly orderId: string) {
    this.svc = container.resolve(DINTERO_ORDERS_MODULE) as DinteroOrdersService
    this.client = this.svc.getDinteroClient()
  }

  async run(force: boolean): Promise<void> {
    const ops = (await this.svc.listDinteroOrderOperations(
      { order_id: this.orderId },
      { order: { created_at: "ASC", sequence: "ASC" }, take: 1000 }
    )) as unknown as Op[]
    for (const op of ops) {
      // Notices tell the merchant something; they wait for nobody and block nothing.
      if (op.status === "done" || op.status === "skipped" || op.kind === "notice") continue
      if ((op.status === "failed" || op.status === "needs_action") && !force) return
      if (!force && op.next_attempt_at && new Date(op.next_attempt_at).getTime() > Date.now()) return
      if (!(await this.runOne(op))) return
    }
  }

  /** Runs one operation; true when it is done and the next may run. */
  private async runOne(op: Op): Promise<boolean> {
    this.op = { ...op, attempts: op.attempts + 1, progress: op.progress ?? {} }
    await this.save({ status: "processing", attempts: this.op.attempts })
    try {
      const [mirror] = (await this.svc.listDinteroOrderMirrors({ order_id: this.orderId })) as unknown as Mirror[]
      if (!mirror) throw new NeedsAction("the order has no mirror row")
      this.mirror = mirror
      const note = await this.execute()
      await this.save({ status: "done", last_error: note ?? null, next_attempt_at: null, completed_at: new Date() })
      return true
    } catch (e) {
      return await this.fail(e)
    }
  }

  private async fail(e: unknown): Promise<boolean> {
    if (e instanceof Skip) {
      await this.save({ status: "skipped", last_error: e.message, next_attempt_at: null, completed_at: new Date() })
      return true
    }
    const message = describeError(e)
    const permanent =
      e instanceof NeedsAction ||
      e instanceof AllocationError ||
      (e instanceof DinteroError && e.kind === "http" && !!e.status && e.status >= 400 && e.status < 500 && ![401, 408, 409, 429].includes(e.status))
    const exhausted = this.op.attempts >= this.svc.mirrorOptions.maxAttempts
    const status = e instanceof NeedsAction || e instanceof AllocationError ? "needs_action" : permanent || exhausted ? "failed" : "pending"
    await this.save({
      status,
      last_error: message,
      next_attempt_at: status === "pending" ? new Date(Date.now() + nextAttemptDelayMs(this.op.attempts)) : null,
    })
    logger(this.container)?.warn(`[dintero] orders mirror ${this.op.identity} (attempt ${this.op.attempts}) ${status}: ${message}`)
    return false
  }

  private async save(update: Record<string, unknown>) {
    await this.svc.updateDinteroOrderOperations({
      id: this.op.id,
      plan: this.op.plan,
      progress: this.op.progress,
      ...update,
    } as any)
  }

  private async saveMirror(update: Partial<Mirror>) {
    Object.assign(this.mirror, update)
    await this.svc.updateDinteroOrderMirrors({ id: this.mirror.id, ...update } as any)
  }

  private async execute(): Promise<string | void> {
    switch (this.op.kind) {
      case "order_placed":
        return await this.orderPlaced()
      case "authorization":
        return await this.partAuthorization()
      case "capture":
        return await this.moneyRecord("capture")
      case "refund":
        return await this.moneyRecord("refund")
      case "order_edit":
        return await this.orderEdit()
      case "cancellation":
        return await this.cancellation()
      case "notice":
        throw new NeedsAction(String(this.op.input?.message ?? "see the operation's input"))
      default:
        throw new NeedsAction(`unknown operation kind ${this.op.kind}`)
    }
  }

  // ------------------------------------------------------------------ steps shared by all kinds

  private get state(): MirrorState {
    if (!this.mirror.state) throw new NeedsAction("the order has not been mirrored yet")
    return this.mirror.state
  }

  private requireDinteroOrder(): string {
    if (!this.mirror.dintero_order_id) throw new Error("waiting for the order to be created in Dintero")
    return this.mirror.dintero_order_id
  }

  private async setProgress(key: string, value: unknown) {
    this.op.progress = { ...(this.op.progress ?? {}), [key]: value }
    await this.save({})
  }

  private async setPlan(plan: Record<string, any>) {
    this.op.plan = plan
    await this.save({})
  }

  private async records(orderId: string): Promise<OrdersRecords> {
    const o = this.client.orders
    const [authorizations, captures, refunds, cancellations] = await Promise.all([
      o.listAuthorizations(orderId),
      o.listCaptures(orderId),
      o.listRefunds(orderId),
      o.listCancellations(orderId),
    ])
    return { authorizations, captures, refunds, cancellations } as unknown as OrdersRecords
  }

  /**
   * Records one payment operation exactly once. A retry first looks for the record this step may already have
   * created (its marker in metadata), because the client does not retry Orders POSTs and a lost answer is not proof
   * that nothing was recorded.
   */
  private async recordOnce(
    kind: RecordKind,
    key: string,
    body: ReturnType<typeof buildPaymentOperation> | Record<string, any>
  ): Promise<void> {
    const sent = (this.op.progress?.sent ?? {}) as Record<string, string>
    if (sent[key]) return
    const orderId = this.requireDinteroOrder()
    const marker = `${this.op.identity}#${key}`
    let id: string | undefined
    if (this.op.attempts > 1) {
      const list = (await this.list(orderId, kind)) as OrdersPaymentOperation[]
      id = (findByMarker(list as any, marker) as { id?: string } | undefined)?.id
    }
    if (!id) {
      const created = await this.create(orderId, kind, {
        ...body,
        processed_by: "medusa-payment-dintero",
        metadata: { medusa_operation: marker },
      })
      id = created.id
    }
    await this.setProgress("sent", { ...sent, [key]: id })
  }

  private list(orderId: string, kind: RecordKind) {
    const o = this.client.orders
    return { authorizations: o.listAuthorizations, captures: o.listCaptures, refunds: o.listRefunds, cancellations: o.listCancellations }[kind].call(o, orderId)
  }

  private create(orderId: string, kind: RecordKind, body: any) {
    const o = this.client.orders
    return { authorizations: o.createAuthorization, captures: o.createCapture, refunds: o.createRefund, cancellations: o.createCancellation }[kind].call(o, orderId, body)
  }

  /** Dintero's transaction id of a Medusa payment, remembered in the mirror. */
  private transactionOf(payment: PaymentRow): string {
    const tx = transactionIdOf(payment) ?? this.mirror.state?.payments?.[payment.id]
    if (!tx) throw new NeedsAction(`payment ${payment.id} has no Dintero transaction`)
    return tx
  }

  /** A needs_action row the merchant sees in the mirror (created once per key). */
  private async notice(key: string, message: string) {
    await this.svc.recordNotice(this.orderId, key, message)
  }

  // ------------------------------------------------------------------ order placed

  private async orderPlaced(): Promise<string | void> {
    if (!this.op.plan) {
      const order = await loadOrder(this.container, this.orderId)
      if (!order) throw new NeedsAction(`order ${this.orderId} not found`)
      const payment = paymentsOf(order).find((p) => isDinteroPayment(p) && transactionIdOf(p))
      if (!payment) throw new Skip("the order was not paid with Dintero; nothing to mirror")
      const transactionId = transactionIdOf(payment)!
      const tx = await this.client.checkout.getTransaction(transactionId)
      const { body, snapshot } = buildInitialDraft(order, { generateOrderId: this.svc.mirrorOptions.generateOrderId })
      if (!this.svc.mirrorOptions.generateOrderId) (body.order as Record<string, unknown>).order_id = sanitizeOrderId(order.id)
      ;(body.order as Record<string, unknown>).metadata = { medusa_order_id: order.id }
      const state: MirrorState = {
        snapshot,
        lines: snapshot.lines.map((l) => ({ line_id: l.line_id, medusa_id: l.medusa_id, role: "item", gross_amount: l.gross_amount, from_edit: false })),
        checkout_lines: mapCheckoutLines(tx.items ?? [], snapshot.lines),
        payments: { [payment.id]: transactionId },
        original_payment_id: payment.id,
      }
      await this.setPlan({
        draft: body,
        state,
        authorization: buildPaymentOperation(
          snapshot.lines.filter((l) => l.gross_amount > 0).map((l) => ({ line_id: l.line_id, amount: l.gross_amount })),
          transactionId
        ),
        payment_product_type: tx.payment_product_type,
      })
      await this.saveMirror({ currency_code: body.order.currency })
    }
    const plan = this.op.plan!
    if (!this.mirror.dintero_order_id) {
      const orderId = await this.createAndComplete(plan.draft as OrdersDraftBody, null)
      await this.saveMirror({ dintero_order_id: orderId, state: plan.state })
    }
    const auth = { ...plan.authorization, payment_details: { ...plan.authorization.payment_details, ...(plan.payment_product_type && { payment_product_type: plan.payment_product_type }) } }
    if (auth.items.length > 0) await this.recordOnce("authorizations", "authorization", auth)
  }

  /**
   * Creates the draft and completes it. For a draft on an existing order (edits) a retry recognises a completed
   * draft by its line ids on the order. For a new order Dintero generates the id, so a completion whose answer was
   * lost cannot be found again: that case stops with needs_action rather than create a second order.
   */
  private async createAndComplete(body: OrdersDraftBody, existingOrderId: string | null): Promise<string> {
    const progress = this.op.progress ?? {}
    if (this.op.attempts > 1 && existingOrderId) {
      const order = await this.client.orders.getOrder(existingOrderId)
      const ids = new Set((order.items ?? []).map((i) => i.line_id))
      if (body.order.items.length > 0 && body.order.items.every((i) => ids.has(i.line_id))) return existingOrderId
    }
    let draftId = progress.draft_id as string | undefined
    if (draftId && this.op.attempts > 1) {
      const draft = await this.client.orders.getDraft(draftId)
      if (draft.status === "completed") {
        if (existingOrderId) return existingOrderId
        const own = (body.order as Record<string, unknown>).order_id
        if (typeof own === "string") return own
        throw new NeedsAction(
          `draft ${draftId} was completed but Dintero's answer (with the generated order id) was lost; look the order up in Dintero Backoffice and set it on the mirror, or configure generateOrderId: false`
        )
      }
    }
    if (!draftId) {
      const draft = await this.client.orders.createDraft(body as any)
      draftId = draft.id
      await this.setProgress("draft_id", draftId)
    }
    const { orders } = await this.client.orders.completeDraft(draftId)
    const orderId = existingOrderId ?? orders[0]?.order_id
    if (!orderId) throw new Error(`completing draft ${draftId} returned no order`)
    await this.setProgress("completed_order_id", orderId)
    return orderId
  }

  // ------------------------------------------------------------------ captures and refunds

  private async moneyRecord(kind: "capture" | "refund"): Promise<string | void> {
    const orderId = this.requireDinteroOrder()
    if (!this.op.plan) {
      const payment = await loadPayment(this.container, this.op.input!.payment_id)
      if (!payment) throw new NeedsAction(`payment ${this.op.input!.payment_id} not found`)
      if (!isDinteroPayment(payment)) throw new Skip("not a Dintero payment")
      const transactionId = this.transactionOf(payment)
      const rows = inRecordOrder(kind === "capture" ? payment.captures : payment.refunds)
      const index = rows.findIndex((r) => r.id === this.op.input!.record_id)
      if (index < 0) throw new NeedsAction(`${kind} ${this.op.input!.record_id} no longer exists in Medusa`)
      const currency = payment.currency_code.toUpperCase()
      const amount = minor(rows[index], currency)
      const reference = `${payment.id}-${kind === "capture" ? "c" : "r"}${index + 1}-${amount}`
      const tx = await this.client.checkout.getTransaction(transactionId)
      const event = findEvent(tx, kind === "capture" ? "CAPTURE" : "REFUND", reference, amount)
      const records = await this.records(orderId)
      const authorized = perLine(records, "authorizations", transactionId)
      const captured = perLine(records, "captures", transactionId)
      const refunded = perLine(records, "refunds", transactionId)
      const cancelled = perLine(records, "cancellations", transactionId)
      const items = allocateToOrders({
        kind,
        amount,
        eventItems: event?.items?.map((i) => ({ line_id: String(i.line_id), amount: i.amount })),
        checkoutLines: payment.id === this.state.original_payment_id ? this.state.checkout_lines : {},
        lines: liveLines(this.state),
        room: (lineId) =>
          kind === "capture"
            ? at(authorized, lineId) - at(cancelled, lineId) - at(captured, lineId)
            : at(captured, lineId) - at(refunded, lineId),
      })
      await this.setPlan({ body: buildPaymentOperation(items, transactionId), reference, event_found: !!event })
    }
    await this.recordOnce(kind === "capture" ? "captures" : "refunds", kind, this.op.plan!.body)
  }

  // ------------------------------------------------------------------ part authorization (a further payment)

  private async partAuthorization(): Promise<string | void> {
    const paymentId = this.op.input!.payment_id as string
    if (paymentId === this.state.original_payment_id) throw new Skip("authorized with the order")
    const orderId = this.requireDinteroOrder()
    if (!this.op.plan) {
      const payment = await loadPayment(this.container, paymentId)
      if (!payment || !isDinteroPayment(payment)) throw new Skip("not a Dintero payment")
      const transactionId = this.transactionOf(payment)
      let amount = toMinorUnits(payment.amount as any, payment.currency_code)
      const records = await this.records(orderId)
      if (Object.values(this.state.payments).includes(transactionId)) {
        // The payment reuses an authorization the Dintero order already records (kept across an order edit):
        // only what it holds beyond that (a raised Klarna/Billie authorization) is a new authorization.
        const byTx = perLine(records, "authorizations", transactionId)
        const cancelledTx = perLine(records, "cancellations", transactionId)
        const held = [...byTx.keys()].reduce((sum, line) => sum + at(byTx, line) - at(cancelledTx, line), 0)
        await this.saveMirror({ state: { ...this.state, payments: { ...this.state.payments, [paymentId]: transactionId } } })
        amount -= held
        if (amount <= 0) throw new Skip(`reuses the authorization of Dintero transaction ${transactionId}, already recorded`)
      }
      const authorized = perLine(records, "authorizations")
      const cancelled = perLine(records, "cancellations")
      for (const v of this.state.pending_voids ?? []) for (const i of v.body.items) cancelled.set(i.line_id, at(cancelled, i.line_id) + i.amount)
      const { items, unplaced } = allocateAuthorization(liveLines(this.state), (l) => at(authorized, l) - at(cancelled, l), amount)
      if (items.length === 0) throw new NeedsAction(`payment ${paymentId} (${amount}) matches no line left to authorize on the Dintero order`)
      await this.setPlan({ body: buildPaymentOperation(items, transactionId), unplaced })
      await this.saveMirror({ state: { ...this.state, payments: { ...this.state.payments, [paymentId]: transactionId } } })
    }
    await this.recordOnce("authorizations", "authorization", this.op.plan!.body)
    await this.recordPendingVoids()
    if (this.op.plan!.unplaced > 0) return `${this.op.plan!.unplaced} of the payment exceeds the lines' open amount and is not recorded`
  }

  /** Cancellations of authorizations Medusa voided at an edit, deferred until another payment holds money. */
  private async recordPendingVoids() {
    const voids = this.state.pending_voids ?? []
    for (const v of voids) await this.recordOnce("cancellations", `void-${v.key.replace(/[^A-Za-z0-9_-]/g, "_")}`, v.body)
    if (voids.length) await this.saveMirror({ state: { ...this.state, pending_voids: [] } })
  }

  // ------------------------------------------------------------------ cancellation

  private async cancellation(): Promise<string | void> {
    const orderId = this.requireDinteroOrder()
    if (!this.op.plan) {
      const records = await this.records(orderId)
      const bodies: { key: string; body: ReturnType<typeof buildPaymentOperation> }[] = []
      for (const tx of new Set(Object.values(this.state.payments))) {
        const a = perLine(records, "authorizations", tx)
        const c = perLine(records, "captures", tx)
        const x = perLine(records, "cancellations", tx)
        const items = this.state.lines
          .map((l) => ({ line_id: l.line_id, amount: at(a, l.line_id) - at(c, l.line_id) - at(x, l.line_id) }))
          .filter((i) => i.amount !== 0)
        if (items.length > 0) bodies.push({ key: `cancellation-${tx}`, body: buildPaymentOperation(items, tx) })
      }
      await this.setPlan({ bodies })
    }
    if (this.op.plan!.bodies.length === 0) return "nothing authorized was left to cancel"
    for (const { key, body } of this.op.plan!.bodies) await this.recordOnce("cancellations", key, body)
  }

  // ------------------------------------------------------------------ order edit

  private async orderEdit(): Promise<string | void> {
    const dinteroOrderId = this.requireDinteroOrder()
    if (!this.op.plan) {
      const order = await loadOrder(this.container, this.orderId)
      if (!order) throw new NeedsAction(`order ${this.orderId} not found`)
      const state = this.state
      const edit = buildEditDraft(dinteroOrderId, state.snapshot, order, { reason: this.op.input?.reason ?? "Order edited" })
      if (!edit) {
        await this.setPlan({ nothing: true })
        return "nothing the Orders API records changed"
      }
      const records = await this.records(dinteroOrderId)
      const txs = orderedTransactions(state)
      const authorized = new Map(txs.map((tx) => [tx, perLine(records, "authorizations", tx)]))
      const cancelled = new Map(txs.map((tx) => [tx, perLine(records, "cancellations", tx)]))
      const captured = new Map(txs.map((tx) => [tx, perLine(records, "captures", tx)]))
      const voidNotes: string[] = []
      const voided: { key: string; body: ReturnType<typeof buildPaymentOperation> }[] = []
      // An authorization Medusa voided when the edit was confirmed (issue #14984) is gone at Dintero: record the
      // cancellation first, so the edit only moves money that is still held.
      for (const [paymentId, tx] of Object.entries(state.payments)) {
        const transaction = await this.client.checkout.getTransaction(tx)
        if (transaction.status !== "AUTHORIZATION_VOIDED") continue
        const items = state.lines
          .map((l) => ({ line_id: l.line_id, amount: at(authorized.get(tx)!, l.line_id) - at(captured.get(tx)!, l.line_id) - at(cancelled.get(tx)!, l.line_id) }))
          .filter((i) => i.amount !== 0)
        if (items.length > 0) {
          voided.push({ key: `voided-${tx}`, body: buildPaymentOperation(items, tx) })
          for (const i of items) cancelled.get(tx)!.set(i.line_id, at(cancelled.get(tx)!, i.line_id) + i.amount)
        }
        voidNotes.push(`Medusa voided the authorization of payment ${paymentId} (Dintero ${tx}) when the edit was confirmed`)
      }
      const payments = planEditPayments({
        reversed: edit.reversed,
        added: edit.added,
        payments: txs,
        authorized: (tx, line) => at(authorized.get(tx)!, line) - at(cancelled.get(tx)!, line),
        captured: (tx, line) => at(captured.get(tx)!, line),
        nextLineId: edit.snapshot.next_line_id,
        reversedTax: edit.reversed.map((r) => state.snapshot.lines.find((l) => l.line_id === r.reverses_line_id)?.tax_lines ?? []),
        currency: edit.body.order.currency,
      })
      const draft = edit.body
      if (payments.refundRemaining) draft.order.items.push(payments.refundRemaining)
      const snapshot: MirrorSnapshot = {
        ...edit.snapshot,
        next_line_id: edit.snapshot.next_line_id + (payments.refundRemaining ? 1 : 0),
      }
      const reversedBy = new Map(edit.reversed.map((r) => [r.reverses_line_id, r.line_id]))
      const lines: LedgerLine[] = [
        ...state.lines.map((l) => (reversedBy.has(l.line_id) ? { ...l, reversed_by: reversedBy.get(l.line_id) } : l)),
        ...edit.reversed.map((r) => ({ line_id: r.line_id, medusa_id: r.medusa_id, role: "reversal" as const, gross_amount: r.gross_amount, from_edit: true })),
        ...edit.added.map((a) => ({ line_id: a.line_id, medusa_id: a.medusa_id, role: "item" as const, gross_amount: a.gross_amount, from_edit: true })),
        ...(payments.refundRemaining
          ? [{ line_id: payments.refundRemaining.line_id, medusa_id: "", role: "refund_remaining" as const, gross_amount: payments.refundRemaining.gross_amount, from_edit: true }]
          : []),
      ]
      await this.setPlan({
        draft,
        voided,
        records: payments.records,
        unauthorized: payments.unauthorized,
        notes: voidNotes,
        state: { ...state, snapshot, lines },
      })
    }
    const plan = this.op.plan!
    if (plan.nothing) return "nothing the Orders API records changed"
    if (!this.op.progress?.draft_done) {
      await this.createAndComplete(plan.draft, dinteroOrderId)
      await this.setProgress("draft_done", true)
      // A voided authorization is recorded (as a cancellation) together with the next payment's authorization:
      // recorded now, it would leave the Dintero order with nothing held, and Dintero closes such an order.
      const pendingVoids = [...((plan.state as MirrorState).pending_voids ?? []), ...plan.voided.map((v: any) => ({ ...v, key: `${this.op.identity}#${v.key}` }))]
      await this.saveMirror({ state: { ...plan.state, pending_voids: pendingVoids } })
    }
    for (const record of plan.records) {
      await this.recordOnce(record.kind, record.key, buildPaymentOperation(record.items, record.payment_id))
    }
    if ((plan.notes ?? []).length > 0) await this.notice(`voided:${dinteroOrderId}:${this.op.identity}`, `${plan.notes.join("; ")}. Medusa opened a new payment collection for the order's full new total: the shopper must pay again (Medusa issue #14984). Capture before editing, or see docs/orders-mirror.md.`)
    const notes = [...(plan.notes ?? [])]
    if (plan.unauthorized > 0) notes.push(`${plan.unauthorized} of the new lines awaits the payment of the difference (part authorization)`)
    return notes.length > 0 ? notes.join("; ") : undefined
  }
}

/** The original payment first, then the others in the order the mirror learnt them. */
function orderedTransactions(state: MirrorState): string[] {
  const first = state.original_payment_id ? state.payments[state.original_payment_id] : undefined
  return [...new Set([...(first ? [first] : []), ...Object.values(state.payments)])]
}

function findEvent(tx: Transaction, kind: "CAPTURE" | "REFUND", reference: string, amount: number) {
  const events = (tx.events ?? []).filter((e) => e.event === kind && e.success !== false)
  return events.find((e) => e.event_reference === reference) ?? (events.length === 1 && events[0].amount === amount && kind === "CAPTURE" && !events[0].event_reference ? events[0] : undefined)
}

function sanitizeOrderId(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 64)
}

function describeError(e: unknown): string {
  if (e instanceof DinteroError) {
    const detail = e.dinteroMessage ? `${e.code ? `[${e.code}] ` : ""}${e.dinteroMessage}` : e.message
    return `Dintero ${e.method} ${e.path}${e.status ? ` answered ${e.status}` : ` failed (${e.kind})`}: ${detail}`.slice(0, 2000)
  }
  return String((e as Error)?.message ?? e).slice(0, 2000)
}
