import type { NextFunction, Request, Response } from "express"
import { newId, sendError } from "./http-utils"
import type { CallbackFaultMode, Fault, StoredFault } from "./types"
import type { Timers } from "./timers"

const HTTP_KINDS = new Set(["status", "latency", "hang", "reset", "lose-response"])
const CALLBACK_MODES = new Set(["duplicate", "out-of-order", "drop", "late"])

/**
 * Matches a request path against a fault's path.
 * A pattern with `:param` segments must match segment by segment with the same number of segments;
 * a plain path matches as a prefix on a segment boundary ("/checkout/v1/transactions" matches its sub-paths).
 */
export function pathMatches(pattern: string, path: string): boolean {
  const clean = (p: string) => p.replace(/\/+$/, "") || "/"
  const pat = clean(pattern)
  const actual = clean(path)
  if (pat.includes("/:")) {
    const ps = pat.split("/")
    const as = actual.split("/")
    if (ps.length !== as.length) return false
    return ps.every((seg, i) => (seg.startsWith(":") ? as[i].length > 0 : seg === as[i]))
  }
  if (pat === "/") return true
  return actual === pat || actual.startsWith(pat + "/")
}

export function validateFault(input: unknown): { fault?: Fault; error?: string } {
  if (!input || typeof input !== "object") return { error: "fault must be an object" }
  const f = input as Record<string, unknown>
  if (typeof f.kind !== "string") return { error: "kind is required" }
  if (f.times !== undefined && !(typeof f.times === "number" && f.times > 0)) {
    return { error: "times must be a positive number" }
  }
  if (f.after !== undefined && !(Number.isInteger(f.after) && (f.after as number) >= 0)) {
    return { error: "after must be a whole number >= 0" }
  }
  if (f.method !== undefined && typeof f.method !== "string") return { error: "method must be a string" }
  if (f.kind === "callback") {
    if (typeof f.mode !== "string" || !CALLBACK_MODES.has(f.mode)) {
      return { error: "mode must be one of duplicate, out-of-order, drop, late" }
    }
    return { fault: f as unknown as Fault }
  }
  if (f.kind === "operation-failure") {
    if (f.operation !== "capture" && f.operation !== "refund") return { error: "operation must be capture or refund" }
    if (f.code !== undefined && typeof f.code !== "string") return { error: "code must be a string" }
    if (f.message !== undefined && typeof f.message !== "string") return { error: "message must be a string" }
    return { fault: f as unknown as Fault }
  }
  if (!HTTP_KINDS.has(f.kind)) return { error: `unknown fault kind ${f.kind}` }
  if (typeof f.path !== "string" || !f.path.startsWith("/")) return { error: "path must start with /" }
  if (f.kind === "status" && !(Number.isInteger(f.status) && (f.status as number) >= 100 && (f.status as number) <= 599)) {
    return { error: "status must be an HTTP status code" }
  }
  if (f.kind === "latency" && !(typeof f.ms === "number" && f.ms >= 0)) return { error: "ms must be >= 0" }
  return { fault: f as unknown as Fault }
}

export class FaultInjector {
  private faults: StoredFault[] = []

  add(fault: Fault): StoredFault {
    const checked = validateFault(fault)
    if (checked.error) throw new Error(`Invalid fault: ${checked.error}`)
    const defaultTimes = fault.kind === "latency" ? Infinity : 1
    const stored = { ...fault, id: newId(), remaining: fault.times ?? defaultTimes } as StoredFault
    this.faults.push(stored)
    return stored
  }

  clear(): void {
    this.faults = []
  }

  list(): StoredFault[] {
    return this.faults.map((f) => ({ ...f }))
  }

  /** Finds and consumes an operation-failure fault for this capture/refund (optionally limited to a path prefix). */
  takeOperationFailure(operation: "capture" | "refund", path: string): { code?: string; message?: string } | undefined {
    const fault = this.faults.find(
      (f) => f.kind === "operation-failure" && f.operation === operation && (f.path === undefined || path.includes(f.path)) && f.remaining > 0
    )
    if (!fault || fault.kind !== "operation-failure") return undefined
    fault.remaining -= 1
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault)
    return { code: fault.code, message: fault.message }
  }

  /** Finds and consumes the first HTTP fault for this request. */
  takeHttpFault(method: string, path: string): StoredFault | undefined {
    const fault = this.faults.find(
      (f) =>
        f.kind !== "callback" &&
        f.kind !== "operation-failure" &&
        f.path !== undefined &&
        (!f.method || f.method.toUpperCase() === method.toUpperCase()) &&
        pathMatches(f.path, path)
    )
    if (!fault) return undefined
    // `after`: the first matching requests pass, so a fault can target e.g. the re-read after a capture.
    if ((fault.after ?? 0) > 0) {
      fault.after = (fault.after ?? 0) - 1
      return undefined
    }
    this.consume(fault)
    return fault
  }

  peekCallbackFault(): (StoredFault & { kind: "callback" }) | undefined {
    return this.faults.find((f) => f.kind === "callback") as (StoredFault & { kind: "callback" }) | undefined
  }

  takeCallbackFault(mode?: CallbackFaultMode): (StoredFault & { kind: "callback" }) | undefined {
    const fault = this.faults.find((f) => f.kind === "callback" && (!mode || f.mode === mode)) as
      | (StoredFault & { kind: "callback" })
      | undefined
    if (fault) this.consume(fault)
    return fault
  }

  private consume(fault: StoredFault): void {
    fault.remaining -= 1
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault)
  }
}

/** Express middleware applying HTTP faults. Tracks hung sockets through the server's own socket registry. */
export function faultMiddleware(faults: FaultInjector, timers: Timers) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith("/__emulator")) return next()
    const fault = faults.takeHttpFault(req.method, req.path)
    if (!fault) return next()
    res.locals.fault = fault.kind
    switch (fault.kind) {
      case "status": {
        if (fault.retryAfter !== undefined) res.setHeader("Retry-After", String(fault.retryAfter))
        if (fault.body) {
          res.status(fault.status).json(fault.body)
        } else {
          sendError(res, fault.status, fault.status === 429 ? "TOO_MANY_REQUESTS" : "EMULATED_FAULT", `Emulated fault: HTTP ${fault.status}`)
        }
        return
      }
      case "latency":
        timers.after(fault.ms, () => {
          if (!req.socket.destroyed) next()
        })
        return
      case "hang":
        // Never answer; close() destroys the socket.
        return
      case "reset":
        req.socket.destroy()
        return
      case "lose-response": {
        // Let the handler apply the request, then drop the connection instead of sending the answer.
        const r = res as unknown as { end: (...args: unknown[]) => unknown; writeHead: (...args: unknown[]) => unknown }
        r.writeHead = () => res
        r.end = () => {
          req.socket.destroy()
          return res
        }
        next()
        return
      }
    }
  }
}
