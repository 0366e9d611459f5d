import { createHmac, timingSafeEqual } from "node:crypto"

/**
 * Dintero-Signature for system-to-system callbacks.
 *
 * Header: `t=<unix seconds>,v0-hmac-sha256=<lowercase hex>`.
 * Signed payload: `${t}\n${accountId}\n${METHOD}\n${hostname}\n${pathname}\n${sortedQuery}`
 * where the query is URLSearchParams sorted and serialised (spaces as `+`). The body is not signed.
 */

export const SIGNATURE_HEADER = "dintero-signature"
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300

export interface SignatureInput {
  secret: string
  accountId: string
  method: string
  /** The absolute URL Dintero called (public hostname and path, as the merchant registered it). */
  url: string
  /** Unix time in seconds. */
  timestamp: number
}

export function signaturePayload(input: Omit<SignatureInput, "secret">): string {
  const u = new URL(input.url)
  const params = new URLSearchParams(u.search)
  params.sort()
  return [
    String(input.timestamp),
    input.accountId,
    input.method.toUpperCase(),
    u.hostname,
    u.pathname,
    params.toString(),
  ].join("\n")
}

export function computeSignature(input: SignatureInput): string {
  return createHmac("sha256", input.secret).update(signaturePayload(input), "utf8").digest("hex")
}

/** Builds the full header value, as Dintero sends it. Used by the emulator. */
export function signCallback(input: SignatureInput): string {
  return `t=${input.timestamp},v0-hmac-sha256=${computeSignature(input)}`
}

export interface ParsedSignatureHeader {
  timestamp: number
  signatures: string[]
}

export function parseSignatureHeader(header: string | undefined | null): ParsedSignatureHeader | null {
  if (!header || typeof header !== "string") {
    return null
  }
  let timestamp: number | undefined
  const signatures: string[] = []
  for (const part of header.split(",")) {
    const idx = part.indexOf("=")
    if (idx <= 0) continue
    const key = part.slice(0, idx).trim()
    const value = part.slice(idx + 1).trim()
    if (key === "t" && /^\d{1,12}$/.test(value)) {
      timestamp = Number(value)
    } else if (key === "v0-hmac-sha256" && /^[0-9a-f]{64}$/i.test(value)) {
      signatures.push(value.toLowerCase())
    }
  }
  if (timestamp === undefined || signatures.length === 0) {
    return null
  }
  return { timestamp, signatures }
}

export type SignatureVerdict =
  | { valid: true; timestamp: number }
  | { valid: false; reason: "missing" | "malformed" | "expired" | "mismatch" }

export interface VerifyInput {
  secret: string
  accountId: string
  method: string
  url: string
  header: string | undefined | null
  /** Unix seconds; defaults to the current time. */
  now?: number
  toleranceSeconds?: number
}

/** Timing-safe verification with a symmetric window (replays older than the tolerance are refused). */
export function verifyCallbackSignature(input: VerifyInput): SignatureVerdict {
  if (input.header === undefined || input.header === null || input.header === "") {
    return { valid: false, reason: "missing" }
  }
  const parsed = parseSignatureHeader(input.header)
  if (!parsed) {
    return { valid: false, reason: "malformed" }
  }
  const now = input.now ?? Math.floor(Date.now() / 1000)
  const tolerance = input.toleranceSeconds ?? DEFAULT_SIGNATURE_TOLERANCE_SECONDS
  if (Math.abs(now - parsed.timestamp) > tolerance) {
    return { valid: false, reason: "expired" }
  }
  const expected = Buffer.from(
    computeSignature({ ...input, timestamp: parsed.timestamp }),
    "hex"
  )
  const ok = parsed.signatures.some((sig) => {
    const given = Buffer.from(sig, "hex")
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
  return ok ? { valid: true, timestamp: parsed.timestamp } : { valid: false, reason: "mismatch" }
}
