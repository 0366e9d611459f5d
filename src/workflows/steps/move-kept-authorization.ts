import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { StepResponse, createStep } from "@medusajs/framework/workflows-sdk"
import { capturedAmount, type Transaction, type TransactionItemRef } from "../../dintero"
import { fromMinorUnits, toMinorUnits } from "../../mapping/money"
import { buildSessionOrder } from "../../mapping/session"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { dinteroClientFor, dinteroConfiguration } from "../../lib/dintero-registry"
import { keptAuthorizationsIn } from "../../modules/dintero-payments/kept-authorizations"
import { loadOrder, loadOrderPaymentCollections, paymentsOf, type PaymentRow } from "../lib/medusa-data"

/** Payment methods whose authorized amount Dintero can raise after authorization (seed 004). */
const UPDATABLE_AUTHORIZATION = new Set(["klarna.klarna", "klarna.billie"])

export interface MovedAuthorization {
  transaction_id: string
  payment_collection_id?: string
  /** Minor units of the new total covered by the existing authorization. */
  reused?: number
  /** Raised at Dintero (Klarna/Billie) from → to, minor units. */
  raised?: { from: number; to: number }
  /** The rest, to be paid through a new Dintero session (its checkout URL is the payment link). */
  difference?: { amount: number; payment_session_id: string; checkout_url: string }
  problem?: string
}

/**
 * After an order edit on an authorized, uncaptured Dintero payment (Medusa issue #14984): the authorization that
 * Medusa would have voided was kept (see modules/dintero-payments/kept-authorizations.ts); move it to the payment
 * collection Medusa opened for the new total, so the shopper does not pay twice and no hold is released silently:
 *   - new total within the authorization: one payment reusing it (its last capture releases any rest);
 *   - higher, Klarna/Billie: Dintero's authorization is raised to the new total, then reused;
 *   - higher, other methods: the authorization is reused for what it holds, and a new Dintero session is opened
 *     for the difference; its checkout URL is the payment link the merchant sends (shown in the admin widget).
 * Whatever cannot be done is written on the order's Dintero mirror as a needs_action notice for the merchant.
 * No compensation: the step does not throw (each failure becomes a notice), and undoing a move would release or
 * double the shopper's authorization; the notice tells the merchant what is left to do.
 */
export const moveKeptAuthorizationStep = createStep(
  "dintero-move-kept-authorization",
  async (input: { order_id: string }, { container }) => {
    const moved: MovedAuthorization[] = []
    const payments = (await loadOrderPaymentCollections(container, input.order_id)).flatMap((c) => c.payments ?? [])
    const txOf = (p: Pick<PaymentRow, "data">) => (typeof p.data?.transaction_id === "string" ? p.data.transaction_id : undefined)
    // Authorizations the provider kept for this order when Medusa cancelled their payment, not yet taken over by
    // another payment of the order (so a second delivery of the event moves nothing twice).
    const live = new Set(payments.filter((p) => !p.canceled_at).map(txOf))
    const kept = payments
      .filter((p) => p.canceled_at && p.data?.kept_for_order_id === input.order_id && !live.has(txOf(p)))
      .map(txOf)
      .filter((tx): tx is string => tx !== undefined)
    for (const transactionId of new Set<string>(kept)) {
      try {
        moved.push(await moveOne(container, input.order_id, transactionId))
      } catch (e) {
        moved.push({ transaction_id: transactionId, problem: (e as Error).message })
      }
    }
    if (kept.length === 0) {
      try {
        await openDifferenceSession(container, input.order_id)
      } catch (e) {
        await notify(
          container,
          input.order_id,
          `difference:${input.order_id}`,
          `The order's total rose with the edit, but no Dintero payment link could be opened for the difference: ${(e as Error).message}. Open one from the order's payment collection.`
        )
      }
    }
    for (const m of moved.filter((m) => m.problem)) {
      await notify(
        container,
        input.order_id,
        `kept:${m.transaction_id}`,
        `The Dintero authorization ${m.transaction_id} was kept when the order was edited, but could not be moved to the order's new payment collection: ${m.problem}. It is still authorized at Dintero: capture it from Dintero Backoffice or void it there.`
      )
    }
    return new StepResponse(moved)
  }
)

