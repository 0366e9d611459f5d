/**
 * HTTP layer of the Dintero client: one axios instance with keep-alive agents and timeouts, error mapping to
 * DinteroError, bearer auth with exactly one re-authentication on 401, and the retry policy below.
 *
 * Which calls are safe to retry, and why (Dintero has no idempotency header):
 *
 * | Call                                         | Retried on network error / timeout / 5xx           | Why                                                      |
 * |----------------------------------------------|----------------------------------------------------|----------------------------------------------------------|
 * | every GET (session, transaction(s), drafts,  | yes, blindly                                       | reads have no side effects                               |
 * |   orders, payment operation lists)           |                                                    |                                                          |
 * | POST auth/token                              | yes, blindly                                       | issuing an extra token has no side effect                |
 * | PUT sessions/{id}?update_without_lock=true   | yes, blindly                                       | PUT replaces the order: applying it twice = once         |
 * | POST transactions/{id}/capture               | yes, after reconciling                             | we re-read the transaction: a successful CAPTURE event   |
 * | POST transactions/{id}/refund                |                                                    |   whose event_reference = our capture/refund_reference   |
 * |                                              |                                                    |   (and same amount) means it was applied -> success;     |
 * |                                              |                                                    |   otherwise the POST is sent again (bounded)             |
 * | POST transactions/{id}/void                  | yes, after reconciling                             | status AUTHORIZATION_VOIDED on re-read -> success        |
 * | POST sessions/{id}/cancel                    | yes, after reconciling                             | `cancelled_at` set on re-read -> success                 |
 * | POST sessions-profile (create session)       | NO                                                 | a lost response may have created a session; a blind      |
 * |                                              |                                                    |   retry creates a second one. The caller creates anew    |
 * | POST transactions/{id}/authorization         | NO                                                 | amount changes are not idempotent (409 semantics)        |
 * | Orders API POSTs (draft create, add item,    | NO                                                 | no reference field to reconcile with; the caller (the    |
 * |   authorizations, captures, refunds,         |                                                    |   outbox) reconciles by listing the order's operations   |
 * |   cancellations), PUT draft complete         |                                                    |   / reading the draft before it tries again              |
 *
 * Every call, including the "NO" rows, is retried on 429 and on ECONNREFUSED: both mean the request was not
 * processed (rate limited before processing / connection never established).
 * Retries use exponential backoff with full jitter, honour Retry-After (seconds or HTTP date), and are bounded by
 * `retry.retries`; a Retry-After longer than `retry.maxDelayMs` is not waited for (the error is thrown instead).
 * A 401 on an API call invalidates the token and the call is re-sent exactly once with a fresh token.
 */
import http from "node:http"
import https from "node:https"
import { randomUUID } from "node:crypto"
import axios, { AxiosError, AxiosInstance, AxiosResponse } from "axios"
import { DinteroError } from "./errors"
import { backoffDelay } from "./backoff"
import {
  DinteroClientConfig,
  DinteroLogger,
  ResolvedRetryOptions,
  DEFAULT_API_BASE_URL,
  DEFAULT_CHECKOUT_BASE_URL,
  DEFAULT_TIMEOUT_MS,
  resolveRetryOptions,
  systemHeaders,
  trimTrailingSlash,
} from "./config"

/* ------------------------------------------------------------------ pure helpers (unit tested) */

/**
 * Retry-After header -> milliseconds to wait, or undefined when absent/invalid.
 * Accepts delta-seconds ("120") and an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"); dates in the past give 0.
 */
export function parseRetryAfter(value: unknown, nowMs: number = Date.now()): number | undefined {
  if (Array.isArray(value)) value = value[0]
  if (typeof value === "number") value = String(value)
  if (typeof value !== "string") return undefined
  const trimmed = value.trim()
  if (trimmed === "") return undefined
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000)
  }
  // An HTTP date always names the day/month; this keeps Date.parse from reading "-1" as a year.
  if (!/[a-z]/i.test(trimmed)) return undefined
  const at = Date.parse(trimmed)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - nowMs)
}


/**
 * Delay before retry number `attempt` (0-based), or undefined when we must not wait (Retry-After above the cap).
 * A server-given Retry-After wins over the computed backoff.
 */
