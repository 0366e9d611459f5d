import { DinteroTransport, TokenSource } from "./http"
import { AccessTokenResponse, readContract } from "./contract"

export const DEFAULT_TOKEN_AUDIENCE_BASE = "https://api.dintero.com/v1/accounts/"

/**
 * Seconds before expiry at which we stop using a token: min(expires_in / 2, 60).
 * 60 s covers clock skew plus a slow in-flight request (timeouts are 15 s) for Dintero's 4 h tokens; halving keeps
 * short-lived tokens (tests, emulator) usable for half their life instead of never.
 */
export function refreshMarginSeconds(expiresIn: number): number {
  return Math.min(expiresIn / 2, 60)
}

interface CachedToken {
  token: string
  /** Epoch ms after which we fetch a new token. */
  refreshAt: number
}

/**
 * Client-credentials token cache. Concurrent callers share one in-flight token request (single flight); a token is
 * refreshed `refreshMarginSeconds` before it expires. The token is never logged nor put on an error.
 */
export class TokenManager implements TokenSource {
  #cached?: CachedToken
  #inflight?: Promise<string>

  constructor(
    private readonly transport: DinteroTransport,
    private readonly tokenTimeoutMs: number,
    private readonly audience: string = `${DEFAULT_TOKEN_AUDIENCE_BASE}${transport.accountId}`,
    private readonly now: () => number = Date.now
  ) {}

  getToken(): Promise<string> {
    const cached = this.#cached
    if (cached && this.now() < cached.refreshAt) return Promise.resolve(cached.token)
    if (!this.#inflight) {
      this.#inflight = this.fetchToken().finally(() => {
        this.#inflight = undefined
      })
    }
    return this.#inflight
  }

  invalidate(token: string): void {
    if (this.#cached?.token === token) this.#cached = undefined
  }

  private async fetchToken(): Promise<string> {
    const aid = this.transport.accountId
    const res = await this.transport.request<unknown>({
      method: "POST",
      host: "api",
      path: `/accounts/${encodeURIComponent(aid)}/auth/token`,
      body: { grant_type: "client_credentials", audience: this.audience },
      auth: "basic",
      timeoutMs: this.tokenTimeoutMs,
      // Issuing a token has no side effect: safe to retry like a read.
      retry: "idempotent",
    })
    // SPEC-TS:6519 AccessToken. Never put the body on an error: it holds the token.
    const body = readContract(AccessTokenResponse, res.data, "the token response", {
      method: "POST",
      path: this.transport.displayPath({ host: "api", path: `/accounts/${encodeURIComponent(aid)}/auth/token` }),
      status: res.status,
      requestId: res.requestId,
    })
    const expiresIn = body.expires_in
    this.#cached = {
      token: body.access_token,
      refreshAt: this.now() + (expiresIn - refreshMarginSeconds(expiresIn)) * 1000,
    }
    return body.access_token
  }
}
