// A local Dintero: one express app on one port serving the Checkout API (/checkout/v1), the Core/Orders API
// (/api/v1), a hosted payment page, callbacks and fault injection. Contract: /work/brief/EMULATOR.md.
import { existsSync } from "node:fs"
import http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import path from "node:path"
import express, { type NextFunction, type Request, type Response, type Router } from "express"
import { TokenStore, bearerAuth, tokenHandler } from "./auth"
import { CallbackDispatcher } from "./callbacks"
import { checkoutRouter } from "./checkout"
import type { EmulatorContext } from "./context"
import { type ContractViolation, contractMiddleware } from "./contract-check"
import { controlRouter } from "./control"
import { FaultInjector, faultMiddleware } from "./faults"
import { hostedPageRouter } from "./hosted-page"
import { newId, now, sendError } from "./http-utils"
import { pay, resolveOnHold, runAutoCapture } from "./payments"
import { requestLogMiddleware } from "./request-log"
import { lockSession, markRendered } from "./session-lock"
import { Timers } from "./timers"
import type {
  CallbackDelivery,
  EmulatorOptions,
  PayOutcome,
  PayResult,
  RequestLogEntry,
  ResolvedOptions,
  Session,
  Transaction,
} from "./types"

export * from "./types"
export type { ContractViolation } from "./contract-check"
export { lockSession, renderSession } from "./session-lock"
export { FaultInjector } from "./faults"
export { formatAmount } from "./hosted-page"

export interface EmulatorState {
  sessions: Session[]
  transactions: Transaction[]
  draft_orders: unknown[]
  orders: unknown[]
}

export interface EmulatorStats {
  token_requests: number
  requests_by_route: Record<string, number>
}

export interface Emulator {
  url: string
  checkoutBaseUrl: string
  apiBaseUrl: string
  /** Mutable: tests may flip signatureSecret, asyncMode, tokenExpiresIn, ... on a running emulator. */
  options: ResolvedOptions
  /** Live objects (Dintero JSON shapes); a fresh container on every read. */
  readonly state: EmulatorState
  faults: FaultInjector
  readonly requests: RequestLogEntry[]
  readonly callbacks: CallbackDelivery[]
  tokenRequests(): number
  /** The access tokens issued so far (for leak checks in tests). */
  issuedTokens(): string[]
  stats(): EmulatorStats
  reset(): void
  pay(sessionId: string, outcome: PayOutcome, opts?: { payment_product_type?: string }): Promise<PayResult>
  resolveOnHold(transactionId: string, outcome: "AUTHORIZED" | "FAILED"): Promise<Transaction>
  /**
   * Runs the transaction's pending auto-capture attempt now (autoCaptureDelayMs > 0), instead of waiting for its
   * timer; false when none is pending. Tests set a long delay and drive each attempt themselves.
   */
  runAutoCapture(transactionId: string): boolean
  waitForCallbacks(): Promise<void>
  /** The shopper's page locks the session (what the Web SDK's lockSession() leads to); returns the pay_lock_id. */
  lockSession(sessionId: string): string
  /** Exchanges that broke the contract since start (options.contractCheck); survives reset(). */
  readonly contractViolations: ContractViolation[]
  close(): Promise<void>
}

export const DEFAULTS = {
  accountId: "T12345678",
  clientId: "emulator-client",
  clientSecret: "emulator-secret",
  // The dev store's three markets: Norway (NOK), Sweden (SEK), Denmark (DKK), one payment profile each.
  profiles: ["default", "sweden", "denmark", "finland"],
  profileCurrencies: { default: ["NOK"], sweden: ["SEK"], denmark: ["DKK"], finland: ["EUR"] } as Record<string, readonly string[]>,
  port: 8077,
} as const

export const DEFAULT_SCOPES = ["admin:checkout", "admin:shopping"]