export function retryDelay(
  attempt: number,
  opts: { baseDelayMs: number; maxDelayMs: number },
  retryAfterMs?: number,
  random: () => number = Math.random
): number | undefined {
  if (retryAfterMs !== undefined) {
    return retryAfterMs > opts.maxDelayMs ? undefined : retryAfterMs
  }
  return backoffDelay(attempt, opts, random)
}

/** Transient failures: worth another attempt when the call is safe to repeat. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500
}

/** The request was certainly not processed: safe to re-send even a non-idempotent call. */
export function wasNotProcessed(err: DinteroError): boolean {
  return err.status === 429 || err.networkCode === "ECONNREFUSED"
}

const TIMEOUT_CODES = new Set(["ETIMEDOUT", "ECONNABORTED", "ESOCKETTIMEDOUT"])

/**
 * How long an idle keep-alive socket is kept when the server sends no Keep-Alive hint: below the idle timeouts of
 * common load balancers (60 s and more), so we close first. A request in flight uses the call's own timeout instead.
 */
export const IDLE_SOCKET_TIMEOUT_MS = 15_000

/* ------------------------------------------------------------------ transport */

export type DinteroHost = "checkout" | "api"
export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE"

/**
 * - `idempotent`: retried on every transient failure.
 * - `unsafe`: retried only when the request was certainly not processed (429, ECONNREFUSED).
 * - `none`: never retried here (the caller runs its own reconciling loop).
 */
export type RetryMode = "idempotent" | "unsafe" | "none"

export type QueryValue = string | number | boolean | undefined | null | (string | number)[]

export interface RequestSpec {
  method: HttpMethod
  host: DinteroHost
  /** Path relative to the host's base URL, starting with "/". Path parameters must be encoded by the caller. */
  path: string
  query?: Record<string, QueryValue>
  body?: unknown
  headers?: Record<string, string>
  /** "bearer" (default) uses the token source; "basic" sends the client credentials (token endpoint only). */
  auth?: "bearer" | "basic"
  timeoutMs?: number
  retry: RetryMode
}

export interface HttpResult<T> {
  status: number
  data: T
  headers: Record<string, string>
  requestId: string
}

export interface TokenSource {
  getToken(): Promise<string>
  /** Forget `token` if it is still the cached one (a concurrent caller may already have replaced it). */
  invalidate(token: string): void
}

export interface TransportOptions {
  /** Used by tests to make backoff deterministic. */
  random?: () => number
  /** How a retry waits; tests inject one that records the delay instead of waiting for it. */
  sleep?: (ms: number) => Promise<void>
}

export class DinteroTransport {
  readonly accountId: string
  readonly checkoutBaseUrl: string
  readonly apiBaseUrl: string
  readonly retry: ResolvedRetryOptions
  readonly timeoutMs: number
  tokens?: TokenSource

  private readonly axios: AxiosInstance
  private readonly httpAgent: http.Agent
  private readonly httpsAgent: https.Agent
  private readonly logger?: DinteroLogger
  private readonly baseHeaders: Record<string, string>
  private readonly random: () => number
  private readonly sleep: (ms: number) => Promise<void>
  // Kept in a closure-free private field and only ever put into a request header.
  readonly #basic: string

