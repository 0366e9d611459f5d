import { PaymentSessionStatus } from "@medusajs/framework/utils"
import type { AuthorizePaymentOutput, RetrievePaymentOutput } from "@medusajs/framework/types"
import type { Transaction } from "../../dintero"
import { capturedAmount } from "../../mapping/references"
import { toPaymentSessionStatus } from "../../mapping/status"
import { callDintero } from "./errors"
import { dataAfter, pickPaymentData, readPaymentData, withTransaction, type DinteroPaymentData } from "./payment-data"
import type { ProviderContext } from "./provider-context"
import type { VerifiedTransactions } from "./verified-transactions"

/**
 * What Dintero says about a Medusa payment session: its transaction, whether that transaction really belongs to the
 * session, and the Medusa status it means (authorizePayment, getPaymentStatus, retrievePayment). Read from Dintero,
 * except right after a callback verified the transaction (verified-transactions.ts, a cache).
 */
export class PaymentStatus {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly verified: VerifiedTransactions
  ) {}

  async read(raw: Record<string, unknown> | undefined): Promise<AuthorizePaymentOutput> {
    const data = readPaymentData(raw)
    const tx = this.verified.take(data.dintero_session_id) ?? (await this.findTransaction(data))
    if (!tx) {
      return { status: PaymentSessionStatus.PENDING, data: pickPaymentData(data) }
    }
    const problem = transactionMismatch(data, tx)
    if (problem) {
      this.ctx.logger?.warn(`[dintero] transaction ${tx.id} refused: ${problem}`)
      return {
        status: PaymentSessionStatus.ERROR,
        data: pickPaymentData({ ...withTransaction(data, tx), dintero_error: problem }),
      }
    }
    return { status: toPaymentSessionStatus(tx.status) as PaymentSessionStatus, data: dataAfter(data, tx) }
  }

  async retrieve(raw: Record<string, unknown> | undefined): Promise<RetrievePaymentOutput> {
    const data = readPaymentData(raw)
    const tx = await this.findTransaction(data)
    return { data: tx ? dataAfter(data, tx) : pickPaymentData(data) }
  }

  /** One request: the session's transaction, looked up by session id (at most one per session). */
  async findTransaction(data: DinteroPaymentData): Promise<Transaction | null> {
    const checkout = this.ctx.client.checkout
    if (data.transaction_id) {
      const id = data.transaction_id
      return await callDintero("read the Dintero transaction", () => checkout.getTransaction(id))
    }
    const list = await callDintero("look up the Dintero transaction", () =>
      checkout.listTransactions({ session_id: data.dintero_session_id })
    )
    return list.find((t) => t.session_id === data.dintero_session_id) ?? null
  }
}

/**
 * Why a transaction does not belong to a payment session (its data), or null when it does: same Dintero session,
 * merchant reference, currency and amount. A payment reusing an authorization held since before an order edit only
 * needs the transaction to still hold its amount.
 */
export function transactionMismatch(
  raw: Record<string, unknown> | DinteroPaymentData | undefined,
  tx: Transaction
): string | null {
  let data: DinteroPaymentData
  try {
    data = readPaymentData(raw as Record<string, unknown>)
  } catch {
    return "the payment session is not a Dintero session"
  }
  if (tx.session_id !== data.dintero_session_id) return "session id mismatch"
  if (tx.merchant_reference !== data.merchant_reference) return "merchant_reference mismatch"
  if (tx.currency?.toUpperCase() !== data.currency) return "currency mismatch"
  if (data.reused_authorization) {
    if (tx.amount - capturedAmount(tx) < data.amount) return "amount mismatch"
    return null
  }
  if (tx.amount !== data.amount) return "amount mismatch"
  return null
}
