import { PaymentSessionStatus } from "@medusajs/framework/utils"
import type { AuthorizePaymentOutput, RetrievePaymentOutput } from "@medusajs/framework/types"
import type { Transaction } from "../../dintero"
import { capturedAmount } from "../../mapping/references"
import { preferredTransaction, toPaymentSessionStatus } from "../../mapping/status"
import { callDintero } from "./errors"
import { dataAfter, pickPaymentData, readPaymentData, withTransaction, type DinteroPaymentData } from "./payment-data"
import type { ProviderContext } from "./provider-context"
import type { VerifiedTransactions } from "../../lib/verified-transactions"

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
    if (tx.status === "DECLINED" || tx.status === "FAILED") {
      // Only failed attempts so far: the shopper may still pay on the same Dintero page, so the session stays
      // pending (usable) and the attempt is recorded, not made the session's transaction.
      return {
        status: PaymentSessionStatus.PENDING,
        data: pickPaymentData({
          ...data,
          transaction_id: undefined,
          dintero_status: tx.status,
          declined_transaction_id: tx.id,
          dintero_error: `payment ${tx.status.toLowerCase()} at Dintero`,
        }),
      }
    }
    const problem = transactionMismatch(data, tx)
    if (problem) {
      this.ctx.logger?.warn(`[dintero] transaction ${tx.id} refused: ${problem}`)
      return {
        status: PaymentSessionStatus.ERROR,
        data: pickPaymentData({ ...withTransaction(data, tx), dintero_error: problem }),
      }
    }
    return {
      status: toPaymentSessionStatus(tx.status) as PaymentSessionStatus,
      data: dataAfter({ ...data, declined_transaction_id: undefined, dintero_error: undefined }, tx),
    }
  }

  async retrieve(raw: Record<string, unknown> | undefined): Promise<RetrievePaymentOutput> {
    const data = readPaymentData(raw)
    const tx = await this.findTransaction(data)
    return { data: tx ? dataAfter(data, tx) : pickPaymentData(data) }
  }

  /**
   * The session's transaction that matters. A session may hold several (declined attempts, then one that went
   * through), so the one that holds money wins over the first listed; a known transaction is read directly.
   */
  async findTransaction(data: DinteroPaymentData): Promise<Transaction | null> {
    const checkout = this.ctx.client.checkout
    if (data.transaction_id) {
      const id = data.transaction_id
      const tx = await callDintero("read the Dintero transaction", () => checkout.getTransaction(id))
      if (tx.status !== "DECLINED" && tx.status !== "FAILED") return tx
    }
    const list = await callDintero("look up the Dintero transaction", () =>
      checkout.listTransactions({ session_id: data.dintero_session_id })
    )
    return preferredTransaction(list.filter((t) => t.session_id === data.dintero_session_id))
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
    data = readPaymentData(raw)
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
