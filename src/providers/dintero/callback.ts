import type { ProviderWebhookPayload } from "@medusajs/framework/types"
import { verifyCallbackSignature } from "../../dintero/signature"
import type { DinteroOptions } from "./options"

/** The plugin's own callback route: accepts Dintero's GET (default) and POST (`method=POST`) callbacks. */
export const CALLBACK_PATH = "/hooks/dintero/callback"

/**
 * The callback URL registered on every session. `report_error=true` makes Dintero tell us about declined, failed and
 * cancelled payments too, so they are recorded on the Medusa payment session instead of silently dropped.
 */
export function callbackUrl(options: Pick<DinteroOptions, "backendUrl" | "callbackDelaySeconds">): string {
  const params = new URLSearchParams({ report_error: "true" })
  if (options.callbackDelaySeconds > 0) {
    params.set("delay_callback", String(options.callbackDelaySeconds))
  }
  return `${options.backendUrl}${CALLBACK_PATH}?${params.toString()}`
}

/** What the plugin's route passes to the provider as the webhook payload's `data`. */
export interface RouteCallbackData {
  dintero_callback: {
    method: string
    /** The raw query string as received (without "?"), signed by Dintero. */
    query: string
  }
}

export interface CallbackInput {
  transaction_id?: string
  session_id?: string
  merchant_reference?: string
  error?: string
  event?: string
}

/**
 * Why a callback is refused: `signature` (forged or replayed: 401) or `invalid` (an id that cannot be Dintero's:
 * 400). Either way Dintero must not retry, and nothing of the payload is logged verbatim.
 */
export type CallbackReading =
  | { ok: true; value: CallbackInput }
  | { ok: false; reason: string; kind: "signature" | "invalid" }

/**
 * Dintero transaction and session ids: the account id (T/P + 8 digits), a dot, and a base58-style token
 * (e.g. `T11223344.4ZwYk6m2f2c5xpS3gzKjPi`, Dintero's API reference examples). Checked before an id is logged or
 * put in a URL path, so a forged id cannot walk paths (`..`), split log lines or carry terminal codes.
 */
export const DINTERO_ID_PATTERN = /^[PT]\d{8}\.[A-Za-z0-9]{6,64}$/

export function isDinteroId(value: unknown): value is string {
  return typeof value === "string" && DINTERO_ID_PATTERN.test(value)
}

/** A value from outside, made safe for one log line: printable ASCII only, at most 80 characters. */
export function forLog(value: unknown): string {
  const text = typeof value === "string" ? value : String(value)
  const clean = text.replace(/[^\x21-\x7e]/g, "?")
  return JSON.stringify(clean.length > 80 ? `${clean.slice(0, 80)}...` : clean)
}

/** The ids a callback names, checked: absent is fine, present but malformed is refused. */
function checkIds(value: CallbackInput): CallbackReading {
  for (const key of ["transaction_id", "session_id"] as const) {
    const id = value[key]
    if (id !== undefined && !isDinteroId(id)) {
      return { ok: false, kind: "invalid", reason: `callback ${key} ${forLog(id)} is not a Dintero id` }
    }
  }
  return { ok: true, value }
}

function header(headers: Record<string, unknown> | undefined, name: string): string | undefined {
  if (!headers) return undefined
  const value = headers[name] ?? headers[name.toLowerCase()]
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined
  return typeof value === "string" ? value : undefined
}

function str(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 && value.length <= 200 ? value : undefined
}

/**
 * Reads a callback from either road and verifies its signature when a secret is configured.
 * The values are only pointers: the transaction is always re-read from Dintero before anything changes.
 */
export function readCallback(
  payload: ProviderWebhookPayload["payload"],
  options: Pick<DinteroOptions, "backendUrl" | "callbackSecret" | "accountId">,
  now?: number
): CallbackReading {
  const data = (payload?.data ?? {}) as Record<string, unknown>
  const route = data.dintero_callback as RouteCallbackData["dintero_callback"] | undefined

  if (route && typeof route.query === "string" && typeof route.method === "string") {
    if (options.callbackSecret) {
      // Dintero signs the URL it called; hostname and path are ours, the query is what arrived.
      const registered = new URL(`${options.backendUrl}${CALLBACK_PATH}`)
      const url = `${registered.origin}${registered.pathname}?${route.query}`
      const verdict = verifyCallbackSignature({
        secret: options.callbackSecret,
        accountId: options.accountId,
        method: route.method,
        url,
        header: header(payload.headers, "dintero-signature"),
        now,
      })
      if (!verdict.valid) {
        return { ok: false, kind: "signature", reason: `callback signature ${verdict.reason}` }
      }
    }
    const q = new URLSearchParams(route.query)
    // A POST callback carries the transaction as its body; the query still names it.
    const body = (data.body ?? {}) as Record<string, unknown>
    return checkIds({
        transaction_id: str(q.get("transaction_id")) ?? str(body.id),
        session_id: str(q.get("session_id")) ?? str(q.get("sid")) ?? str(body.session_id),
        merchant_reference: str(q.get("merchant_reference")) ?? str(body.merchant_reference),
        error: str(q.get("error")),
        event: str(q.get("event")),
    })
  }

  // Medusa's generic POST /hooks/payment/dintero_dintero passes the body and headers but not the URL, so a
  // signature over the URL cannot be checked there.
  if (options.callbackSecret) {
    return {
      ok: false,
      kind: "signature",
      reason: `signed callbacks must use ${CALLBACK_PATH}; /hooks/payment/dintero_dintero cannot verify signatures`,
    }
  }
  return checkIds({
    transaction_id: str(data.id) ?? str(data.transaction_id),
    session_id: str(data.session_id),
    merchant_reference: str(data.merchant_reference),
  })
}