  constructor(config: DinteroClientConfig, options: TransportOptions = {}) {
    this.accountId = config.accountId
    this.checkoutBaseUrl = trimTrailingSlash(config.checkoutBaseUrl ?? DEFAULT_CHECKOUT_BASE_URL)
    this.apiBaseUrl = trimTrailingSlash(config.apiBaseUrl ?? DEFAULT_API_BASE_URL)
    this.retry = resolveRetryOptions(config.retry)
    this.timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS
    this.logger = config.logger
    this.random = options.random ?? Math.random
    this.sleep = options.sleep ?? sleep
    this.baseHeaders = { ...systemHeaders(config.system), Accept: "application/json" }
    this.#basic = `Basic ${Buffer.from(`${config.clientId}:${config.clientSecret}`, "utf8").toString("base64")}`
    // Keep-alive: token + API calls reuse TLS connections. An idle socket must be dropped by us before the server
    // closes it, or a request sent on it just then dies with ECONNRESET, and a session create is not re-sent then.
    // Node honours the server's `Keep-Alive: timeout=N` hint (closing at N-1 s) only when the agent has a timeout
    // of its own, so `timeout` is what makes the hint count; without a hint it is the idle limit.
    const agentOptions = { keepAlive: true, maxSockets: 50, timeout: IDLE_SOCKET_TIMEOUT_MS }
    this.httpAgent = new http.Agent(agentOptions)
    this.httpsAgent = new https.Agent(agentOptions)
    this.axios = axios.create({
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      timeout: this.timeoutMs,
      maxRedirects: 0,
      // We map every status ourselves; axios never throws for a response.
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true, silentJSONParsing: true, forcedJSONParsing: true },
    })
  }

  /** Closes idle keep-alive sockets (tests, shutdown). */
  close(): void {
    this.httpAgent.destroy()
    this.httpsAgent.destroy()
  }

  baseUrl(host: DinteroHost): string {
    return host === "checkout" ? this.checkoutBaseUrl : this.apiBaseUrl
  }

  /** Path as it appears in errors and logs: the URL path only (no host, no query). */
  displayPath(spec: Pick<RequestSpec, "host" | "path">): string {
    try {
      return new URL(this.baseUrl(spec.host) + spec.path).pathname
    } catch {
      return spec.path
    }
  }

  /** Sends the request with auth, the one-time re-auth on 401, and the retries its RetryMode allows. */
  async request<T>(spec: RequestSpec): Promise<HttpResult<T>> {
    const requestId = randomUUID()
    return this.withRetries(
      spec.method,
      this.displayPath(spec),
      () => this.sendAuthenticated<T>(spec, requestId),
      (err) => shouldRetry(spec.retry, err)
    )
  }

  /**
   * Generic bounded retry loop. `attemptFn` gets the attempt number (0 = first) and the error of the previous
   * attempt, so a caller can reconcile (re-read) before re-sending.
   */
  async withRetries<T>(
    method: string,
    path: string,
    attemptFn: (attempt: number, previous?: DinteroError) => Promise<T>,
    retryable: (err: DinteroError) => boolean
  ): Promise<T> {
    let previous: DinteroError | undefined
    for (let attempt = 0; ; attempt++) {
      try {
        return await attemptFn(attempt, previous)
      } catch (err) {
        if (!(err instanceof DinteroError) || !retryable(err) || attempt >= this.retry.retries) {
          throw err
        }
        const delay = retryDelay(attempt, this.retry, err.retryAfterMs, this.random)
        if (delay === undefined) {
          this.log("warn", `Dintero ${method} ${path} got ${reason(err)} with Retry-After ${err.retryAfterMs}ms above the ${this.retry.maxDelayMs}ms cap; not retrying`)
          throw err
        }
        this.log(
          "warn",
          `Dintero ${method} ${path} attempt ${attempt + 1}/${this.retry.retries + 1} failed (${reason(err)}); retrying in ${delay}ms`
        )
        previous = err
        await this.sleep(delay)
      }
    }
  }

  private async sendAuthenticated<T>(spec: RequestSpec, requestId: string): Promise<HttpResult<T>> {
    if (spec.auth === "basic") {
      return this.sendOnce<T>(spec, this.#basic, requestId)
    }
    if (!this.tokens) throw new Error("DinteroTransport: no token source configured")
    const token = await this.tokens.getToken()
    try {
      return await this.sendOnce<T>(spec, `Bearer ${token}`, requestId)
    } catch (err) {
      if (!(err instanceof DinteroError) || err.status !== 401) throw err
      // Exactly one re-authentication: the token may have expired or been revoked before our refresh margin.
      this.log("info", `Dintero ${spec.method} ${err.path} got 401; re-authenticating once`)
      this.tokens.invalidate(token)
      const fresh = await this.tokens.getToken()
      return this.sendOnce<T>(spec, `Bearer ${fresh}`, requestId)
    }
  }

  /** One HTTP exchange. Never lets an axios error (which carries the Authorization header) escape. */
  private async sendOnce<T>(spec: RequestSpec, authorization: string, requestId: string): Promise<HttpResult<T>> {
    const url = this.baseUrl(spec.host) + spec.path + serializeQuery(spec.query)
    const path = this.displayPath(spec)
    const timeout = spec.timeoutMs ?? this.timeoutMs
    const headers: Record<string, string> = {
      ...this.baseHeaders,
      ...spec.headers,
      "X-Request-Id": requestId,
      Authorization: authorization,
    }
    if (spec.body !== undefined) headers["Content-Type"] = "application/json"

    let res: AxiosResponse
    try {
      res = await this.axios.request({
        method: spec.method,
        url,
        headers,
        data: spec.body === undefined ? undefined : JSON.stringify(spec.body),
        timeout,
        // Keep the body as text when it is not JSON; we parse errors ourselves.
        responseType: "json",
      })
    } catch (err) {
      throw networkError(err, spec.method, path, requestId, timeout)
    }

    const responseHeaders = flattenHeaders(res.headers)
    const responseRequestId = responseHeaders["request-id"] ?? responseHeaders["x-request-id"] ?? requestId
    if (res.status >= 200 && res.status < 300) {
      return { status: res.status, data: res.data as T, headers: responseHeaders, requestId: responseRequestId }
    }
    const body = errorBody(res.data)
    throw new DinteroError({
      kind: "http",
      method: spec.method,
      path,
      status: res.status,
      code: body.code,
      dinteroMessage: body.message,
      errors: body.errors,
      requestId: responseRequestId,
      retryable: isTransientStatus(res.status),
      retryAfterMs: parseRetryAfter(responseHeaders["retry-after"]),
    })
  }

  log(level: keyof DinteroLogger, message: string): void {
    try {
      this.logger?.[level]?.(message)
    } catch {
      // A failing logger must never break a payment call.
    }
  }
}

