/**
 * Writes to Dintero's Orders API exactly once per step of an operation. The client does not retry Orders POSTs,
 * and a lost answer is not proof that nothing was recorded: so every record carries a marker
 * (`metadata.medusa_operation = <identity>#<step key>`), and a retry first looks the record up by it before sending
 * again. Each Orders record kind has its own named method (authorization, capture, refund, cancellation).
 */
import type { OrdersApi, OrdersPaymentOperation, OrdersPaymentOperationCreate } from "../../dintero"
import type { OrdersDraftBody, PaymentOperationBody } from "../../mapping/orders"
import { AttemptLedger, type LedgerSource } from "../../mapping/orders-mirror/attempt-ledger"
import { findByMarker, type OrdersRecords, type RecordKind } from "../../mapping/orders-mirror/ledger"
import type { Progress } from "./operation"

/** Where the recorder keeps what it already sent (the operation's `progress`, saved on every change). */
export interface ProgressStore {
  readonly progress: Progress
  set<K extends keyof Progress>(key: K, value: Progress[K]): Promise<void>
}

export type DraftCompletion = { ok: true; orderId: string } | { ok: false; needsAction: string }

export const PROCESSED_BY = "medusa-payment-dintero"

export class OrdersRecorder {
  constructor(
    private readonly orders: OrdersApi,
    /** The operation's identity: the prefix of every marker. */
    private readonly identity: string,
    /** Attempts made, this one included: a first attempt has nothing to look up. */
    private readonly attempts: number,
    private readonly store: ProgressStore,
    /** What this attempt can vouch for of the order's records (the recorded ledger it leaves behind, or none). */
    readonly ledger: AttemptLedger = new AttemptLedger(null, true)
  ) {}

  /** Every payment record of the Dintero order, read back (plans start from what Dintero holds). */
  async readRecords(dinteroOrderId: string): Promise<OrdersRecords> {
    const [authorizations, captures, refunds, cancellations] = await Promise.all([
      this.orders.listAuthorizations(dinteroOrderId),
      this.orders.listCaptures(dinteroOrderId),
      this.orders.listRefunds(dinteroOrderId),
      this.orders.listCancellations(dinteroOrderId),
    ])
    const records = { authorizations, captures, refunds, cancellations }
    this.ledger.read(records)
    return records
  }

  /**
   * The payment records a capture or refund is planned from: the recorded ledger on a first attempt that took one
   * (no Dintero request), else Dintero's records read back.
   */
  async plannedRecords(dinteroOrderId: string): Promise<{ records: OrdersRecords; from: LedgerSource }> {
    const recorded = this.attempts === 1 ? this.ledger.plannable() : null
    if (recorded) return { records: recorded, from: "ledger" }
    return { records: await this.readRecords(dinteroOrderId), from: "dintero" }
  }

  /** Whether `records` hold the record this operation's step `key` created (found by its marker). */
  holds(records: OrdersRecords, kind: RecordKind, key: string): boolean {
    return !!findByMarker(records[kind], `${this.identity}#${key}`)
  }

  /** `lastStep`: see `once`. */
  recordAuthorization(dinteroOrderId: string, key: string, body: PaymentOperationBody, opts: { lastStep?: boolean } = {}): Promise<void> {
    return this.once(
      key,
      body,
      "authorizations",
      {
        list: () => this.orders.listAuthorizations(dinteroOrderId),
        create: (b) => this.orders.createAuthorization(dinteroOrderId, b),
      },
      opts
    )
  }

  recordCapture(dinteroOrderId: string, key: string, body: PaymentOperationBody): Promise<void> {
    return this.once(key, body, "captures", {
      list: () => this.orders.listCaptures(dinteroOrderId),
      create: (b) => this.orders.createCapture(dinteroOrderId, b),
    })
  }

  recordRefund(dinteroOrderId: string, key: string, body: PaymentOperationBody): Promise<void> {
    return this.once(key, body, "refunds", {
      list: () => this.orders.listRefunds(dinteroOrderId),
      create: (b) => this.orders.createRefund(dinteroOrderId, b),
    })
  }

