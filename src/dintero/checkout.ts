import { DinteroError } from "./errors"
import { isSuccessfulEvent } from "./transactions"
import { DinteroTransport, HttpResult, RequestSpec, wasNotProcessed } from "./http"
import {
  Session as SessionSchema,
  SessionCreated as SessionCreatedSchema,
  SessionOrderUpdate as SessionOrderUpdateSchema,
  Transaction as TransactionSchema,
  TransactionList as TransactionListSchema,
  readContract,
} from "./contract"
import type {
  AuthorizationUpdate,
  CaptureRequest,
  RefundRequest,
  Session,
  SessionCreate,
  SessionCreated,
  SessionOrderUpdate,
  Transaction,
  TransactionEvent,
  TransactionListQuery,
} from "./types"

/** The largest page `GET /transactions` gives (SPEC-TS:8163, `limit` 1..100). */
const PAGE_SIZE = 100

/**
 * What `updateSession` accepts: the update schema's order fields, plus `merchant_reference`, which the update schema
 * does not have (SPEC-TS:2983; it is fixed at creation) - callers may pass the order they built for creation.
 */
export interface SessionUpdateInput {
  order: SessionOrderUpdate & { merchant_reference?: string }
  express?: Record<string, unknown>
  /** Default true: releases the pay lock the shopper's page took (WOO update-checkout-session request). */
  remove_lock?: boolean
}

export interface UpdateSessionOptions {
  /**
   * Who holds the session while we update it (SPEC-TS:7578-7584, DOCS:checkout/updating-session):
   * - "not-rendered" (default): server-to-server before the checkout page was rendered -> `?update_without_lock=true`.
   * - "locked-by-page": the shopper's page locked the session (Web SDK `lockSession()` -> `SessionLocked`); the PUT
   *   is sent without `update_without_lock` and `remove_lock: true` unlocks it; the page then calls
   *   `refreshSession()`. There is no public server-side lock endpoint: the lock is taken in the browser.
   */
  lock?: "not-rendered" | "locked-by-page"
}

export interface CreateSessionOptions {
  /** `?include_session=true`: the response then carries the full Session. */
  includeSession?: boolean
  /** Sends `Dintero-Feature-Toggles: strict-session-amounts` (Dintero then rejects order.amount != sum). Default true. */
  strictAmounts?: boolean
}

export interface GetTransactionOptions {
  /** e.g. ["session", "card.payment_token"]; sent as repeated `includes` parameters. */
  includes?: string[]
}

/** Result of capture / refund / void. */
export interface TransactionOperationResult {
  /** The transaction as Dintero returned it (or as re-read when `reconciled`). */
  transaction: Transaction
  /** true when Dintero answered 202: the operation is applied asynchronously; the status may not reflect it yet. */
  async: boolean
  /** The `event-request-id` header of a 202 answer; correlates with the later event's correlation_request_id. */
  eventRequestId?: string
  /** true when the answer was lost and the client found the operation applied by re-reading the transaction. */
  reconciled: boolean
}

/** Dintero Checkout API: sessions and transactions (`{checkoutBaseUrl}`). */
export class CheckoutApi {
  constructor(private readonly transport: DinteroTransport) {}

  /**
   * `POST /sessions-profile`. Not retried after a timeout / network error / 5xx: a lost response may have created
   * the session, and a blind retry would create a second one. The caller creates a new session instead (an
   * orphaned unpaid session simply expires). Retried only on 429 / ECONNREFUSED (certainly not processed).
   */
  async createSession(body: SessionCreate, options: CreateSessionOptions = {}): Promise<SessionCreated> {
    const headers: Record<string, string> = {}
    if (options.strictAmounts !== false) headers["Dintero-Feature-Toggles"] = "strict-session-amounts"
    const spec: RequestSpec = {
      method: "POST",
      host: "checkout",
      path: "/sessions-profile",
      query: options.includeSession ? { include_session: "true" } : undefined,
      headers,
      body,
      retry: "unsafe",
    }
    return this.read(spec, SessionCreatedSchema, "the created session")
  }

  /** `GET /sessions/{id}`: also how a callback finds our records (the session's metadata), SPEC-TS:7533. */
  async getSession(id: string): Promise<Session> {
    return this.read({ method: "GET", host: "checkout", path: `/sessions/${enc(id)}`, retry: "idempotent" }, SessionSchema, "the session")
  }

