import { inspect } from "node:util"

/**
 * - http: Dintero answered an error status. network / timeout: no answer.
 * - contract: Dintero answered 2xx with a body the contract does not allow (code `contract_violation`).
 * - rejected: Dintero answered 2xx but the operation's event says `success: false` (code `operation_failed`): no
 *   money moved; `dinteroMessage` carries Dintero's reason.
 */
export type DinteroErrorKind = "http" | "network" | "timeout" | "contract" | "rejected"

export interface DinteroErrorInit {
  kind: DinteroErrorKind
  method: string
  /** URL path only: no host, no query string. */
  path: string
  status?: number
  code?: string
  dinteroMessage?: string
  errors?: unknown[]
  requestId?: string
  retryable: boolean
  /** Parsed Retry-After, when the response carried one. */
  retryAfterMs?: number
  /** Low-level network error code (ECONNRESET, ETIMEDOUT, ...), never an axios object. */
  networkCode?: string
  timeoutMs?: number
}

/**
 * The one error the Dintero client throws.
 *
 * It is built from plain, safe values only: it never holds the axios error, config or request (those carry the
 * Authorization header), and never a `cause`. `retryable` means the failure is transient (network, timeout, 429,
 * 5xx); for non-idempotent calls it does NOT mean the request was not applied - see http.ts.
 */
export class DinteroError extends Error {
  readonly kind: DinteroErrorKind
  readonly status?: number
  readonly code?: string
  readonly dinteroMessage?: string
  readonly errors?: unknown[]
  readonly method: string
  readonly path: string
  readonly requestId?: string
  readonly retryable: boolean
  readonly retryAfterMs?: number
  readonly networkCode?: string

  constructor(init: DinteroErrorInit) {
    super(describe(init))
    this.name = "DinteroError"
    this.kind = init.kind
    this.status = init.status
    this.code = init.code
    this.dinteroMessage = init.dinteroMessage
    this.errors = init.errors
    this.method = init.method
    this.path = init.path
    this.requestId = init.requestId
    this.retryable = init.retryable
    this.retryAfterMs = init.retryAfterMs
    this.networkCode = init.networkCode
    // Drop undefined fields so logs and inspect output stay short.
    for (const key of Object.keys(this) as (keyof this)[]) {
      if (this[key] === undefined) delete this[key]
    }
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      status: this.status,
      code: this.code,
      dinteroMessage: this.dinteroMessage,
      errors: this.errors,
      method: this.method,
      path: this.path,
      requestId: this.requestId,
      retryable: this.retryable,
      retryAfterMs: this.retryAfterMs,
      networkCode: this.networkCode,
    }
  }

  /** Same safe fields for util.inspect / console.log. */
  [inspect.custom](): string {
    return `${this.stack ?? this.message}\n${inspect(this.toJSON(), { depth: 4 })}`
  }
}

function describe(init: DinteroErrorInit): string {
  const head = `Dintero ${init.method} ${init.path}`
  if (init.kind === "timeout") {
    return `${head} timed out${init.timeoutMs ? ` after ${init.timeoutMs}ms` : ""}`
  }
  if (init.kind === "network") {
    return `${head} failed: network error${init.networkCode ? ` ${init.networkCode}` : ""}`
  }
  if (init.kind === "contract") {
    return `${head} answered ${init.status ?? "2xx"} outside Dintero's contract${init.dinteroMessage ? `: ${init.dinteroMessage}` : ""}`
  }
  if (init.kind === "rejected") {
    return `${head} answered ${init.status ?? "2xx"} but Dintero reports the operation failed${init.code ? ` (${init.code})` : ""}${init.dinteroMessage ? `: ${init.dinteroMessage}` : ""}`
  }
  const code = init.code ? ` ${init.code}` : ""
  const msg = init.dinteroMessage ? `: ${init.dinteroMessage}` : ""
  return `${head} failed with ${init.status}${code}${msg}`
}

export function isDinteroError(value: unknown): value is DinteroError {
  return value instanceof DinteroError
}
