import { MedusaError, PaymentSessionStatus } from "@medusajs/framework/utils"
import type { InitiatePaymentOutput } from "@medusajs/framework/types"
import type { Transaction } from "../../dintero"
import { capturedAmount } from "../../mapping/references"
import { callDintero } from "./errors"
import type { KeptAuthorizations, ReuseGrant } from "../../modules/dintero-payments/kept-authorizations"
import { newSessionData, pickPaymentData, withTransaction, type DinteroPaymentData } from "./payment-data"
import type { ProviderContext } from "./provider-context"

/**
 * Order edits on authorized payments (see modules/dintero-payments/kept-authorizations.ts): Medusa's cancel of a kept authorization leaves it
 * held at Dintero, and the new payment collection's session takes it over instead of asking the shopper to pay again.
 */
export class AuthorizationReuse {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly store: KeptAuthorizations
  ) {}

  /** The grant for this payment collection, if the plugin made one (never the storefront). */
  async takeGrant(paymentCollectionId: string): Promise<ReuseGrant | undefined> {
    return await this.store.takeReuse(paymentCollectionId)
  }

  /**
   * A session that takes over an authorization already held at Dintero. No new Dintero session: the shopper is not
   * asked to pay again.
   */
  async takeOver(paymentSessionId: string, grant: ReuseGrant, amount: number, currency: string): Promise<InitiatePaymentOutput> {
    const tx = await callDintero("read the Dintero transaction", () =>
      this.ctx.client.checkout.getTransaction(grant.transactionId)
    )
    const problem = cannotCover(tx, grant, amount, currency)
    if (problem) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, problem)
    const data = withTransaction(
      {
        session_id: paymentSessionId,
        dintero_session_id: tx.session_id ?? "",
        checkout_url: "",
        merchant_reference: tx.merchant_reference ?? "",
        amount,
        currency,
        reused_authorization: true,
      },
      tx
    )
    return { id: tx.id, status: PaymentSessionStatus.PENDING, data: newSessionData(data) }
  }

  /**
   * Medusa cancels this payment because an order edit was confirmed: the authorization moves to the order's new
   * payment collection instead of being released. Undefined when the payment is not kept (cancel it as usual).
   */
  async keepInsteadOfVoid(data: DinteroPaymentData): Promise<{ data: DinteroPaymentData } | undefined> {
    const keptFor = data.transaction_id ? await this.store.keptFor(data.transaction_id) : undefined
    if (!keptFor) return undefined
    this.ctx.logger?.info(`[dintero] authorization ${data.transaction_id} kept for the edited order ${keptFor}`)
    return { data: pickPaymentData({ ...data, kept_for_order_id: keptFor }) }
  }
}

/** Why the held transaction cannot pay for the new session (status, granted amount, what it still holds, currency). */
export function cannotCover(tx: Transaction, grant: ReuseGrant, amount: number, currency: string): string | null {
  const held = tx.amount - capturedAmount(tx)
  if (tx.status !== "AUTHORIZED" || amount !== grant.amount || amount > held || tx.currency?.toUpperCase() !== currency) {
    return `Dintero transaction ${tx.id} (${tx.status}, ${held} held) cannot cover ${amount} ${currency}`
  }
  return null
}
