/**
 * The emulator's Dintero Orders ("Shopping") API, mounted by the main emulator at
 * `/api/v1/accounts/:aid/shopping` (Bearer auth already checked there).
 *
 * order_id: `options.generate_order_id: "ALPHANUMERIC_9"` -> 9 upper-case alphanumerics; `options.order_id` -> the
 * draft's lines are appended to that order; otherwise `order.order_id` from the draft if given, else a UUID.
 * Per-line payment rules and payment_status: see bookkeeping.ts. Cancellation rules: see recordOperation below.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express"
import {
  capturedNotRefunded,
  checkOperation,
  emptyOperations,
  lineTotals,
  orderAmounts,
  paymentStatus,
  remainingAuthorization,
  type LineTotals,
} from "./bookkeeping"
import { alphanumeric9 } from "./order-id"
import {
  OPERATION_KINDS,
  type DraftOrder,
  type FieldError,
  type OperationKind,
  type Order,
  type OrderItem,
  type OrderOperations,
  type PaymentOperation,
} from "./types"
import { checkDraftLines, isPlainObject, validateDraftCreate, validateItem, validateOperation, type NegativeLines } from "./validation"

export interface OrdersDeps {
  sendError(res: Response, status: number, code: string, message: string, errors?: unknown[]): void
  now(): Date
  newId(prefix?: string): string
  /**
   * Which identity fields an order carries in answers (emulator option orderIdentity, docs/dintero-contract.md):
   * "id-and-order_id" (default) or "id-only" (the shape of the ORDERS examples: a UUID `id`, no `order_id`). Paths
   * and `options.order_id` accept either value.
   */
  orderIdentity?: () => "id-and-order_id" | "id-only"
  /** Whether a line that reverses nothing may be negative (emulator option ordersNegativeLines; validation.ts). */
  ordersNegativeLines?: () => NegativeLines
}

/** What the control API shows per order: the Dintero order plus the emulator's bookkeeping (never in Dintero responses). */
export type OrderStateEntry = Order & { operations: OrderOperations; line_totals: LineTotals[] }

export interface OrdersModule {
  router: Router
  state(): { draft_orders: DraftOrder[]; orders: OrderStateEntry[] }
  reset(): void
}

export type { DraftOrder, Order, PaymentOperation, OrderOperations, LineTotals }

/** An error answer in Dintero's shape; thrown by handlers, written by the wrapper. */
class OrdersError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[]
  ) {
    super(message)
  }
}

const invalid = (errors: FieldError[]) => new OrdersError(400, "INVALID_REQUEST", errors[0].message, errors)
const invalidState = (message: string) => new OrdersError(400, "INVALID_REQUEST", message)
const notFound = (message: string) => new OrdersError(404, "NOT_FOUND", message)

/** Order fields a PUT may not change: identity, lines (edit those with a draft + options.order_id) and computed ones. */
const READ_ONLY_ORDER_FIELDS = [
  "id", "order_id", "currency", "items", "gross_amount", "net_amount", "status", "payment_status",
  "created_at", "updated_at", "events", "cancelled_at",
]

const clone = <T>(v: T): T => structuredClone(v)

