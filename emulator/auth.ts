import { randomBytes, timingSafeEqual } from "node:crypto"
import type { NextFunction, Request, Response } from "express"
import { sendError } from "./http-utils"
import type { ResolvedOptions } from "./types"

interface IssuedToken {
  accountId: string
  clientId: string
  scopes: string[]
  expiresAt: number
}

/** Opaque bearer tokens bound to an account. Survive reset() so clients with cached tokens keep working. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>()
  requests = 0

  issue(accountId: string, clientId: string, expiresInSeconds: number, scopes: string[] = []): string {
    const token = randomBytes(32).toString("base64url")
    this.tokens.set(token, { accountId, clientId, scopes: [...scopes], expiresAt: Date.now() + expiresInSeconds * 1000 })
    return token
  }

  /** Every token handed out (tests assert none of them reaches a log line). */
  issued(): string[] {
    return [...this.tokens.keys()]
  }

  verify(token: string): IssuedToken | undefined {
    const found = this.tokens.get(token)
    if (!found) return undefined
    if (Date.now() >= found.expiresAt) {
      this.tokens.delete(token)
      return undefined
    }
    return found
  }
}

export const AUDIENCE_BASE = "https://api.dintero.com/v1/accounts/"

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a)
  const bb = Buffer.from(b)
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}

function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined
  const decoded = Buffer.from(header.slice(6).trim(), "base64").toString("utf8")
  const idx = decoded.indexOf(":")
  if (idx < 0) return undefined
  return { id: decoded.slice(0, idx), secret: decoded.slice(idx + 1) }
}

/** The API clients of the account: the default one plus `extraClients`, each with its scopes. */
function apiClients(options: ResolvedOptions): Array<{ clientId: string; clientSecret: string; scopes: string[] }> {
  return [{ clientId: options.clientId, clientSecret: options.clientSecret, scopes: options.scopes }, ...options.extraClients]
}

/** `POST /accounts/:aid/auth/token` (mounted under both API bases). */
export function tokenHandler(options: ResolvedOptions, tokens: TokenStore) {
  return (req: Request, res: Response): void => {
    tokens.requests += 1
    const basic = parseBasic(req.headers.authorization)
    const known = basic && apiClients(options).find((c) => safeEqual(basic.id, c.clientId) && safeEqual(basic.secret, c.clientSecret))
    if (!basic || !known) {
      return sendError(res, 401, "UNAUTHORIZED", "Invalid client credentials")
    }
    const aid = req.params.aid
    if (aid !== options.accountId) {
      return sendError(res, 403, "FORBIDDEN", `The client has no access to account ${aid}`)
    }
    const body = (req.body ?? {}) as Record<string, unknown>
    if (body.grant_type !== "client_credentials") {
      return sendError(res, 400, "INVALID_REQUEST", "grant_type must be client_credentials", [
        { path: "grant_type", message: "must be client_credentials" },
      ])
    }
    if (body.audience !== AUDIENCE_BASE + aid) {
      return sendError(res, 403, "FORBIDDEN", `audience must be ${AUDIENCE_BASE}${aid}`)
    }
    // Read at request time: tests flip tokenExpiresIn on a running emulator.
    const expiresIn = options.tokenExpiresIn
    res.json({
      access_token: tokens.issue(aid, basic.id, expiresIn, known.scopes),
      token_type: "Bearer",
      expires_in: expiresIn,
    })
  }
}

export const INVALID_TOKEN_MESSAGE = "Access forbidden, invalid JWT token"

/**
 * Scopes an API accepts (SPEC-TS operations list `admin:checkout` + `read:checkout` / `write:checkout`; the Orders
 * pages list `admin:shopping` + `read:shopping` / `write:shopping`; SEED:003 asks for admin:checkout + admin:shopping).
 */
export function missingScope(api: "checkout" | "shopping", method: string, scopes: string[]): string | undefined {
  const read = method === "GET" || method === "HEAD"
  const accepted = [`admin:${api}`, read ? `read:${api}` : `write:${api}`]
  return accepted.some((s) => scopes.includes(s)) ? undefined : accepted.join(" or ")
}

/**
 * Bearer auth for every API route except the token endpoint and the hosted page.
 * With `:aid` in the path (Orders API) the token must belong to that account; the token's scopes must cover `api`.
 */
export function bearerAuth(options: ResolvedOptions, tokens: TokenStore, api: "checkout" | "shopping") {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null
    const token = match ? tokens.verify(match[1]) : undefined
    if (!token) return sendError(res, 401, "UNAUTHORIZED", INVALID_TOKEN_MESSAGE)
    if (token.accountId !== options.accountId) return sendError(res, 403, "FORBIDDEN", "FORBIDDEN")
    const aid = req.params.aid
    if (aid !== undefined && aid !== token.accountId) {
      return sendError(res, 403, "FORBIDDEN", `The token has no access to account ${aid}`)
    }
    const missing = missingScope(api, req.method, token.scopes)
    if (missing) return sendError(res, 403, "FORBIDDEN", `The API client lacks the scope ${missing}`)
    res.locals.clientId = token.clientId
    next()
  }
}
