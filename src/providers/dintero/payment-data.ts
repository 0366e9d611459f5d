import { z } from "zod"
import type { Transaction } from "../../dintero"
import { perLineTotals } from "../../mapping/references"
import { recordedLines } from "../../mapping/recorded-lines"

/**
 * What the plugin keeps in Medusa's payment_session.data / payment.data.
 *
 * payment_session.data is returned to the storefront, so nothing secret goes here: Dintero ids, the checkout URL,
 * amounts and statuses only. Storefront-supplied keys may be merged in by Medusa; they are never read.
 */
export const paymentDataSchema = z.object({
  /** Medusa payment session id (payses_...), also stored in the Dintero session metadata. */
  session_id: z.string().optional(),
  dintero_session_id: z.string(),
  /** Hosted checkout page; the storefront redirects to it or embeds the session with the Web SDK. */
  checkout_url: z.string(),
  /** Dintero merchant_reference: the Medusa cart id, or for a payment without a cart the order's (or collection's) id. */
  merchant_reference: z.string(),
  /** Amount of the session in minor units, as sent to Dintero. */
  amount: z.number().int(),
  currency: z.string(),
  transaction_id: z.string().optional(),
  /** Last Dintero transaction status the plugin saw. */
  dintero_status: z.string().optional(),
  payment_product_type: z.string().optional(),
  /**
   * The last declined or failed attempt on this Dintero session while the session stays payable (the shopper may
   * pay again on the same page); `dintero_status` and `dintero_error` say what happened.
   */
  declined_transaction_id: z.string().optional(),
  /**
   * The Medusa payment session the Dintero session was created for, when this session adopted it after the first
   * was replaced (a double click, a lost answer, a cart change while the page was open and locked); the Dintero
   * session's metadata names that one.
   */
  adopted_from: z.string().optional(),
  /** Why the plugin refused a transaction (amount/currency/reference mismatch). */
  dintero_error: z.string().optional(),
  /** The transaction's lines, as Dintero last reported them (minor units; mapping/recorded-lines.ts). */
  lines: recordedLines.optional(),
  /** What each line has captured and refunded (minor units). */
  captured_by_line: z.record(z.string(), z.number().int()).optional(),
  refunded_by_line: z.record(z.string(), z.number().int()).optional(),
  /**
   * This payment reuses an authorization made for an earlier payment of the same order (order edit, Medusa issue
   * #14984): `amount` may then be less than the transaction's. Only ever set by the plugin's own grant.
   */
  reused_authorization: z.boolean().optional(),
  /** The authorization was left in place at Dintero when Medusa cancelled this payment for an order edit. */
  kept_for_order_id: z.string().optional(),
  /**
   * The paid cart's completion keeps failing: since when, for which transaction, the last error (written by the
   * settlement only, mapping/completion-failure.ts; listed here so a storefront-sent value never survives a create).
   */
  completion_failure: z
    .object({ transaction_id: z.string(), first_failed_at: z.string(), last_error: z.string(), attempts: z.number().int() })
    .optional(),
})

export type DinteroPaymentData = z.infer<typeof paymentDataSchema>

/** Parses session/payment data; throws a short message naming what is missing (never the data itself). */
export function readPaymentData(data: unknown): DinteroPaymentData {
  const result = paymentDataSchema.safeParse(data ?? {})
  if (!result.success) {
    const fields = [...new Set(result.error.issues.map((i) => i.path.join(".") || "data"))]
    throw new Error(`Dintero payment data is incomplete (missing or invalid: ${fields.join(", ")})`)
  }
  return result.data
}

/** The subset that is safe and useful to keep, dropping whatever the storefront merged in. */
export function pickPaymentData(data: DinteroPaymentData): DinteroPaymentData {
  const picked: Record<string, unknown> = {}
  for (const key of Object.keys(paymentDataSchema.shape)) {
    const value = (data as Record<string, unknown>)[key]
    if (value !== undefined) picked[key] = value
  }
  return picked as DinteroPaymentData
}

/**
 * Data for a new payment session. Medusa merges it over what the storefront sent ({...input.data, ...output.data}),
 * so every key the plugin reads is written explicitly, undefined included: nothing the storefront sent survives.
 */
export function newSessionData(data: DinteroPaymentData): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(paymentDataSchema.shape)) {
    out[key] = (data as Record<string, unknown>)[key]
  }
  out.reused_authorization = data.reused_authorization === true
  // The adoption and continuation requests (checkout-session.ts) are the plugin's own; they do not stay in the data.
  out.adopt_dintero_session_id = undefined
  out.locked_dintero_session_id = undefined
  return out
}

/**
 * The payment data after seeing a transaction: its id and status, and the per-line ledger (lines, what each has
 * captured and refunded) that the next capture or refund allocates from without reading the transaction again.
 */
export function withTransaction(data: DinteroPaymentData, tx: Transaction): DinteroPaymentData {
  const events = tx.events ?? []
  return {
    ...data,
    transaction_id: tx.id,
    dintero_status: tx.status,
    payment_product_type: tx.payment_product_type ?? data.payment_product_type,
    lines: (tx.items ?? []).map((item) => ({
      line_id: String(item.line_id),
      amount: item.amount ?? 0,
      quantity: item.quantity ?? 1,
      id: item.id ?? null,
      type: item.type ?? null,
    })),
    captured_by_line: perLineTotals(events, "CAPTURE"),
    refunded_by_line: perLineTotals(events, "REFUND"),
  }
}

/** `withTransaction`, keeping only the plugin's own keys: what a method returns after reading Dintero. */
export function dataAfter(data: DinteroPaymentData, tx: Transaction): DinteroPaymentData {
  return pickPaymentData(withTransaction(data, tx))
}
