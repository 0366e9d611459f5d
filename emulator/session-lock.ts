// Rendered / locked state of a session, for the update rules of SPEC-TS:7578-7584 (`update_without_lock` "allowed for
// server-to-server when the checkout has not been rendered yet") and DOCS:checkout/updating-session ("to update the
// session, first it needs to be locked ... by using the Checkout Web SDK"). Kept beside the session, not in it: these
// are not fields of Dintero's Session JSON.
import type { NextFunction, Request, Response } from "express"
import type { EmulatorContext } from "./context"
import { newId } from "./http-utils"
import { OperationError } from "./transaction-ops"
import { addSessionEvent } from "./payments"

/** Marks a session's page as rendered (GET of `/view/{id}` or `/view/?sid={id}`). */
export function renderSession(ctx: EmulatorContext, sessionId: string): void {
  if (ctx.sessions.has(sessionId)) ctx.rendered.add(sessionId)
}

export function markRendered(ctx: EmulatorContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (req.method === "GET") {
      const sid = typeof req.query.sid === "string" ? req.query.sid : req.path.split("/").filter(Boolean)[0]
      if (sid) renderSession(ctx, sid)
    }
    next()
  }
}

/**
 * The page locks the session for an update (Web SDK lockSession() -> SessionLocked{pay_lock_id}). Paying is refused
 * while locked; a PUT with `remove_lock` (default true) releases it. Session events PAY_LOCK_START (SPEC-TS event
 * names) record it.
 */
export function lockSession(ctx: EmulatorContext, sessionId: string): string {
  const session = ctx.sessions.get(sessionId)
  if (!session) throw new OperationError(404, "NOT_FOUND", "Session not found")
  if (session.cancelled_at) throw new OperationError(400, "INVALID_STATE", "The session is cancelled")
  if (session.transaction_id) throw new OperationError(400, "INVALID_STATE", "The session is already paid")
  const existing = ctx.locks.get(sessionId)
  if (existing) return existing
  const id = newId()
  ctx.locks.set(sessionId, id)
  addSessionEvent(session, "PAY_LOCK_START", { pay_lock_id: id })
  return id
}

export function unlockSession(ctx: EmulatorContext, sessionId: string): void {
  const session = ctx.sessions.get(sessionId)
  if (session && ctx.locks.delete(sessionId)) addSessionEvent(session, "PAY_LOCK_END")
}

/**
 * Why a PUT may not be applied, or undefined. Historical mode: `update_without_lock=true` is required and always
 * enough. strictSessionLock: an unlocked update is allowed only before render; after render the session must be
 * locked by the page (then `update_without_lock` is not needed).
 */
export function updateRefusal(ctx: EmulatorContext, sessionId: string, withoutLock: boolean): string | undefined {
  const locked = ctx.locks.has(sessionId)
  if (!ctx.options.strictSessionLock) {
    return withoutLock || locked ? undefined : "Session must be locked for paying before updating (or use update_without_lock=true)"
  }
  if (locked) return undefined
  if (!withoutLock) return "Session must be locked for paying before updating"
  if (ctx.rendered.has(sessionId)) {
    return "update_without_lock is only allowed before the checkout has been rendered; lock the session from the page (Web SDK lockSession) and update again"
  }
  return undefined
}