export function createOrdersModule(deps: OrdersDeps): OrdersModule {
  let drafts = new Map<string, DraftOrder>()
  let orders = new Map<string, { order: Order; ops: OrderOperations }>() // keyed by order_id

  const iso = () => deps.now().toISOString()

  function getDraft(id: string): DraftOrder {
    const draft = drafts.get(id)
    if (!draft) throw notFound(`draft order ${id} not found`)
    return draft
  }

  function getOrder(orderId: string) {
    const entry = orders.get(orderId) ?? [...orders.values()].find((e) => e.order.id === orderId)
    if (!entry) throw notFound(`order ${orderId} not found`)
    return entry
  }

  /** An order as answered: without `order_id` in "id-only" mode. */
  function view(order: Order): Record<string, unknown> {
    if (deps.orderIdentity?.() !== "id-only") return order
    const { order_id: _hidden, ...rest } = order
    return rest
  }

  function requireOpen(draft: DraftOrder) {
    if (draft.status !== "open") throw invalidState(`draft order ${draft.id} is ${draft.status} and can no longer be changed`)
  }

  /** The order a draft adds to (options.order_id), which must exist and not be cancelled. */
  function targetOrder(draft: Pick<DraftOrder, "options">): Order | undefined {
    const orderId = draft.options.order_id
    if (orderId === undefined) return undefined
    const { order } = getOrder(orderId)
    if (order.status === "cancelled") throw invalidState(`order ${orderId} is cancelled; drafts can no longer be added to it`)
    return order
  }

  /** Validates a draft's full line set (and currency against the target order); refreshes its amounts. */
  function settleDraftLines(draft: DraftOrder, items: OrderItem[]) {
    const target = targetOrder(draft)
    if (target && target.currency !== draft.order.currency)
      throw invalid([{ path: "order.currency", message: `order.currency ${draft.order.currency} differs from order ${target.order_id}'s currency ${target.currency}` }])
    const errors = checkDraftLines(items, target?.items ?? [])
    if (errors.length > 0) throw invalid(errors)
    draft.order.items = items
    Object.assign(draft.order, orderAmounts(items))
    draft.updated_at = iso()
  }

  function parseItem(body: unknown, path = "item"): OrderItem {
    const r = validateItem(body, path, deps.ordersNegativeLines?.())
    if (!r.value) throw invalid(r.errors)
    return r.value
  }

  function parseLineId(raw: string): number {
    if (!/^\d+$/.test(raw)) throw invalid([{ path: "line_id", message: `line_id in the path must be an integer, got ${JSON.stringify(raw)}` }])
    return Number(raw)
  }

  function createDraft(body: unknown): DraftOrder {
    const r = validateDraftCreate(body, deps.ordersNegativeLines?.())
    if (!r.value) throw invalid(r.errors)
    const { options, order } = r.value
    const now = iso()
    const draft: DraftOrder = {
      id: deps.newId(),
      status: "open",
      created_at: now,
      updated_at: now,
      options,
      order: { ...order, items: [], ...orderAmounts([]) },
    }
    if (order.order_id !== undefined && orders.has(order.order_id))
      throw invalid([{ path: "order.order_id", message: `order_id ${order.order_id} is already in use; add to that order with options.order_id` }])
    settleDraftLines(draft, order.items)
    drafts.set(draft.id, draft)
    return draft
  }

  function newOrderId(draft: DraftOrder): string {
    if (draft.options.generate_order_id === "ALPHANUMERIC_9") {
      let id = alphanumeric9()
      while (orders.has(id)) id = alphanumeric9()
      return id
    }
    if (draft.order.order_id !== undefined) {
      if (orders.has(draft.order.order_id)) throw invalidState(`order_id ${draft.order.order_id} is already in use`)
      return draft.order.order_id
    }
    return deps.newId()
  }

  function completeDraft(draft: DraftOrder): Order {
    requireOpen(draft)
    if (draft.order.items.length === 0) throw invalidState(`draft order ${draft.id} has no items; add items before completing it`)
    // Re-check: the target order may have gained lines (or reversals) from other drafts since this one was edited.
    settleDraftLines(draft, draft.order.items)
    const now = iso()
    const event = (version: number) => ({ id: deps.newId(), created_at: now, draft_id: draft.id, version })
    let order: Order
    const target = targetOrder(draft)
    if (target) {
      order = target
      order.items.push(...clone(draft.order.items))
      order.events.push(event(order.events.length + 1))
      order.updated_at = now
    } else {
      const { items, gross_amount: _g, net_amount: _n, order_id: _o, ...passThrough } = draft.order
      order = {
        ...clone(passThrough),
        id: deps.newId(),
        order_id: newOrderId(draft),
        currency: draft.order.currency,
        status: "open",
        payment_status: "pending",
        created_at: now,
        updated_at: now,
        gross_amount: 0,
        net_amount: 0,
        items: clone(items),
        events: [event(1)],
      }
      orders.set(order.order_id, { order, ops: emptyOperations() })
    }
    refresh(order.order_id)
    draft.status = "completed"
    draft.completed_at = now
    draft.updated_at = now
    return order
  }

  /** Recomputes the order's derived fields from its lines and operations. */
  function refresh(orderId: string) {
    const { order, ops } = getOrder(orderId)
    Object.assign(order, orderAmounts(order.items))
    order.payment_status = paymentStatus(order.gross_amount, ops, lineTotals(order.items, ops))
  }

  function updateOrder(orderId: string, body: unknown): Order {
    const { order } = getOrder(orderId)
    if (!isPlainObject(body)) throw invalid([{ path: "", message: "the request body must be a JSON object" }])
    if (order.status === "cancelled") throw invalidState(`order ${orderId} is cancelled and can no longer be updated`)
    const errors: FieldError[] = READ_ONLY_ORDER_FIELDS.filter(
      (f) => f in body && JSON.stringify(body[f]) !== JSON.stringify(order[f])
    ).map((f) => ({
      path: f,
      message:
        f === "items"
          ? "items cannot be changed with PUT; create a draft with options.order_id (reverse lines with related_item)"
          : `${f} is read-only`,
    }))
    if (errors.length > 0) throw invalid(errors)
    for (const [key, value] of Object.entries(body)) if (!READ_ONLY_ORDER_FIELDS.includes(key)) order[key] = clone(value)
    order.updated_at = iso()
    return order
  }

  /**
   * Records an operation. Cancellations: with items they release that much of the uncaptured authorization per line;
   * without items they release all of it and are refused while captured money is not refunded (refund first).
   * A successful cancellation that leaves nothing authorized-but-uncaptured and nothing captured-but-unrefunded
   * cancels the order; after that every operation, PUT and new draft for the order answers 400.
   */
  function recordOperation(kind: OperationKind, orderId: string, body: unknown): PaymentOperation {
    const entry = getOrder(orderId)
    const { order, ops } = entry
    const r = validateOperation(kind, body)
    if (!r.value) throw invalid(r.errors)
    const req = r.value
    if (order.status === "cancelled") throw invalidState(`order ${orderId} is cancelled; no further ${kind} can be recorded`)
    if (req.authorization_id !== undefined && !ops.authorizations.some((a) => a.id === req.authorization_id))
      throw invalid([{ path: "authorization_id", message: `authorization_id ${req.authorization_id} is not an authorization of order ${orderId}` }])

    let items = req.items
    if (items === undefined) {
      const totals = lineTotals(order.items, ops)
      if (kind === "cancellations" && req.success && capturedNotRefunded(totals) !== 0)
        throw invalidState(
          `order ${orderId} has ${capturedNotRefunded(totals)} captured and not refunded; refund it before cancelling the order`
        )
      // Item-less authorization: the unauthorized rest of every line; item-less cancellation: every line's
      // uncaptured authorization. Only amounts in the line's direction count (stacked payments may overshoot).
      items = totals
        .map((t) => ({
          line_id: t.line_id,
          amount: kind === "cancellations" ? remainingAuthorization(t) : t.gross_amount - t.authorized,
          sign: Math.sign(t.gross_amount),
        }))
        .filter((it) => it.amount !== 0 && Math.sign(it.amount) === it.sign)
        .map(({ line_id, amount }) => ({ line_id, amount }))
      if (kind === "authorizations" && items.length === 0)
        throw invalidState(`order ${orderId} has nothing left to authorize; list items explicitly`)
    }
    const errors = checkOperation(kind, order.items, ops, { items, success: req.success, payment_id: req.payment_details.payment_id })
    if (errors.length > 0) throw invalid(errors)

    const now = iso()
    const op: PaymentOperation = {
      id: deps.newId(),
      created_at: now,
      amount: items.reduce((s, it) => s + it.amount, 0),
      success: req.success,
      items,
      payment_details: req.payment_details,
      processed_at: req.processed_at ?? now,
      ...(req.processed_by !== undefined ? { processed_by: req.processed_by } : {}),
      metadata: req.metadata,
      ...(req.authorization_id !== undefined ? { authorization_id: req.authorization_id } : {}),
    }
    ops[kind].push(op)
    if (kind === "cancellations" && req.success) {
      const totals = lineTotals(order.items, ops)
      if (totals.every((t) => remainingAuthorization(t) === 0) && capturedNotRefunded(totals) === 0) {
        order.status = "cancelled"
        order.cancelled_at = now
      }
    }
    order.updated_at = now
    refresh(orderId)
    return op
  }

  // ------------------------------------------------------------------ routes
  const router = express.Router({ mergeParams: true })
  router.use(express.json({ limit: "1mb" }))

  type Handler = (req: Request) => { status?: number; body: unknown }
  const handle = (fn: Handler) => (req: Request, res: Response) => {
    try {
      const { status = 200, body } = fn(req)
      res.status(status).json(clone(body))
    } catch (e) {
      if (e instanceof OrdersError) deps.sendError(res, e.status, e.code, e.message, e.errors)
      else deps.sendError(res, 500, "INTERNAL_ERROR", "the emulator failed to handle the request")
    }
  }

  router.post("/draft_orders", handle((req) => ({ body: createDraft(req.body) })))
  router.get(
    "/draft_orders",
    handle((req) => {
      const status = typeof req.query.status === "string" ? req.query.status : undefined
      return { body: { draft_orders: [...drafts.values()].filter((d) => status === undefined || d.status === status) } }
    })
  )
  router.get("/draft_orders/:id", handle((req) => ({ body: getDraft(req.params.id) })))
  router.post(
    "/draft_orders/:id/items",
    handle((req) => {
      const draft = getDraft(req.params.id)
      requireOpen(draft)
      const item = parseItem(req.body)
      settleDraftLines(draft, [...draft.order.items, item])
      return { body: draft }
    })
  )
  router.put(
    "/draft_orders/:id/items/:line_id",
    handle((req) => {
      const draft = getDraft(req.params.id)
      requireOpen(draft)
      const lineId = parseLineId(req.params.line_id)
      const index = draft.order.items.findIndex((i) => i.line_id === lineId)
      if (index < 0) throw notFound(`draft order ${draft.id} has no line_id ${lineId}`)
      const body = isPlainObject(req.body) && req.body.line_id === undefined ? { ...req.body, line_id: lineId } : req.body
      const item = parseItem(body)
      if (item.line_id !== lineId)
        throw invalid([{ path: "item.line_id", message: `item.line_id ${item.line_id} differs from the line_id ${lineId} in the path` }])
      const items = [...draft.order.items]
      items[index] = item
      settleDraftLines(draft, items)
      return { body: draft }
    })
  )
  router.delete(
    "/draft_orders/:id/items/:line_id",
    handle((req) => {
      const draft = getDraft(req.params.id)
      requireOpen(draft)
      const lineId = parseLineId(req.params.line_id)
      if (!draft.order.items.some((i) => i.line_id === lineId)) throw notFound(`draft order ${draft.id} has no line_id ${lineId}`)
      settleDraftLines(draft, draft.order.items.filter((i) => i.line_id !== lineId))
      return { body: draft }
    })
  )
  router.put("/draft_orders/:id/complete", handle((req) => ({ body: { orders: [view(completeDraft(getDraft(req.params.id)))] } })))

  router.get("/orders/:order_id", handle((req) => ({ body: view(getOrder(req.params.order_id).order) })))
  router.put("/orders/:order_id", handle((req) => ({ body: view(updateOrder(req.params.order_id, req.body)) })))
  for (const kind of OPERATION_KINDS) {
    router.post(`/orders/:order_id/${kind}`, handle((req) => ({ body: recordOperation(kind, req.params.order_id, req.body) })))
    router.get(`/orders/:order_id/${kind}`, handle((req) => ({ body: { [kind]: getOrder(req.params.order_id).ops[kind] } })))
    router.get(
      `/orders/:order_id/${kind}/:operation_id`,
      handle((req) => {
        const op = getOrder(req.params.order_id).ops[kind].find((o) => o.id === req.params.operation_id)
        if (!op) throw notFound(`${kind} ${req.params.operation_id} not found on order ${req.params.order_id}`)
        return { body: op }
      })
    )
  }

  // Malformed JSON (from express.json above) and anything else thrown outside `handle`.
  router.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = isPlainObject(err) && typeof err.status === "number" ? err.status : 500
    if (isPlainObject(err) && err.type === "entity.parse.failed") deps.sendError(res, 400, "INVALID_REQUEST", "the request body is not valid JSON")
    else if (status >= 400 && status < 500) deps.sendError(res, status, "INVALID_REQUEST", "the request body could not be read")
    else deps.sendError(res, 500, "INTERNAL_ERROR", "the emulator failed to handle the request")
  })

  return {
    router,
    state() {
      return {
        draft_orders: clone([...drafts.values()]),
        orders: [...orders.values()].map(({ order, ops }) => ({
          ...clone(order),
          operations: clone(ops),
          line_totals: lineTotals(order.items, ops),
        })),
      }
    },
    reset() {
      drafts = new Map()
      orders = new Map()
    },
  }
}