async function moveOne(container: MedusaContainer, orderId: string, transactionId: string): Promise<MovedAuthorization> {
  const config = dinteroConfiguration()
  if (!config) throw new Error("no Dintero payment provider is configured")
  const client = dinteroClientFor(config)
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const order = await loadOrder(container, orderId, ["display_id"])
  if (!order) throw new Error(`order ${orderId} not found`)
  const original = paymentsOf(order).find((p) => p.data?.transaction_id === transactionId)
  const providerId: string = original?.provider_id ?? "pp_dintero_dintero"
  // The collection Medusa opened for the edited order: not paid yet, nothing authorized on it.
  const target = (order.payment_collections ?? [])
    .filter((c) => c.status === "not_paid" && (c.payments ?? []).length === 0)
    .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime())[0]
  if (!target) throw new Error("Medusa opened no new payment collection for the edited order")

  const currency = String(target.currency_code ?? order.currency_code).toUpperCase()
  const due = toMinorUnits(target.amount, currency)
  let tx: Transaction = await client.checkout.getTransaction(transactionId)
  if (tx.status !== "AUTHORIZED") throw new Error(`the transaction is ${tx.status}, not AUTHORIZED`)
  let held = tx.amount - capturedAmount(tx)
  const result: MovedAuthorization = { transaction_id: transactionId, payment_collection_id: target.id }

  if (due > held && tx.payment_product_type && UPDATABLE_AUTHORIZATION.has(tx.payment_product_type)) {
    // Dintero needs the full list of items when the transaction has items; they must add up to the new amount.
    // The order's total is the session's: the new amount is given explicitly.
    const lines = buildSessionOrder({ ...order, id: orderId, currency_code: currency, total: order.total ?? 0 }, { amount: fromMinorUnits(due, currency) })
    const shipping: TransactionItemRef[] = []
    if (lines.shipping_option) {
      const { title, operator: _operator, delivery_method: _deliveryMethod, ...option } = lines.shipping_option
      shipping.push({ ...option, description: title, quantity: 1, type: "shipping" })
    }
    const items: TransactionItemRef[] = [...lines.items.map((item) => ({ ...item })), ...shipping]
    tx = await client.checkout.updateAuthorization(transactionId, {
      amount: due,
      items,
      reason: `Order ${order.display_id ?? orderId} edited`,
    })
    result.raised = { from: held, to: due }
    held = tx.amount - capturedAmount(tx)
  }

  const reused = Math.min(due, held)
  if (reused > 0) {
    await keptAuthorizationsIn(container).grantReuse(target.id, transactionId, reused)
    const session = await payments.createPaymentSession(target.id, {
      provider_id: providerId,
      currency_code: currency.toLowerCase(),
      amount: fromMinorUnits(reused, currency),
      data: {},
    })
    await payments.authorizePaymentSession(session.id, {})
    result.reused = reused
  }
  if (due > reused) {
    const session = await payments.createPaymentSession(target.id, {
      provider_id: providerId,
      currency_code: currency.toLowerCase(),
      amount: fromMinorUnits(due - reused, currency),
      data: {},
    })
    const url = String(session.data?.checkout_url ?? "")
    result.difference = { amount: due - reused, payment_session_id: session.id, checkout_url: url }
  }
  return result
}

/**
 * An edit that raised the total of an order whose Dintero payment holds nothing more to move (captured, or
 * another payment): Medusa opened a collection for the difference. A Dintero session for it gives the merchant the
 * payment link the widget shows (GET /admin/dintero/orders/:id `payment_link`). Nothing when the collection already
 * has a Dintero session or a payment, or when the order was not paid with Dintero.
 */
async function openDifferenceSession(container: MedusaContainer, orderId: string): Promise<void> {
  const order = await loadOrder(container, orderId)
  const dintero = paymentsOf(order).find((p) => p.provider_id?.startsWith("pp_dintero"))
  if (!order || !dintero) return
  const target = (order.payment_collections ?? [])
    .filter((c) => c.status === "not_paid" && (c.payments ?? []).length === 0)
    .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime())[0]
  if (!target || (target.payment_sessions ?? []).some((ps) => ps.provider_id?.startsWith("pp_dintero") && ps.status === "pending")) return
  const currency = String(target.currency_code ?? order.currency_code).toUpperCase()
  const due = toMinorUnits(target.amount, currency)
  if (due <= 0) return
  await container.resolve<IPaymentModuleService>(Modules.PAYMENT).createPaymentSession(target.id, {
    provider_id: dintero.provider_id,
    currency_code: currency.toLowerCase(),
    amount: fromMinorUnits(due, currency),
    data: {},
  })
}

async function notify(container: MedusaContainer, orderId: string, key: string, message: string) {
  try {
    await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).recordNotice(orderId, key, message)
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`[dintero] ${message} (and the notice could not be saved: ${(e as Error).message})`)
  }
}