  /**
   * `PUT /sessions/{id}` (cart changed before payment). Sends only fields the update schema has (SPEC-TS:5196,
   * 2983): `merchant_reference` is left out (it cannot change); any other unknown order field is a programming error.
   * See UpdateSessionOptions for the lock. Dintero refuses an unlocked update once the page was rendered; the caller
   * then either has the page lock it, or replaces the session (cancel + create).
   */
  async updateSession(id: string, input: SessionUpdateInput, options: UpdateSessionOptions = {}): Promise<Session> {
    const body = toSessionUpdate(input)
    const res = await this.read(
      {
        method: "PUT",
        host: "checkout",
        path: `/sessions/${enc(id)}`,
        query: options.lock === "locked-by-page" ? undefined : { update_without_lock: "true" },
        body,
        // The update replaces what it names: sending it twice has the effect of sending it once.
        retry: "idempotent",
      },
      SessionSchema,
      "the updated session"
    )
    return res
  }

  /**
   * The hosted checkout page of a session: `{checkoutBaseUrl}/view/{id}`, the shape of SessionCreated.url (SPEC-TS:7199)
   * in Dintero's documented answer (`https://checkout.dintero.com/v1/view/T12345678.…`). Needed only for a
   * session the plugin did not create in this request (an open session continued after a cart change).
   */
  hostedPageUrl(id: string): string {
    return `${this.transport.checkoutBaseUrl}/view/${enc(id)}`
  }

  /** `POST /sessions/{id}/cancel`. After a lost answer the session is re-read: `cancelled_at` set = success. */
  async cancelSession(id: string): Promise<Session> {
    const spec: RequestSpec = { method: "POST", host: "checkout", path: `/sessions/${enc(id)}/cancel`, retry: "none" }
    return this.transport.withRetries(
      "POST",
      this.transport.displayPath(spec),
      async (_attempt, previous) => {
        if (previous && !wasNotProcessed(previous)) {
          const session = await this.getSession(id)
          if (session.cancelled_at) {
            this.reconciledLog(spec, "session is cancelled")
            return session
          }
        }
        return this.read(spec, SessionSchema, "the cancelled session")
      },
      (err) => err.retryable
    )
  }

  /**
   * `GET /transactions/{id}`. `includes: ["session"]` embeds the session (SPEC-TS:8099), which is where custom
   * session metadata can be read: the transaction's own `metadata` holds Dintero's keys only (SPEC-TS:6206-6230).
   */
  async getTransaction(id: string, options: GetTransactionOptions = {}): Promise<Transaction> {
    return this.read(
      {
        method: "GET",
        host: "checkout",
        path: `/transactions/${enc(id)}`,
        query: options.includes?.length ? { includes: options.includes } : undefined,
        retry: "idempotent",
      },
      TransactionSchema,
      "the transaction"
    )
  }

  /**
   * `GET /transactions` filtered by session / merchant reference / status; Dintero answers an array (SPEC-TS:8163).
   * The list accepts `includes=events.success.true` only (SPEC-TS:8236), not `session`: read sessions one by one.
   */
  async listTransactions(query: TransactionListQuery = {}): Promise<Transaction[]> {
    return this.read(
      {
        method: "GET",
        host: "checkout",
        path: "/transactions",
        query: {
          session_id: query.session_id,
          merchant_reference: query.merchant_reference,
          status: query.status,
          "created_at.gte": query["created_at.gte"],
          "created_at.lte": query["created_at.lte"],
          limit: query.limit,
          starting_after: query.starting_after,
        },
        retry: "idempotent",
      },
      TransactionListSchema,
      "the transaction list"
    )
  }

  /**
   * Every transaction created at or after `since`, page by page (100 a page, `starting_after` the last id read), with
   * the number of requests it took (`pageSize` is for tests: the paging is the same at 100). It stops at a short page, or at a page that brings no new id (a server that
   * ignored `starting_after` would otherwise be read for ever).
   */
  async listTransactionsCreatedSince(since: Date, pageSize: number = PAGE_SIZE): Promise<{ transactions: Transaction[]; requests: number }> {
    const seen = new Map<string, Transaction>()
    let requests = 0
    let after: string | undefined
    for (;;) {
      const page = await this.listTransactions({ "created_at.gte": since.toISOString(), limit: pageSize, starting_after: after })
      requests++
      const fresh = page.filter((tx) => !seen.has(tx.id))
      for (const tx of fresh) seen.set(tx.id, tx)
      if (page.length < pageSize || !fresh.length) break
      after = page[page.length - 1]?.id
    }
    return { transactions: [...seen.values()], requests }
  }