function shouldRetry(mode: RetryMode, err: DinteroError): boolean {
  switch (mode) {
    case "idempotent":
      return err.retryable
    case "unsafe":
      return wasNotProcessed(err)
    case "none":
      return false
  }
}

function reason(err: DinteroError): string {
  if (err.kind === "http") return `${err.status}${err.code ? ` ${err.code}` : ""}`
  return err.networkCode ? `${err.kind} ${err.networkCode}` : err.kind
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function serializeQuery(query: RequestSpec["query"]): string {
  if (!query) return ""
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue
    if (Array.isArray(value)) {
      // Dintero expects repeated keys (includes=a&includes=b), not axios' includes[]=a.
      for (const v of value) params.append(key, String(v))
    } else {
      params.append(key, String(value))
    }
  }
  const text = params.toString()
  return text ? `?${text}` : ""
}

function flattenHeaders(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!headers || typeof headers !== "object") return out
  const source =
    typeof (headers as { toJSON?: unknown }).toJSON === "function"
      ? (headers as { toJSON(): Record<string, unknown> }).toJSON()
      : (headers as Record<string, unknown>)
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || value === null) continue
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value)
  }
  return out
}

function errorBody(data: unknown): { code?: string; message?: string; errors?: unknown[] } {
  if (data && typeof data === "object" && "error" in data) {
    const e = (data as { error: unknown }).error
    if (e && typeof e === "object") {
      const { code, message, errors } = e as Record<string, unknown>
      return {
        code: typeof code === "string" ? code : undefined,
        message: typeof message === "string" ? message : undefined,
        errors: Array.isArray(errors) ? errors : undefined,
      }
    }
    if (typeof e === "string") return { message: e }
  }
  return {}
}

/** Maps an axios/network failure to a DinteroError holding only its code: never the axios error itself. */
function networkError(err: unknown, method: string, path: string, requestId: string, timeoutMs: number): DinteroError {
  const code = err instanceof AxiosError || (err && typeof err === "object" && "code" in err)
    ? String((err as { code?: unknown }).code ?? "") || undefined
    : undefined
  const timedOut = code !== undefined && TIMEOUT_CODES.has(code)
  return new DinteroError({
    kind: timedOut ? "timeout" : "network",
    method,
    path,
    requestId,
    retryable: true,
    networkCode: code,
    ...(timedOut ? { timeoutMs } : {}),
  } as ConstructorParameters<typeof DinteroError>[0])
}