function resolveOptions(opts: EmulatorOptions): ResolvedOptions {
  const allowInsecureCallbacks = opts.allowInsecureCallbacks ?? false
  return {
    port: opts.port ?? 0,
    host: opts.host ?? "127.0.0.1",
    accountId: opts.accountId ?? DEFAULTS.accountId,
    clientId: opts.clientId ?? DEFAULTS.clientId,
    clientSecret: opts.clientSecret ?? DEFAULTS.clientSecret,
    profiles: opts.profiles ?? [...DEFAULTS.profiles],
    profileCurrencies:
      opts.profileCurrencies ??
      Object.fromEntries(Object.entries(DEFAULTS.profileCurrencies).map(([id, currencies]) => [id, [...currencies]])),
    tokenExpiresIn: opts.tokenExpiresIn ?? 14400,
    signatureSecret: opts.signatureSecret,
    callbackRetries: opts.callbackRetries ?? 20,
    callbackRetryDelayMs: opts.callbackRetryDelayMs ?? 1000,
    callbackTimeoutMs: opts.callbackTimeoutMs ?? 10000,
    asyncMode: opts.asyncMode ?? false,
    asyncDelayMs: opts.asyncDelayMs ?? 50,
    allowInsecureCallbacks,
    requireHttpsCallback: opts.requireHttpsCallback ?? !allowInsecureCallbacks,
    publicUrl: opts.publicUrl,
    logRequests: opts.logRequests ?? true,
    sessionTtlSeconds: opts.sessionTtlSeconds ?? 4 * 60 * 60,
    copySessionMetadataToTransaction: opts.copySessionMetadataToTransaction ?? false,
    autoCaptureDelayMs: opts.autoCaptureDelayMs ?? 0,
    autoCaptureFailures: opts.autoCaptureFailures ?? 0,
    autoCaptureFailureCallbacks: opts.autoCaptureFailureCallbacks ?? true,
    strictSessionLock: opts.strictSessionLock ?? false,
    sessionUpdateMode: opts.sessionUpdateMode ?? "merge",
    orderIdentity: opts.orderIdentity ?? "id-and-order_id",
    ordersNegativeLines: opts.ordersNegativeLines ?? "reject",
    scopes: opts.scopes ?? [...DEFAULT_SCOPES],
    extraClients: opts.extraClients ?? [],
    contractCheck: opts.contractCheck ?? false,
    log: opts.log,
  }
}

// ---- the Orders API seam (emulator/orders/index.ts, written separately) ----

export interface OrdersDeps {
  sendError(res: Response, status: number, code: string, message: string, errors?: unknown[]): void
  now(): Date
  newId(prefix?: string): string
  orderIdentity?: () => "id-and-order_id" | "id-only"
  ordersNegativeLines?: () => "reject" | "accept"
}

interface OrdersModule {
  router: Router
  state(): { draft_orders: unknown[]; orders: unknown[] }
  reset(): void
}

/** Loaded only if present, so the rest of the emulator works (and is testable) without it. */
function loadOrdersModule(
  identity: () => ResolvedOptions["orderIdentity"],
  negativeLines: () => ResolvedOptions["ordersNegativeLines"]
): OrdersModule | undefined {
  const present = ["index.ts", "index.js"].some((f) => existsSync(path.join(__dirname, "orders", f)))
  if (!present) return undefined
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require("./orders") as { createOrdersModule?: (deps: OrdersDeps) => OrdersModule }
  if (typeof mod.createOrdersModule !== "function") return undefined
  return mod.createOrdersModule({ sendError, now, newId, orderIdentity: identity, ordersNegativeLines: negativeLines })
}

