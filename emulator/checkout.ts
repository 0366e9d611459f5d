// Checkout API routes (mounted at /checkout/v1 behind bearer auth): sessions and transactions.
import { Router, type Request, type Response } from "express"
import type { EmulatorContext } from "./context"
import { sessionUrl } from "./context"
import { isoNow, newId, now, sendError } from "./http-utils"
import { addSessionEvent, cancelSession, isPaid } from "./payments"
import { unlockSession, updateRefusal } from "./session-lock"
import {
  OperationError,
  type OperationInput,
  commitCapture,
  commitRefund,
  commitVoid,
  failedOperation,
  initiate,
  updateAuthorization,
  validateCapture,
  validateRefund,
  validateVoid,
} from "./transaction-ops"
import type { Session, SessionOrder, Transaction, TransactionEvent } from "./types"
import { type FieldError, checkOrderSum, isObject, validateOrder, validateSessionCreate } from "./validation"

const clone = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)))

function sendFieldErrors(res: Response, errors: FieldError[]): void {
  const first = errors[0]
  sendError(res, 400, "INVALID_REQUEST", `${first.path} ${first.message}`.trim(), errors)
}

function sendOperationError(res: Response, err: unknown): void {
  if (err instanceof OperationError) return sendError(res, err.status, err.code, err.message, err.errors)
  throw err
}

function featureToggles(req: Request): string[] {
  const raw = req.headers["dintero-feature-toggles"]
  const values = Array.isArray(raw) ? raw : raw ? [raw] : []
  return values.flatMap((v) => v.split(",")).map((v) => v.trim())
}

/** The Dintero-System-* headers, echoed as initiating_system_request_headers (lower-cased keys). */
function systemHeaders(req: Request): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (k.startsWith("dintero-system-") && typeof v === "string") out[k] = v
  }
  return out
}

function includes(req: Request): string[] {
  const raw = req.query.includes
  const values = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : []
  return values.flatMap((v) => String(v).split(",")).map((v) => v.trim())
}

function queryValues(req: Request, key: string): string[] {
  const raw = req.query[key]
  const values = Array.isArray(raw) ? raw : raw !== undefined ? [raw] : []
  return values.flatMap((v) => String(v).split(",")).filter(Boolean)
}

