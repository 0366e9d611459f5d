// Control API under /__emulator (no auth): drives the emulator from tests, the demo and other processes.
import express, { Router, type Response } from "express"
import type { Emulator } from "./index"
import { validateFault } from "./faults"
import { sendError } from "./http-utils"
import { OperationError } from "./transaction-ops"
import type { EmulatorOptions, PayOutcome } from "./types"
import { isObject } from "./validation"

/** Options that may be changed at runtime (port, host, account and credentials are fixed at start). */
const CONFIGURABLE: Array<keyof EmulatorOptions> = [
  "profiles",
  "profileCurrencies",
  "tokenExpiresIn",
  "signatureSecret",
  "callbackRetries",
  "callbackRetryDelayMs",
  "callbackTimeoutMs",
  "asyncMode",
  "asyncDelayMs",
  "requireHttpsCallback",
  "publicUrl",
  "logRequests",
  "sessionTtlSeconds",
  "copySessionMetadataToTransaction",
  "autoCaptureDelayMs",
  "autoCaptureFailures",
  "autoCaptureFailureCallbacks",
  "strictSessionLock",
  "sessionUpdateMode",
  "orderIdentity",
  "ordersNegativeLines",
  "contractCheck",
]

export function publicOptions(options: EmulatorOptions): Record<string, unknown> {
  return {
    ...options,
    clientSecret: options.clientSecret ? "[REDACTED]" : undefined,
    signatureSecret: options.signatureSecret ? "[REDACTED]" : undefined,
    extraClients: options.extraClients?.map((c) => ({ clientId: c.clientId, clientSecret: "[REDACTED]", scopes: c.scopes })),
    log: undefined,
  }
}

function fail(res: Response, err: unknown): void {
  if (err instanceof OperationError) return sendError(res, err.status, err.code, err.message, err.errors)
  sendError(res, 500, "INTERNAL_ERROR", err instanceof Error ? err.message : String(err))
}

export function controlRouter(emulator: Emulator): Router {
  const router = Router()
  router.use(express.json({ limit: "2mb" }))

  router.post("/sessions/:id/pay", async (req, res) => {
    const body = isObject(req.body) ? req.body : {}
    try {
      const ptype = typeof body.payment_product_type === "string" ? body.payment_product_type : undefined
      res.json(await emulator.pay(req.params.id, body.outcome as PayOutcome, ptype ? { payment_product_type: ptype } : undefined))
    } catch (err) {
      fail(res, err)
    }
  })

  // What the shopper's page does on the Web SDK's lockSession(): the session is locked for a merchant update.
  router.post("/sessions/:id/lock", (req, res) => {
    try {
      res.json({ pay_lock_id: emulator.lockSession(req.params.id) })
    } catch (err) {
      fail(res, err)
    }
  })

  router.get("/contract-violations", (_req, res) => res.json(emulator.contractViolations))

  router.post("/transactions/:id/on-hold", async (req, res) => {
    const body = isObject(req.body) ? req.body : {}
    try {
      res.json(await emulator.resolveOnHold(req.params.id, body.outcome as "AUTHORIZED" | "FAILED"))
    } catch (err) {
      fail(res, err)
    }
  })

  router.get("/state", (_req, res) => res.json(emulator.state))

  router.get("/requests", (req, res) => {
    const method = typeof req.query.method === "string" ? req.query.method.toUpperCase() : undefined
    const prefix = typeof req.query.path_prefix === "string" ? req.query.path_prefix : undefined
    res.json(emulator.requests.filter((r) => (!method || r.method === method) && (!prefix || r.path.startsWith(prefix))))
  })

  router.get("/callbacks", (_req, res) => res.json(emulator.callbacks))

  router.post("/callbacks/wait", async (_req, res) => {
    await emulator.waitForCallbacks()
    res.json(emulator.callbacks)
  })

  router.get("/stats", (_req, res) => res.json(emulator.stats()))

  router.post("/reset", (_req, res) => {
    emulator.reset()
    res.json({ ok: true })
  })

  router.get("/config", (_req, res) => res.json(publicOptions(emulator.options)))

  router.post("/config", (req, res) => {
    if (!isObject(req.body)) return sendError(res, 400, "INVALID_REQUEST", "body must be an object")
    const unknown = Object.keys(req.body).filter((k) => !CONFIGURABLE.includes(k as keyof EmulatorOptions))
    if (unknown.length) return sendError(res, 400, "INVALID_REQUEST", `Not configurable at runtime: ${unknown.join(", ")}`)
    Object.assign(emulator.options, req.body)
    res.json(publicOptions(emulator.options))
  })

  router.get("/faults", (_req, res) => res.json(emulator.faults.list()))

  router.post("/faults", (req, res) => {
    const checked = validateFault(req.body)
    if (checked.error || !checked.fault) return sendError(res, 400, "INVALID_REQUEST", checked.error ?? "invalid fault")
    res.json(emulator.faults.add(checked.fault))
  })

  router.delete("/faults", (_req, res) => {
    emulator.faults.clear()
    res.json({ ok: true })
  })

  router.use((_req, res) => sendError(res, 404, "NOT_FOUND", "Unknown control endpoint"))
  return router
}
