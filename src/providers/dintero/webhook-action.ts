import { PaymentActions } from "@medusajs/framework/utils"
import type { ProviderWebhookPayload, WebhookActionResult } from "@medusajs/framework/types"
import { DinteroError, type Transaction } from "../../dintero"
import { fromMinorUnits } from "../../mapping/money"
import { toWebhookAction } from "../../mapping/status"
import { forLog, readCallback, type CallbackInput } from "./callback"
import { retrievePaymentSession, type PaymentSessionRecord } from "./medusa-records"
import { transactionMismatch } from "./payment-status"
import type { ProviderContext } from "./provider-context"
import type { VerifiedTransactions } from "../../lib/verified-transactions"

/** The name the callback route recognises a permanently rejected callback by (the error crosses the module). */
export const CALLBACK_REJECTED = "DinteroCallbackRejected"

/** A callback that must not be retried by Dintero (forged, replayed, malformed). */
export class DinteroCallbackRejected extends Error {
  readonly permanent = true
  constructor(message: string) {
    super(message)
    this.name = CALLBACK_REJECTED
  }
}

export type WebhookOutcome = WebhookActionResult & { transaction?: Transaction }

/**
 * Dintero callbacks, from the plugin's route (/hooks/dintero/callback, GET or POST) or Medusa's generic
 * /hooks/payment/dintero_dintero (POST only), to the action Medusa takes. Never trusts the payload: verifies the
 * signature when a secret is configured, re-reads the transaction (or session) from Dintero and checks it against
 * the Medusa payment session it names.
 */
export class WebhookActions {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly verified: VerifiedTransactions
  ) {}

  async fromPayload(payload: ProviderWebhookPayload["payload"]): Promise<WebhookOutcome> {
    const callback = readCallback(payload, this.ctx.options)
    if (!callback.ok) {
      throw new DinteroCallbackRejected(callback.reason)
    }
    return await this.resolve(callback.value)
  }

  /**
   * The outcome of a verified callback on Medusa's generic route (/hooks/payment/dintero_dintero), which runs
   * Medusa's own processPaymentWorkflow. The plugin's route settles through workflows/settle-payment.ts.
   */
  async resolve(callback: CallbackInput): Promise<WebhookOutcome> {
    if (!callback.transaction_id) {
      return await this.resolveSessionCallback(callback)
    }
    let tx: Transaction
    try {
      // The Dintero session (not the transaction: Dintero need not copy custom metadata onto it) names ours.
      tx = await this.ctx.client.checkout.getTransaction(callback.transaction_id, { includes: ["session"] })
    } catch (e) {
      if (e instanceof DinteroError && (e.status === 404 || e.status === 400 || e.status === 403)) {
        this.ctx.logger?.warn(`[dintero] callback for unknown transaction ${forLog(callback.transaction_id)} ignored`)
        return ignore()
      }
      throw e
    }
    const named = tx.session?.metadata?.medusa_payment_session_id
    const sessionId = typeof named === "string" ? named : undefined
    if (!sessionId) {
      this.ctx.logger?.warn(`[dintero] transaction ${forLog(tx.id)} is not for a Medusa payment session; callback ignored`)
      return ignore()
    }
    const session = await retrievePaymentSession(this.ctx.cradle, sessionId)
    const problem = session ? transactionMismatch(session.data ?? undefined, tx) : "no such payment session"
    if (!session || problem) {
      this.ctx.logger?.warn(`[dintero] callback for transaction ${forLog(tx.id)} ignored: ${problem}`)
      return ignore()
    }
    const action = webhookActionFor(tx, session)
    if (action !== PaymentActions.NOT_SUPPORTED) {
      // Medusa authorizes the session right after this; spare it a second read of the same transaction.
      this.verified.remember(tx)
    }
    return {
      action,
      data: { session_id: session.id, amount: fromMinorUnits(tx.amount, tx.currency) },
      transaction: tx,
    }
  }

  /**
   * A callback without a transaction (report_error=true): the shopper cancelled on Dintero's page. Only believed
   * when the re-read Dintero session is really cancelled and belongs to the Medusa session it names.
   */
  protected async resolveSessionCallback(callback: CallbackInput): Promise<WebhookOutcome> {
    if (!callback.session_id || callback.error !== "cancelled") {
      return ignore()
    }
    let dinteroSession: { id: string; cancelled_at?: string; transaction_id?: string; metadata?: Record<string, unknown> }
    try {
      dinteroSession = await this.ctx.client.checkout.getSession(callback.session_id)
    } catch (e) {
      if (e instanceof DinteroError && e.status !== undefined && e.status >= 400 && e.status < 500 && e.status !== 429) {
        return ignore()
      }
      throw e
    }
    const sessionId = dinteroSession.metadata?.medusa_payment_session_id
    if (!dinteroSession.cancelled_at || dinteroSession.transaction_id || typeof sessionId !== "string") {
      return ignore()
    }
    const session = await retrievePaymentSession(this.ctx.cradle, sessionId)
    if (!session || session.data?.dintero_session_id !== dinteroSession.id) {
      return ignore()
    }
    return { action: PaymentActions.CANCELED, data: { session_id: session.id, amount: 0 } }
  }
}

const ignore = (): WebhookActionResult => ({ action: PaymentActions.NOT_SUPPORTED })

/**
 * The action for a transaction that belongs to the session. Medusa captures the webhook's amount again for a payment
 * that already exists, so captures Medusa started itself (and Backoffice captures) must not come back as "captured":
 * only auto-capture, where no payment exists yet, is. And a session already authorized (the shopper's return got
 * there first, or a repeated callback) leaves Medusa nothing to do, which spares it the payment workflow.
 */
export function webhookActionFor(tx: Pick<Transaction, "status">, session: Pick<PaymentSessionRecord, "status">): WebhookActionResult["action"] {
  const action = toWebhookAction(tx.status)
  const settled = session.status === "authorized" || session.status === "captured"
  if (settled && (action === PaymentActions.SUCCESSFUL || action === PaymentActions.AUTHORIZED)) {
    return PaymentActions.NOT_SUPPORTED
  }
  return action as WebhookActionResult["action"]
}