  recordCancellation(dinteroOrderId: string, key: string, body: PaymentOperationBody): Promise<void> {
    return this.once(key, body, "cancellations", {
      list: () => this.orders.listCancellations(dinteroOrderId),
      create: (b) => this.orders.createCancellation(dinteroOrderId, b),
    })
  }

  /**
   * Sends the step's record unless an earlier attempt did. `lastStep`: the attempt ends with this record (its outcome
   * is saved next, ending the operation), so the record's id is not saved in the progress first: a retry after a
   * crash in between finds the record by its marker, as it does after a crash before that save.
   */
  private async once(
    key: string,
    body: PaymentOperationBody,
    kind: RecordKind,
    api: { list: () => Promise<OrdersPaymentOperation[]>; create: (body: OrdersPaymentOperationCreate) => Promise<OrdersPaymentOperation> },
    opts: { lastStep?: boolean } = {}
  ): Promise<void> {
    const sent = this.store.progress.sent ?? {}
    if (sent[key]) {
      this.ledger.sentEarlier()
      return
    }
    const marker = `${this.identity}#${key}`
    let id: string | undefined
    if (this.attempts > 1) id = findByMarker(await api.list(), marker)?.id
    // Applied by an earlier attempt whose answer was lost: whether the ledger's base counts it is not known.
    if (id) this.ledger.distrust()
    if (!id) {
      id = (await this.sending(() => api.create({ ...body, processed_by: PROCESSED_BY, metadata: { medusa_operation: marker } }))).id
      this.ledger.created(kind, body)
    }
    if (!opts.lastStep) await this.store.set("sent", { ...sent, [key]: id })
  }

  /** A request that may change Dintero's records: without its answer, what it did is unknown. */
  private async sending<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send()
    } catch (e) {
      this.ledger.distrust()
      throw e
    }
  }

  /**
   * Creates the draft and completes it. A retry after a completion whose answer arrived (saved as
   * `completed_order_id`; the attempt ended before its caller saved the id) takes that id without asking Dintero.
   * For a draft on an existing order (edits) a retry recognises a completed draft by its line ids on the order. For
   * a new order Dintero generates the id, so a completion whose answer was lost cannot be found again: that case
   * asks for action rather than create a second order.
   */
  async createAndCompleteDraft(body: OrdersDraftBody, existingOrderId: string | null): Promise<DraftCompletion> {
    const completedEarlier = this.store.progress.completed_order_id
    if (completedEarlier) return { ok: true, orderId: completedEarlier }
    if (this.attempts > 1 && existingOrderId) {
      const order = await this.orders.getOrder(existingOrderId)
      const ids = new Set((order.items ?? []).map((i) => i.line_id))
      if (body.order.items.length > 0 && body.order.items.every((i) => ids.has(i.line_id))) return { ok: true, orderId: existingOrderId }
    }
    let draftId = this.store.progress.draft_id
    if (draftId && this.attempts > 1) {
      const draft = await this.orders.getDraft(draftId)
      if (draft.status === "completed") {
        if (existingOrderId) return { ok: true, orderId: existingOrderId }
        if (body.order.order_id) return { ok: true, orderId: body.order.order_id }
        return {
          ok: false,
          needsAction: `draft ${draftId} was completed but Dintero's answer (with the generated order id) was lost; look the order up in Dintero Backoffice and set it on the mirror, or configure generateOrderId: false`,
        }
      }
    }
    if (!draftId) {
      const draft = await this.orders.createDraft(body)
      draftId = draft.id
      await this.store.set("draft_id", draftId)
    }
    const { orders } = await this.sending(() => this.orders.completeDraft(draftId))
    const orderId = existingOrderId ?? orders[0]?.order_id
    if (!orderId) throw new Error(`completing draft ${draftId} returned no order`)
    // A Dintero order this attempt created holds no payment record yet: the ledger starts empty.
    if (!existingOrderId) this.ledger.newOrder()
    await this.store.set("completed_order_id", orderId)
    return { ok: true, orderId }
  }
}
