/**
 * Dintero transaction status → what Medusa understands.
 *
 * Values are Medusa's `PaymentSessionStatus` / `PaymentActions` strings, spelled out so this module stays
 * free of Medusa imports (the provider can cast them).
 */
import type { Transaction, TransactionStatus } from "../dintero/types"

/** Dintero's transaction statuses, as the client types them. */
export type DinteroTransactionStatus = TransactionStatus

export type PaymentSessionStatusValue =
  | "authorized"
  | "captured"
  | "pending"
  | "requires_more"
  | "error"
  | "canceled"
  | "pending_authorization"

export type WebhookActionValue =
  | "authorized"
  | "captured"
  | "failed"
  | "canceled"
  | "pending_authorization"
  | "pending"
  | "not_supported"

/**
 * Status for `authorizePayment` / `getPaymentStatus`.
 *
 * - Money fully taken at some point (CAPTURED, and the refunded states that can only follow a full capture)
 *   → "captured": Medusa then records a capture of the session amount without calling us (auto-capture).
 * - PARTIALLY_CAPTURED(_REFUNDED) → "authorized": part of the authorization is still open. Saying "captured"
 *   would make Medusa record the whole amount as captured; "authorized" lets Medusa capture the rest, and the
 *   provider de-duplicates against the transaction's CAPTURE events.
 * - ON_HOLD (acquirer review) → "pending_authorization": Medusa creates the order and waits for the callback.
 * - No transaction yet / INITIATED → "pending"; AUTHORIZATION_VOIDED → "canceled".
 * - FAILED / DECLINED / UNKNOWN and anything unrecognised → "error" (never authorize what we do not know).
 */
export function toPaymentSessionStatus(status: string | undefined | null): PaymentSessionStatusValue {
  switch (normalise(status)) {
    case "AUTHORIZED":
    case "PARTIALLY_CAPTURED":
    case "PARTIALLY_CAPTURED_REFUNDED":
      return "authorized"
    case "CAPTURED":
    case "PARTIALLY_REFUNDED":
    case "REFUNDED":
      return "captured"
    case "ON_HOLD":
      return "pending_authorization"
    case undefined:
    case "INITIATED":
      return "pending"
    case "AUTHORIZATION_VOIDED":
      return "canceled"
    default:
      return "error"
  }
}

/**
 * Action for `getWebhookActionAndData`, from the transaction status re-read after a callback.
 *
 * Medusa's processPaymentWorkflow runs `capturePaymentWorkflow` with the webhook amount on EVERY "captured"
 * action for a payment that exists, so "captured" is only right for a transaction fully captured by Dintero
 * itself (auto-capture). The provider must still de-duplicate (e.g. answer "not_supported" when the Medusa
 * payment already holds that capture), because callbacks also report captures Medusa started.
 * Partial captures and refunds are always started from Medusa: their callbacks must not move the ledger, but
 * a partially captured transaction proves the authorization, so it maps to "authorized" (completes a cart
 * whose shopper never came back, and is a no-op otherwise).
 */
export function toWebhookAction(status: string | undefined | null): WebhookActionValue {
  switch (normalise(status)) {
    case "AUTHORIZED":
    case "PARTIALLY_CAPTURED":
      return "authorized"
    case "CAPTURED":
      return "captured"
    case "ON_HOLD":
      return "pending_authorization"
    case "INITIATED":
      return "pending"
    case "FAILED":
    case "DECLINED":
      return "failed"
    case "AUTHORIZATION_VOIDED":
      return "canceled"
    default:
      // REFUNDED, PARTIALLY_REFUNDED, PARTIALLY_CAPTURED_REFUNDED, UNKNOWN, missing: nothing for Medusa to do.
      return "not_supported"
  }
}

function normalise(status: string | undefined | null): string | undefined {
  if (typeof status !== "string" || status.trim() === "") return undefined
  return status.trim().toUpperCase()
}

/** Statuses in which Dintero holds (or has taken) the shopper's money. */
const HELD = new Set([
  "AUTHORIZED",
  "ON_HOLD",
  "CAPTURED",
  "PARTIALLY_CAPTURED",
  "PARTIALLY_REFUNDED",
  "PARTIALLY_CAPTURED_REFUNDED",
  "REFUNDED",
])

export function heldStatus(status: string | undefined): boolean {
  return !!status && HELD.has(status)
}

// Partly refunded ones too: what was captured and not refunded (and, partly captured, what was never captured) is
// still the shopper's money that Dintero holds for this store. ON_HOLD is not yet money (holdsMoney's callers say
// what they do with it).
const HOLDS_MONEY: ReadonlySet<string> = new Set(["AUTHORIZED", "CAPTURED", "PARTIALLY_CAPTURED", "PARTIALLY_REFUNDED", "PARTIALLY_CAPTURED_REFUNDED"])

/** Whether a transaction in this status still holds some of the shopper's money (authorized or captured, not given back). */
export function holdsMoney(status: string | undefined): boolean {
  return !!status && HOLDS_MONEY.has(status)
}

function rank(status: string | undefined): number {
  if (heldStatus(status)) return 0
  if (status === "AUTHORIZATION_VOIDED") return 1
  if (status === "DECLINED" || status === "FAILED") return 3
  return 2
}

/**
 * Pure: of a session's transactions, the one to act on: one that holds money first, then a voided one, then one
 * in progress, then a failed attempt; the newest of equals. Never "the first listed".
 */
export function preferredTransaction<T extends Pick<Transaction, "status" | "created_at">>(list: T[]): T | null {
  const sorted = [...list].sort(
    (a, b) => rank(a.status) - rank(b.status) || String(b.created_at ?? "").localeCompare(String(a.created_at ?? ""))
  )
  return sorted[0] ?? null
}
