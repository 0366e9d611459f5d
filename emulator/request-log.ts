// The request log: method, path, query, status, request and response bodies. Headers are never stored,
// so neither Authorization (Bearer or Basic) nor any other credential can leak into it; token values are redacted.
import type { NextFunction, Request, Response } from "express"
import type { EmulatorContext } from "./context"
import { newId } from "./http-utils"

const SECRET_KEYS = /^(access_token|client_secret|password|secret|signature_secret|refresh_token)$/i

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact)
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.test(k) ? "[REDACTED]" : redact(v)
    return out
  }
  return value
}

const ID_SEGMENT = /^([PT]\d{8}\.[1-9A-HJ-NP-Za-km-z]{22}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d+)$/i

/** "POST /checkout/v1/transactions/:id/capture" — ids and account ids replaced, for stats. */
export function routeKey(req: Request, fullPath = req.path): string {
  let path: string
  if (req.route?.path && typeof req.route.path === "string") {
    path = req.baseUrl.replace(/\/accounts\/[^/]+/, "/accounts/:aid") + req.route.path
  } else {
    path = fullPath
      .split("/")
      .map((seg, i, all) => (all[i - 1] === "accounts" ? ":aid" : ID_SEGMENT.test(seg) ? ":id" : seg))
      .join("/")
  }
  return `${req.method} ${path}`
}

function bump(ctx: EmulatorContext, key: string): void {
  ctx.routeCounts.set(key, (ctx.routeCounts.get(key) ?? 0) + 1)
}

export function requestLogMiddleware(ctx: EmulatorContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.path.startsWith("/__emulator")) return next()
    const started = Date.now()
    // Captured now: inside mounted routers req.path is relative to the mount point.
    const fullPath = req.path
    let responseBody: unknown
    let route: string | undefined
    const originalJson = res.json.bind(res)
    res.json = (body?: unknown) => {
      responseBody = body
      route = routeKey(req, fullPath)
      return originalJson(body)
    }
    const originalSend = res.send.bind(res)
    res.send = (body?: unknown) => {
      route ??= routeKey(req, fullPath)
      if (responseBody === undefined && typeof body === "string" && !res.getHeader("content-type")?.toString().includes("json")) {
        responseBody = body.length > 2000 ? body.slice(0, 2000) + "…" : body
      }
      return originalSend(body as never)
    }
    let recorded = false
    const record = () => {
      if (recorded) return
      recorded = true
      const key = route ?? routeKey(req, fullPath)
      bump(ctx, key)
      if (!ctx.options.logRequests) return
      ctx.requests.push({
        id: newId(),
        at: new Date(started).toISOString(),
        method: req.method,
        path: fullPath,
        route: key.slice(key.indexOf(" ") + 1),
        query: { ...req.query },
        status: res.headersSent || res.locals.fault === "lose-response" ? res.statusCode : null,
        body: redact(req.body),
        responseBody: redact(responseBody),
        duration_ms: Date.now() - started,
        ...(res.locals.fault ? { fault: res.locals.fault as string } : {}),
      })
    }
    res.on("finish", record)
    res.on("close", record)
    next()
  }
}