  /**
   * `POST /transactions/{id}/capture`. `capture_reference` is required: after a lost answer the transaction is
   * re-read and a successful CAPTURE event with this reference and amount counts as success; otherwise the
   * capture is sent again (bounded). References must therefore be unique per capture.
   */
  async captureTransaction(id: string, body: CaptureRequest & { capture_reference: string }): Promise<TransactionOperationResult> {
    requireReference(body.capture_reference, "capture_reference")
    return this.moneyOperation(
      id,
      "capture",
      body,
      (tx) => findApplied(tx, "CAPTURE", body.capture_reference, body.amount),
      (tx) => outcomeEvent(tx, "CAPTURE", body.capture_reference)
    )
  }

  /** `POST /transactions/{id}/refund`; same reconciliation as capture, keyed by `refund_reference`. */
  async refundTransaction(id: string, body: RefundRequest & { refund_reference: string }): Promise<TransactionOperationResult> {
    requireReference(body.refund_reference, "refund_reference")
    return this.moneyOperation(
      id,
      "refund",
      body,
      (tx) => findApplied(tx, "REFUND", body.refund_reference, body.amount),
      (tx) => outcomeEvent(tx, "REFUND", body.refund_reference)
    )
  }

  /** `POST /transactions/{id}/void`. After a lost answer: status AUTHORIZATION_VOIDED on re-read = success. */
  voidTransaction(id: string): Promise<TransactionOperationResult> {
    return this.moneyOperation(
      id,
      "void",
      undefined,
      (tx) => {
        if (tx.status === "AUTHORIZATION_VOIDED") return "applied"
        const pending = (tx.events ?? []).some((ev) => ev.event === "INITIATE_VOID" && ev.success !== false)
        return pending ? "pending" : undefined
      },
      (tx) => {
        const events = tx.events ?? []
        const last = [...events].reverse().find((ev) => ev.event === "VOID")
        return last && (last.success === false || tx.status !== "AUTHORIZATION_VOIDED") ? last : undefined
      }
    )
  }

  /**
   * `POST /transactions/{id}/authorization` (extend / change the authorized amount). Not retried after a lost
   * answer (amount changes are not idempotent and conflicts answer 409); the caller re-reads the transaction.
   */
  async updateAuthorization(id: string, body: AuthorizationUpdate): Promise<Transaction> {
    return this.read(
      { method: "POST", host: "checkout", path: `/transactions/${enc(id)}/authorization`, body, retry: "unsafe" },
      TransactionSchema,
      "the transaction"
    )
  }

  /** One exchange whose 2xx body is checked against the contract (contract_violation naming the field otherwise). */
  private async read<S extends Parameters<typeof readContract>[0]>(spec: RequestSpec, schema: S, what: string) {
    const res = await this.transport.request<unknown>(spec)
    return readContract(schema, res.data, what, {
      method: spec.method,
      path: this.transport.displayPath(spec),
      status: res.status,
      requestId: res.requestId,
    })
  }

  private moneyOperation(
    id: string,
    operation: "capture" | "refund" | "void",
    body: unknown,
    applied: (tx: Transaction) => "applied" | "pending" | undefined,
    /** The event of a synchronous (200) answer: missing or `success: false` means no money moved. */
    outcome: (tx: Transaction) => TransactionEvent | undefined | "missing"
  ): Promise<TransactionOperationResult> {
    const spec: RequestSpec = {
      method: "POST",
      host: "checkout",
      path: `/transactions/${enc(id)}/${operation}`,
      // Dintero ignores a void body; send none.
      body,
      retry: "none",
    }
    return this.transport.withRetries(
      "POST",
      this.transport.displayPath(spec),
      async (_attempt, previous) => {
        // The previous attempt may have been applied (timeout, reset, 5xx): look before sending it again.
        if (previous && !wasNotProcessed(previous)) {
          const tx = await this.getTransaction(id)
          const state = applied(tx)
          if (state) {
            this.reconciledLog(spec, state === "applied" ? "found applied on re-read" : "found pending on re-read")
            return { transaction: tx, async: state === "pending", reconciled: true }
          }
        }
        const res = await this.transport.request<unknown>(spec)
        const at = { method: "POST", path: this.transport.displayPath(spec), status: res.status, requestId: res.requestId }
        const transaction = readContract(TransactionSchema, res.data, "the transaction", at)
        if (res.status !== 202) checkOutcome(operation, outcome(transaction), at)
        return toOperationResult({ ...res, data: transaction })
      },
      (err) => err.retryable
    )
  }

