import type { Emulator, RequestLogEntry } from "../../emulator"
import { sleep } from "./bench-stats"

/**
 * Counting what the plugin asks of Dintero, at the emulator. The emulator logs every API request once it has been
 * answered (control calls under /__emulator are never logged); token requests are counted apart because the
 * targets treat them apart.
 */

export function isTokenRequest(r: RequestLogEntry): boolean {
  return /\/auth\/token$/.test(r.path)
}

/** "GET /checkout/v1/transactions?session_id" — the route with ids replaced and the query's keys. */
export function describeRequest(r: RequestLogEntry): string {
  const keys = Object.keys(r.query ?? {})
  return `${r.method} ${r.route || r.path}${keys.length ? `?${keys.join("&")}` : ""} -> ${r.status ?? "no answer"}`
}

export interface RequestCount {
  dintero_requests: number
  /** Of which to the Checkout API (/checkout/v1) and to the Orders API (/api/v1). */
  checkout_api_requests: number
  orders_api_requests: number
  token_requests: number
  requests: string[]
}

/** A position in the emulator's request log, to count what was logged after it. */
export class RequestWindow {
  private readonly start: number
  private readonly tokensAtStart: number

  constructor(private readonly emulator: Emulator) {
    this.start = emulator.requests.length
    this.tokensAtStart = emulator.tokenRequests()
  }

  entries(): RequestLogEntry[] {
    return this.emulator.requests.slice(this.start)
  }

  count(): RequestCount {
    const entries = this.entries()
    const api = entries.filter((r) => !isTokenRequest(r))
    return {
      dintero_requests: api.length,
      checkout_api_requests: api.filter((r) => r.path.startsWith("/checkout/v1")).length,
      orders_api_requests: api.filter((r) => r.path.startsWith("/api/v1")).length,
      token_requests: this.emulator.tokenRequests() - this.tokensAtStart,
      requests: api.map(describeRequest),
    }
  }
}

/**
 * Waits until Dintero's side is quiet: no callback delivery pending and no new API request for `quietMs`
 * (work the plugin does after answering, e.g. subscribers, shows up as late requests).
 */
export async function settle(emulator: Emulator, quietMs = 300, maxMs = 30_000): Promise<void> {
  const deadline = Date.now() + maxMs
  let seen = -1
  while (Date.now() < deadline) {
    await emulator.waitForCallbacks()
    const n = emulator.requests.length
    if (n === seen) return
    seen = n
    await sleep(quietMs)
  }
}
