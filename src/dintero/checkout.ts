import { DinteroTransport, HttpResult, RequestSpec, wasNotProcessed } from "./http"
import type {
  AuthorizationUpdate,
  CaptureRequest,
  RefundRequest,
  Session,
  SessionCreate,
  SessionCreated,
  SessionUpdate,
  Transaction,
  TransactionEvent,
  TransactionListQuery,
} from "./types"

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
    const res = await this.transport.request<SessionCreated>({
      method: "POST",
      host: "checkout",
      path: "/sessions-profile",
      query: options.includeSession ? { include_session: "true" } : undefined,
      headers,
      body,
      retry: "unsafe",
    })
    return res.data
  }

  async getSession(id: string): Promise<Session> {
    const res = await this.transport.request<Session>({
      method: "GET",
      host: "checkout",
      path: `/sessions/${enc(id)}`,
      retry: "idempotent",
    })
    return res.data
  }

  /** `PUT /sessions/{id}?update_without_lock=true` (server-side cart change before the checkout is paid). */
  async updateSession(id: string, body: SessionUpdate): Promise<Session> {
    const res = await this.transport.request<Session>({
      method: "PUT",
      host: "checkout",
      path: `/sessions/${enc(id)}`,
      query: { update_without_lock: "true" },
      body,
      // PUT replaces the order: sending it twice has the effect of sending it once.
      retry: "idempotent",
    })
    return res.data
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
        return (await this.transport.request<Session>(spec)).data
      },
      (err) => err.retryable
    )
  }

  async getTransaction(id: string, options: GetTransactionOptions = {}): Promise<Transaction> {
    const res = await this.transport.request<Transaction>({
      method: "GET",
      host: "checkout",
      path: `/transactions/${enc(id)}`,
      query: options.includes?.length ? { includes: options.includes } : undefined,
      retry: "idempotent",
    })
    return res.data
  }

  /** `GET /transactions` filtered by session / merchant reference / status. Dintero answers with an array. */
  async listTransactions(query: TransactionListQuery = {}): Promise<Transaction[]> {
    const res = await this.transport.request<Transaction[] | { transactions?: Transaction[] }>({
      method: "GET",
      host: "checkout",
      path: "/transactions",
      query: {
        session_id: query.session_id,
        merchant_reference: query.merchant_reference,
        status: query.status,
        limit: query.limit,
      },
      retry: "idempotent",
    })
    const data = res.data
    if (Array.isArray(data)) return data
    return Array.isArray(data?.transactions) ? data.transactions : []
  }

  /**
   * `POST /transactions/{id}/capture`. `capture_reference` is required: after a lost answer the transaction is
   * re-read and a successful CAPTURE event with this reference and amount counts as success; otherwise the
   * capture is sent again (bounded). References must therefore be unique per capture.
   */
  async captureTransaction(id: string, body: CaptureRequest): Promise<TransactionOperationResult> {
    requireReference(body.capture_reference, "capture_reference")
    return this.moneyOperation(id, "capture", body, (tx) =>
      findApplied(tx, "CAPTURE", body.capture_reference, body.amount)
    )
  }

  /** `POST /transactions/{id}/refund`; same reconciliation as capture, keyed by `refund_reference`. */
  async refundTransaction(id: string, body: RefundRequest): Promise<TransactionOperationResult> {
    requireReference(body.refund_reference, "refund_reference")
    return this.moneyOperation(id, "refund", body, (tx) =>
      findApplied(tx, "REFUND", body.refund_reference, body.amount)
    )
  }

  /** `POST /transactions/{id}/void`. After a lost answer: status AUTHORIZATION_VOIDED on re-read = success. */
  voidTransaction(id: string): Promise<TransactionOperationResult> {
    return this.moneyOperation(id, "void", undefined, (tx) => {
      if (tx.status === "AUTHORIZATION_VOIDED") return "applied"
      const pending = (tx.events ?? []).some((ev) => ev.event === "INITIATE_VOID" && ev.success !== false)
      return pending ? "pending" : undefined
    })
  }

  /**
   * `POST /transactions/{id}/authorization` (extend / change the authorized amount). Not retried after a lost
   * answer (amount changes are not idempotent and conflicts answer 409); the caller re-reads the transaction.
   */
  async updateAuthorization(id: string, body: AuthorizationUpdate): Promise<Transaction> {
    const res = await this.transport.request<Transaction>({
      method: "POST",
      host: "checkout",
      path: `/transactions/${enc(id)}/authorization`,
      body,
      retry: "unsafe",
    })
    return res.data
  }

  private moneyOperation(
    id: string,
    operation: "capture" | "refund" | "void",
    body: unknown,
    applied: (tx: Transaction) => "applied" | "pending" | undefined
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
        return toOperationResult(await this.transport.request<Transaction>(spec))
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
    ev.success !== false &&
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