  private reconciledLog(spec: RequestSpec, what: string): void {
    this.transport.log("info", `Dintero ${spec.method} ${this.transport.displayPath(spec)} ${what}; not re-sending`)
  }
}

function toOperationResult(res: HttpResult<Transaction>): TransactionOperationResult {
  const isAsync = res.status === 202
  const eventRequestId = res.headers["event-request-id"]
  return {
    transaction: res.data,
    async: isAsync,
    ...(eventRequestId ? { eventRequestId } : {}),
    reconciled: false,
  }
}

/**
 * The event that reports a synchronous capture/refund: the newest one of `kind` whose event_reference is ours
 * (SPEC-TS:5405-5412), successful or not. "missing" when a 200 carries no such event at all.
 */
function outcomeEvent(tx: Transaction, kind: "CAPTURE" | "REFUND", reference: string): TransactionEvent | "missing" {
  const found = [...(tx.events ?? [])].reverse().find((ev) => ev.event === kind && ev.event_reference === reference)
  return found ?? "missing"
}

/**
 * "Captures might fail … check that the response indicates a successful capture" (DOCS:checkout/
 * transaction-management): a 2xx answer whose event says `success: false` moved no money. Surfaced as a DinteroError
 * of kind "rejected" carrying Dintero's reason; a 200 without our event is a contract violation.
 */
function checkOutcome(
  operation: "capture" | "refund" | "void",
  event: TransactionEvent | undefined | "missing",
  at: { method: string; path: string; status: number; requestId: string }
): void {
  if (event === undefined) return
  if (event === "missing") {
    throw new DinteroError({
      kind: "contract",
      ...at,
      code: "contract_violation",
      dinteroMessage: `the ${operation} answer has no ${operation.toUpperCase()} event with our reference (events[].event_reference)`,
      retryable: false,
    })
  }
  if (event.success !== false) return
  throw new DinteroError({
    kind: "rejected",
    ...at,
    code: event.error?.code ?? "operation_failed",
    dinteroMessage: event.error?.message ?? `the ${operation} event reports success: false without a reason`,
    errors: event.error ? [event.error] : undefined,
    retryable: (event.error?.retry_policy?.retry_codes ?? []).some((c) => c !== "DO_NOT_RETRY"),
  })
}

/** The update body: only fields SPEC-TS:2983 SessionOrderUpdate has; `merchant_reference` dropped (fixed at create). */
export function toSessionUpdate(input: SessionUpdateInput): { order: SessionOrderUpdate; express?: Record<string, unknown>; remove_lock: boolean } {
  const { merchant_reference: _fixedAtCreation, ...order } = input.order
  const allowed = new Set(Object.keys(SessionOrderUpdateSchema.shape))
  const unknown = Object.keys(order).filter((k) => !allowed.has(k))
  if (unknown.length) {
    // A programming error, not a Dintero answer: the update schema has no such field.
    throw new TypeError(`updateSession: order.${unknown[0]} is not a field of Dintero's session update (SessionOrderUpdate)`)
  }
  return {
    order: order as SessionOrderUpdate,
    ...(input.express !== undefined ? { express: input.express } : {}),
    remove_lock: input.remove_lock ?? true,
  }
}

/**
 * "applied": a successful CAPTURE/REFUND event carries our reference (and, when the event has one, our amount).
 * "pending": only the INITIATE_* event of an async operation exists so far.
 */
function findApplied(
  tx: Transaction,
  kind: "CAPTURE" | "REFUND",
  reference: string,
  amount: number
): "applied" | "pending" | undefined {
  const matches = (ev: TransactionEvent, name: string) =>
    ev.event === name &&
    ev.event_reference === reference &&
    isSuccessfulEvent(ev) &&
    (ev.amount === undefined || ev.amount === amount)
  const events = tx.events ?? []
  if (events.some((ev) => matches(ev, kind))) return "applied"
  if (events.some((ev) => matches(ev, `INITIATE_${kind}`))) return "pending"
  return undefined
}

function requireReference(value: unknown, field: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    // A programming error, not a Dintero answer: without a reference a lost answer cannot be reconciled.
    throw new TypeError(`${field} is required (it makes retries safe)`)
  }
}

function enc(id: string): string {
  return encodeURIComponent(id)
}
