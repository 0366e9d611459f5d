import { capturedAmount, refundedAmount } from "../../../../dintero/transactions"
import type { Transaction } from "../../../../dintero/types"
import { callbackUrl } from "../../../../providers/dintero/callback"
import type { DinteroOptions } from "../../../../providers/dintero/options"
import { paymentProfilesView } from "./profiles-view"
import type { DinteroFailure, DinteroSettingsView, TransactionEventView, TransactionView } from "./wire-types"

export type { DinteroFailure, DinteroSettingsView, TransactionEventView, TransactionView }

/**
 * What the admin dashboard may see of the plugin's configuration and of a Dintero transaction. Pure functions: the
 * routes fetch, these shape. Secrets are replaced by a constant marker, never by a part of their value.
 */

export const SECRET_MARK = "********"
export const BACKOFFICE_BASE_URL = "https://backoffice.dintero.com"

export type DinteroEnvironment = DinteroSettingsView["environment"]

/** Dintero account ids start with T (test) or P (production); the same Backoffice serves both. */
export function environmentOf(accountId: string): DinteroEnvironment {
  return accountId.startsWith("P") ? "production" : "test"
}

export function backofficeAccountUrl(accountId: string): string {
  return `${BACKOFFICE_BASE_URL}/${encodeURIComponent(accountId)}`
}

export function backofficeTransactionUrl(accountId: string, transactionId: string): string {
  return `${backofficeAccountUrl(accountId)}/payments/transactions/${encodeURIComponent(transactionId)}`
}


export function settingsView(options: DinteroOptions): DinteroSettingsView {
  return {
    account_id: options.accountId,
    environment: environmentOf(options.accountId),
    client_id: options.clientId,
    client_secret: SECRET_MARK,
    profile_id: options.profileId ?? null,
    profiles: paymentProfilesView(options),
    checkout_base_url: options.checkoutBaseUrl,
    api_base_url: options.apiBaseUrl,
    return_url: options.returnUrl,
    backend_url: options.backendUrl,
    callback_url: callbackUrl(options),
    callback_signature: options.callbackSecret ? "verified" : "not configured",
    callback_secret: options.callbackSecret ? SECRET_MARK : null,
    auto_capture: options.autoCapture,
    session_lifetime_minutes: options.sessionLifetimeMinutes,
    timeout_ms: options.timeoutMs,
    callback_delay_seconds: options.callbackDelaySeconds,
    backoffice_url: backofficeAccountUrl(options.accountId),
  }
}


function sumSuccessful(tx: Pick<Transaction, "events">, kind: string): number {
  let total = 0
  for (const ev of tx.events ?? []) {
    if (ev.event === kind && ev.success !== false && typeof ev.amount === "number" && Number.isSafeInteger(ev.amount)) total += ev.amount
  }
  return total
}

const AUTHORIZED_STATUSES = new Set([
  "AUTHORIZED",
  "CAPTURED",
  "PARTIALLY_CAPTURED",
  "PARTIALLY_CAPTURED_REFUNDED",
  "REFUNDED",
  "PARTIALLY_REFUNDED",
  "AUTHORIZATION_VOIDED",
])

export function transactionView(tx: Transaction): TransactionView {
  let authorized = sumSuccessful(tx, "AUTHORIZE")
  // A transaction authorized without an AUTHORIZE event amount (older transactions): Dintero's amount is the
  // authorized total.
  if (authorized === 0 && AUTHORIZED_STATUSES.has(tx.status) && Number.isSafeInteger(tx.amount)) authorized = tx.amount
  const captured = capturedAmount(tx)
  const refunded = refundedAmount(tx)
  let voided = sumSuccessful(tx, "VOID")
  // A VOID without an amount voids whatever was not captured.
  if (voided === 0 && (tx.events ?? []).some((e) => e.event === "VOID" && e.success !== false)) {
    voided = Math.max(0, authorized - captured)
  }
  const events = (tx.events ?? []).map((ev) => ({
    event: String(ev.event),
    success: ev.success !== false,
    amount: typeof ev.amount === "number" && Number.isSafeInteger(ev.amount) ? ev.amount : null,
    status: ev.transaction_status ?? null,
    reference: ev.event_reference ?? null,
    created_at: ev.created_at ?? null,
    error: ev.error ? [ev.error.code, ev.error.message].filter(Boolean).join(": ") || null : null,
  }))
  return {
    id: tx.id,
    status: tx.status,
    payment_product: tx.payment_product ?? null,
    payment_product_type: tx.payment_product_type ?? null,
    currency: tx.currency,
    authorized_amount: authorized,
    captured_amount: captured,
    refunded_amount: refunded,
    voided_amount: voided,
    capturable_amount: Math.max(0, authorized - captured - voided),
    settlement_status: tx.settlement_status ?? null,
    created_at: tx.created_at ?? null,
    updated_at: tx.updated_at ?? null,
    events,
  }
}

/** A safe, human message for a failed Dintero call; DinteroError messages carry method, path, status and Dintero's own text. */
export function dinteroFailure(err: unknown, baseUrl: string): DinteroFailure {
  const e = err as { name?: string; kind?: string; status?: number; code?: string; dinteroMessage?: string; message?: string }
  if (e?.name === "DinteroError") {
    const unreachable = e.kind === "network" || e.kind === "timeout"
    return {
      message: unreachable
        ? `Dintero could not be reached at ${baseUrl}: ${e.message}`
        : `Dintero answered with an error: ${e.message}`,
      kind: unreachable ? "unreachable" : "dintero",
      status: e.status ?? null,
      code: e.code ?? null,
      dintero_message: e.dinteroMessage ?? null,
    }
  }
  return { message: `Could not read from Dintero: ${e?.message ?? String(err)}`, kind: "internal", status: null, code: null, dintero_message: null }
}