export function checkoutRouter(ctx: EmulatorContext): Router {
  const router = Router()
  const clientId = (res: Response): string => (res.locals.clientId as string | undefined) ?? ctx.options.clientId

  const viewTransaction = (tx: Transaction, req: Request) => {
    const out: Record<string, unknown> = clone(tx)
    if (includes(req).includes("session")) out.session = clone(ctx.sessions.get(tx.session_id))
    return out
  }

  // ---- sessions ----

  router.post("/sessions-profile", (req, res) => {
    const errors = validateSessionCreate(req.body, {
      profiles: ctx.options.profiles,
      profileCurrencies: ctx.options.profileCurrencies,
      requireHttpsCallback: ctx.options.requireHttpsCallback,
    })
    if (errors.length) return sendFieldErrors(res, errors)
    const body = clone(req.body) as Record<string, unknown>
    // Without the toggle Dintero only says the sum "should" match (reference §3.1).
    if (featureToggles(req).includes("strict-session-amounts")) {
      const mismatch = checkOrderSum(body.order as Record<string, unknown>)
      if (mismatch) return sendFieldErrors(res, [mismatch])
    }
    const at = now()
    const ttl = ctx.options.sessionTtlSeconds * 1000
    const session: Session = {
      ...(body as object),
      id: newId(ctx.options.accountId),
      created_at: at.toISOString(),
      updated_at: at.toISOString(),
      expires_at: typeof body.expires_at === "string" ? new Date(body.expires_at).toISOString() : new Date(at.getTime() + ttl).toISOString(),
      url: body.url as Session["url"],
      order: body.order as SessionOrder,
      configuration: { auto_capture: false, ...((body.configuration as object | undefined) ?? {}) },
      metadata: { ...((body.metadata as object | undefined) ?? {}), "session:profile_id": body.profile_id },
      initiating_system_request_headers: systemHeaders(req),
      events: [],
    }
    delete session.profile_id
    addSessionEvent(session, "INITIATED")
    ctx.sessions.set(session.id, session)
    const created: Record<string, unknown> = { id: session.id, url: sessionUrl(ctx, session.id) }
    if (req.query.include_session === "true") created.session = clone(session)
    res.json(created)
  })

  router.get("/sessions/:id", (req, res) => {
    const session = ctx.sessions.get(req.params.id)
    if (!session) return sendError(res, 404, "NOT_FOUND", "Session not found")
    res.json(session)
  })

  router.put("/sessions/:id", (req, res) => {
    const session = ctx.sessions.get(req.params.id)
    if (!session) return sendError(res, 404, "NOT_FOUND", "Session not found")
    const refusal = updateRefusal(ctx, session.id, req.query.update_without_lock === "true")
    if (refusal) return sendError(res, 400, "SESSION_NOT_LOCKED", refusal)
    if (session.cancelled_at) return sendError(res, 400, "INVALID_STATE", "Cannot update a cancelled session")
    if (isPaid(ctx, session)) return sendError(res, 400, "INVALID_STATE", "Cannot update a session that has a transaction")
    if (!isObject(req.body) || !isObject(req.body.order)) {
      return sendFieldErrors(res, [{ path: "order", message: "is required" }])
    }
    const update = clone(req.body.order) as Record<string, unknown>
    if (update.merchant_reference !== undefined && update.merchant_reference !== session.order.merchant_reference) {
      return sendFieldErrors(res, [{ path: "order.merchant_reference", message: "cannot be changed" }])
    }
    const merged: Record<string, unknown> =
      ctx.options.sessionUpdateMode === "replace"
        ? { ...update, merchant_reference: session.order.merchant_reference }
        : { ...session.order, ...update }
    if (update.shipping_option === null) delete merged.shipping_option
    const errors: FieldError[] = []
    validateOrder(merged, errors)
    if (errors.length) return sendFieldErrors(res, errors)
    // Unlike creation, the update always enforces the sum rule (reference §3.3).
    const mismatch = checkOrderSum(merged)
    if (mismatch) return sendFieldErrors(res, [mismatch])
    const previous = session.order
    session.order = merged as SessionOrder
    if (req.body.express !== undefined) session.express = clone(req.body.express)
    addSessionEvent(session, "UPDATE_SESSION", { previous_order: previous, updated_order: clone(session.order) })
    // SPEC-TS:5201-5205 `remove_lock` "Remove lock after updating", default true.
    if (req.body.remove_lock !== false) unlockSession(ctx, session.id)
    res.json(session)
  })

  router.post("/sessions/:id/cancel", (req, res) => {
    const session = ctx.sessions.get(req.params.id)
    if (!session) return sendError(res, 404, "NOT_FOUND", "Session not found")
    try {
      res.json(cancelSession(ctx, session, clientId(res)))
    } catch (err) {
      sendOperationError(res, err)
    }
  })

  // ---- transactions ----

  // GET /transactions (SPEC-TS:8163, `transactions_get`): filters session_id[], merchant_reference, status[],
  // created_at.gte/lte (ISO 8601); `limit` 1..100, default 10; `starting_after` = the last id of the previous page.
  // The spec does not say the list's order: the emulator lists oldest first, and clients must not depend on it.
  router.get("/transactions", (req, res) => {
    const sessionIds = queryValues(req, "session_id")
    const refs = queryValues(req, "merchant_reference")
    const statuses = queryValues(req, "status")
    const bound = (key: string): number | undefined | null => {
      const raw = req.query[key]
      if (raw === undefined) return undefined
      const at = Date.parse(String(raw))
      return Number.isNaN(at) ? null : at
    }
    const gte = bound("created_at.gte")
    const lte = bound("created_at.lte")
    if (gte === null) return sendFieldErrors(res, [{ path: "created_at.gte", message: "is not an ISO 8601 date-time" }])
    if (lte === null) return sendFieldErrors(res, [{ path: "created_at.lte", message: "is not an ISO 8601 date-time" }])
    const limit = req.query.limit === undefined ? 10 : Number(req.query.limit)
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return sendFieldErrors(res, [{ path: "limit", message: "must be an integer from 1 to 100" }])
    }
    // A page starts after the given transaction's place in the whole list, so that one whose status changed between
    // two pages does not move the next page's start.
    const all = [...ctx.transactions.values()]
    const after = req.query.starting_after === undefined ? undefined : String(req.query.starting_after)
    const from = after === undefined ? 0 : all.findIndex((tx) => tx.id === after) + 1
    if (after !== undefined && from === 0) return sendFieldErrors(res, [{ path: "starting_after", message: "is not a transaction of this account" }])
    const matching = all.slice(from).filter((tx) => {
      const created = Date.parse(tx.created_at)
      return (
        (!sessionIds.length || sessionIds.includes(tx.session_id)) &&
        (!refs.length || refs.includes(tx.merchant_reference)) &&
        (!statuses.length || statuses.includes(tx.status)) &&
        (gte === undefined || created >= gte) &&
        (lte === undefined || created <= lte)
      )
    })
    res.json(matching.slice(0, limit).map((tx) => viewTransaction(tx, req)))
  })

  router.get("/transactions/:id", (req, res) => {
    const tx = ctx.transactions.get(req.params.id)
    if (!tx) return sendError(res, 404, "NOT_FOUND", "Transaction not found")
    res.json(viewTransaction(tx, req))
  })

  router.put("/transactions/:id", (req, res) => {
    const tx = ctx.transactions.get(req.params.id)
    if (!tx) return sendError(res, 404, "NOT_FOUND", "Transaction not found")
    const ref2 = isObject(req.body) ? req.body.merchant_reference_2 : undefined
    if (typeof ref2 !== "string") return sendFieldErrors(res, [{ path: "merchant_reference_2", message: "is required (string)" }])
    tx.merchant_reference_2 = ref2
    tx.updated_at = isoNow()
    res.json(viewTransaction(tx, req))
  })

  type Kind = "capture" | "refund" | "void"
  const INITIATE = { capture: "INITIATE_CAPTURE", refund: "INITIATE_REFUND", void: "INITIATE_VOID" } as const

  const reportEvent = (tx: Transaction, event: TransactionEvent) => {
    const session = ctx.sessions.get(tx.session_id)
    if (session) ctx.callbacks.notify({ kind: "event", session, transaction: tx, event })
  }

  const operation = (kind: Kind) => (req: Request, res: Response) => {
    const tx = ctx.transactions.get(req.params.id)
    if (!tx) return sendError(res, 404, "NOT_FOUND", "Transaction not found")
    const by = clientId(res)
    let input: OperationInput | undefined
    try {
      if (kind === "capture") input = validateCapture(tx, req.body)
      else if (kind === "refund") input = validateRefund(tx, req.body)
      else validateVoid(tx)
    } catch (err) {
      return sendOperationError(res, err)
    }
    const failure = kind !== "void" ? ctx.faults.takeOperationFailure(kind, req.path) : undefined
    const commit = (correlation?: string): TransactionEvent => {
      // Fault: Dintero answers 2xx, the event says success:false with its reason; the status does not change.
      if (failure) return failedOperation(tx, kind === "capture" ? "CAPTURE" : "REFUND", input as OperationInput, by, failure, correlation)
      if (kind === "capture") return commitCapture(tx, input as OperationInput, by, correlation)
      if (kind === "refund") return commitRefund(tx, input as OperationInput, by, correlation)
      return commitVoid(tx, by, correlation)
    }
    if (ctx.options.asyncMode) {
      // 202: accepted, status unchanged; the final event (correlated by request id) follows shortly.
      const started = initiate(tx, INITIATE[kind], input?.amount ?? tx.amount, by)
      if (input?.reference) started.event_reference = input.reference
      ctx.timers.after(ctx.options.asyncDelayMs, () => {
        if (ctx.transactions.get(tx.id) !== tx) return
        reportEvent(tx, commit(started.request_id))
      })
      res.setHeader("event-request-id", started.request_id)
      return res.status(202).json(viewTransaction(tx, req))
    }
    const event = commit()
    reportEvent(tx, event)
    res.json(viewTransaction(tx, req))
  }

  router.post("/transactions/:id/capture", operation("capture"))
  router.post("/transactions/:id/refund", operation("refund"))
  router.post("/transactions/:id/void", operation("void"))

  router.post("/transactions/:id/authorization", (req, res) => {
    const tx = ctx.transactions.get(req.params.id)
    if (!tx) return sendError(res, 404, "NOT_FOUND", "Transaction not found")
    try {
      updateAuthorization(tx, req.body ?? {}, clientId(res))
    } catch (err) {
      return sendOperationError(res, err)
    }
    res.json(viewTransaction(tx, req))
  })

  return router
}