function jsonErrorHandler(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (res.headersSent) return next(err)
  const e = err as { type?: string; status?: number; message?: string }
  if (e?.type === "entity.parse.failed") return sendError(res, 400, "INVALID_REQUEST", "Request body is not valid JSON")
  if (e?.status && e.status >= 400 && e.status < 500) return sendError(res, e.status, "INVALID_REQUEST", e.message ?? "Bad request")
  sendError(res, 500, "INTERNAL_ERROR", e?.message ?? "Internal error")
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const options = resolveOptions(opts)
  const timers = new Timers()
  const faults = new FaultInjector()
  const tokens = new TokenStore()
  const ctx: EmulatorContext = {
    options,
    url: "",
    sessions: new Map(),
    transactions: new Map(),
    tokens,
    timers,
    faults,
    callbacks: new CallbackDispatcher(options, faults, timers),
    requests: [],
    routeCounts: new Map(),
    locks: new Map(),
    rendered: new Set(),
    autoCaptures: new Map(),
    contractViolations: [],
  }
  ctx.callbacks.contractViolations = () => (options.contractCheck ? ctx.contractViolations : undefined)
  const orders = loadOrdersModule(
    () => options.orderIdentity,
    () => options.ordersNegativeLines
  )

  const emulator: Emulator = {
    url: "",
    checkoutBaseUrl: "",
    apiBaseUrl: "",
    options,
    get state(): EmulatorState {
      const o = orders?.state() ?? { draft_orders: [], orders: [] }
      return {
        sessions: [...ctx.sessions.values()],
        transactions: [...ctx.transactions.values()],
        draft_orders: o.draft_orders,
        orders: o.orders,
      }
    },
    faults,
    get requests() {
      return ctx.requests
    },
    get callbacks() {
      return ctx.callbacks.deliveries
    },
    tokenRequests: () => tokens.requests,
    issuedTokens: () => tokens.issued(),
    stats: () => ({ token_requests: tokens.requests, requests_by_route: Object.fromEntries(ctx.routeCounts) }),
    reset() {
      // Issued tokens stay valid: clients cache them across tests, and they are not observable state.
      timers.cancelAll()
      ctx.sessions.clear()
      ctx.transactions.clear()
      ctx.requests.length = 0
      ctx.routeCounts.clear()
      ctx.callbacks.reset()
      ctx.locks.clear()
      ctx.rendered.clear()
      ctx.autoCaptures.clear()
      faults.clear()
      tokens.requests = 0
      orders?.reset()
    },
    pay: async (sessionId, outcome, payOpts) => pay(ctx, sessionId, outcome, payOpts),
    resolveOnHold: async (transactionId, outcome) => resolveOnHold(ctx, transactionId, outcome),
    runAutoCapture: (transactionId) => runAutoCapture(ctx, transactionId),
    waitForCallbacks: () => ctx.callbacks.waitForIdle(),
    lockSession: (sessionId) => lockSession(ctx, sessionId),
    get contractViolations() {
      return ctx.contractViolations
    },
    close: async () => undefined,
  }

  const app = express()
  app.disable("x-powered-by")
  app.set("etag", false)
  app.use(requestLogMiddleware(ctx))
  app.use(contractMiddleware(() => options.contractCheck, ctx.contractViolations))
  app.use(faultMiddleware(faults, timers))
  app.use("/__emulator", controlRouter(emulator))
  app.use(express.json({ limit: "2mb" }))

  for (const base of ["/checkout/v1", "/api/v1"]) {
    app.post(`${base}/accounts/:aid/auth/token`, tokenHandler(options, tokens))
  }
  // Marks the session rendered when its page is served (what strictSessionLock keys on), before the page router.
  app.use("/checkout/v1/view", markRendered(ctx), hostedPageRouter(ctx))
  app.use("/checkout/v1", bearerAuth(options, tokens, "checkout"), checkoutRouter(ctx))
  if (orders) {
    const shopping = express.Router({ mergeParams: true })
    shopping.use(bearerAuth(options, tokens, "shopping"), orders.router)
    app.use("/api/v1/accounts/:aid/shopping", shopping)
  }
  app.use((req, res) => sendError(res, 404, "NOT_FOUND", `No route ${req.method} ${req.path}`))
  app.use(jsonErrorHandler)

  const server = http.createServer(app)
  const sockets = new Set<Socket>()
  server.on("connection", (socket) => {
    sockets.add(socket)
    socket.on("close", () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(options.port, options.host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  const host = options.host.includes(":") ? `[${options.host}]` : options.host
  ctx.url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`
  emulator.url = ctx.url
  emulator.checkoutBaseUrl = `${ctx.url}/checkout/v1`
  emulator.apiBaseUrl = `${ctx.url}/api/v1`
  options.port = port
  if (!options.requireHttpsCallback) {
    // The explicit opt-out is logged: real Dintero never calls http or localhost callback URLs.
    ;(options.log ?? console.warn)(
      `Dintero emulator at ${ctx.url}: accepting http/localhost callback URLs (allowInsecureCallbacks); Dintero itself only calls HTTPS callback URLs`
    )
  }

  let closing: Promise<void> | undefined
  emulator.close = () => {
    closing ??= new Promise<void>((resolve) => {
      timers.close()
      ctx.callbacks.close()
      server.close(() => resolve())
      // Hung requests and keep-alive sockets would keep close() (and jest) waiting.
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections?.()
    })
    return closing
  }
  return emulator
}
