import { randomBytes, randomUUID } from "node:crypto"
import type { Response } from "express"

/** Dintero's error envelope: `{"error":{"code","message","errors?"}}` (message always present). */
export interface DinteroErrorBody {
  error: { code: string; message: string; errors?: unknown[] }
}

export function errorBody(code: string, message: string, errors?: unknown[]): DinteroErrorBody {
  const error: DinteroErrorBody["error"] = { code, message }
  if (errors && errors.length > 0) error.errors = errors
  return { error }
}

export function sendError(
  res: Response,
  status: number,
  code: string,
  message: string,
  errors?: unknown[]
): void {
  if (res.headersSent) return
  res.status(status).json(errorBody(code, message, errors))
}

const BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

/** `length` random base58 characters (rejection sampling keeps the distribution uniform). */
export function base58(length: number): string {
  let out = ""
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 58 * 4 = 232: bytes >= 232 would bias the first characters.
      if (byte < 232) out += BASE58[byte % 58]
      if (out.length === length) break
    }
  }
  return out
}

/**
 * Ids as Dintero shapes them: with a prefix (the account id, for sessions and transactions)
 * `${prefix}.${22 base58 chars}`; without one a UUID (events, draft orders, orders, ...).
 */
export function newId(prefix?: string): string {
  return prefix ? `${prefix}.${base58(22)}` : randomUUID()
}

/** Single clock for the emulator (kept as a function so a future fake clock has one seam). */
export function now(): Date {
  return new Date()
}

export function isoNow(): string {
  return now().toISOString()
}
