import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, PaymentCollectionStatus } from "@medusajs/framework/utils"
import { StepResponse, createStep } from "@medusajs/framework/workflows-sdk"
import { capturedAmount, type DinteroClient, type Transaction, type TransactionItemRef } from "../../dintero"
import { amountToCollect, reuseKept, type HeldAuthorization } from "../../mapping/amount-to-collect"
import { unneededKept } from "../../mapping/kept-release"
import { fromMinorUnits, toMinorUnits, type DecimalInput } from "../../mapping/money"
import { buildSessionOrder } from "../../mapping/session"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { dinteroClientFor, dinteroConfiguration } from "../../lib/dintero-registry"
import { keptAuthorizationsIn } from "../../modules/dintero-payments/kept-authorizations"
import { isDinteroProviderId } from "../../providers/dintero/provider-id"
import {
  isDinteroPayment,
  loadOrder,
  loadOrderPaymentCollections,
  minor,
  paymentsOf,
  transactionIdOf,
  type OrderRow,
  type PaymentCollectionRow,
  type PaymentRow,
} from "../lib/medusa-data"
import { carryOutPendingReleases } from "../lib/release-kept-authorization"

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
  /** Of Medusa's outstanding amount, what other authorizations of the order still capture (not asked again). */
  covered?: number
  /** Not needed by the order's new total: its release is decided (lib/release-kept-authorization.ts). */
  released?: "decided"
  problem?: string
  /** What the merchant can do about the problem, when it is not the usual (capture or void from Backoffice). */
  problemNext?: string
}

/**
 * After an order edit on an authorized, uncaptured Dintero payment (Medusa issue #14984): the authorization that
 * Medusa would have voided was kept (see modules/dintero-payments/kept-authorizations.ts); move it to the payment
 * collection Medusa opened for the new total, so the shopper does not pay twice and no hold is released silently:
 *   - new total within the authorization: one payment reusing it (its last capture releases any rest);
 *   - higher, Klarna/Billie: Dintero's authorization is raised to the new total, then reused;
 *   - higher, other methods: the authorization is reused for what it holds, and a new Dintero session is opened
 *     for the difference; its checkout URL is the payment link the merchant sends (shown in the admin widget).
 * In every case money another authorization of the order still captures (a part-captured one, which Medusa counts
 * only for its captures) is not asked for again: see mapping/amount-to-collect.ts.
 * A kept authorization the new total does not need at all (the older ones cover it) is voided at Dintero, with the
 * reason in a notice (issue 9); the decision is in the database first, so the reconciliation finishes it if this
 * process dies before the void.
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
    const keptAll = payments
      .filter((p) => p.canceled_at && p.data?.kept_for_order_id === input.order_id && !live.has(txOf(p)))
      .sort((a, b) => new Date(a.created_at ?? 0).getTime() - new Date(b.created_at ?? 0).getTime())
      .map(txOf)
      .filter((tx): tx is string => tx !== undefined)
    // One an earlier edit released (voided, or about to be) is no longer the order's to reuse.
    const released = new Set((await keptAuthorizationsIn(container).releases({ transactionIds: [...new Set(keptAll)] })).map((r) => r.transactionId))
    const kept = keptAll.filter((tx) => !released.has(tx))
    const keptOnce = [...new Set<string>(kept)]
    if (keptOnce.length > 0) {
      try {
        moved.push(...(await moveKept(container, input.order_id, keptOnce)))
      } catch (e) {
        moved.push(...keptOnce.map((transactionId) => ({ transaction_id: transactionId, problem: (e as Error).message })))
      }
    }
    // Releases decided above (and any an earlier run left pending) are carried out now; one that fails stays
    // decided in the database, and the reconciliation carries it out (lib/release-kept-authorization.ts).
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    try {
      for (const r of await carryOutPendingReleases(container, input.order_id)) {
        const tx = r.release.transactionId
        if (r.error) logger.warn(`[dintero] order ${input.order_id}: authorization ${tx}, no longer needed, is not voided yet (the reconciliation tries again): ${r.error}`)
        else logger.info(`[dintero] order ${input.order_id}: authorization ${tx} released, no longer needed (${r.outcome?.kind})`)
      }
    } catch (e) {
      logger.warn(`[dintero] order ${input.order_id}: its releases are left to the reconciliation: ${(e as Error).message}`)
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
    // A release decided before a later part of the move failed still stands (the others cover the order): its own
    // notice says what became of it.
    const releasedNow = new Set((await keptAuthorizationsIn(container).releases({ orderId: input.order_id }).catch(() => [])).map((r) => r.transactionId))
    for (const m of moved.filter((m) => m.problem && !releasedNow.has(m.transaction_id))) {
      await notify(
        container,
        input.order_id,
        `kept:${m.transaction_id}`,
        `The Dintero authorization ${m.transaction_id} was kept when the order was edited, but could not be moved to the order's new payment collection: ${m.problem}. ${m.problemNext ?? "It is still authorized at Dintero: capture it from Dintero Backoffice or void it there."}`
      )
    }
    // What was moved (or not); the released ones are logged above.
    return new StepResponse(moved.filter((m) => !releasedNow.has(m.transaction_id)))
  }
)

/**
 * Moves every kept authorization of the order onto the one collection Medusa opened: the oldest first, each reusing
 * what it holds up to what is still due (reuseKept), then the other authorizations' rests, and only the rest goes to
 * a payment link. A kept authorization the new total does not need is released: decided here, voided by the step
 * once the move is done (lib/release-kept-authorization.ts), with the reason in a notice on the order.
 */
async function moveKept(container: MedusaContainer, orderId: string, transactionIds: string[]): Promise<MovedAuthorization[]> {
  const config = dinteroConfiguration()
  if (!config) throw new Error("no Dintero payment provider is configured")
  const client = dinteroClientFor(config)
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const order = await loadOrder(container, orderId, ["display_id", ...CAPTURE_FIELDS])
  if (!order) throw new Error(`order ${orderId} not found`)
  const target = newCollectionOf(order)
  if (!target) throw new Error("Medusa opened no new payment collection for the edited order")

  const currency = String(target.currency_code ?? order.currency_code).toUpperCase()
  const due = toMinorUnits(target.amount, currency)
  const others = await heldAuthorizations(client, order, target.id)
  const results: MovedAuthorization[] = []
  const usable: { result: MovedAuthorization; tx: Transaction; held: number; providerId: string }[] = []
  for (const transactionId of transactionIds) {
    const result: MovedAuthorization = { transaction_id: transactionId, payment_collection_id: target.id }
    results.push(result)
    const tx: Transaction = await client.checkout.getTransaction(transactionId)
    if (tx.status !== "AUTHORIZED") {
      result.problem = `the transaction is ${tx.status}, not AUTHORIZED`
      // Captured in part outside Medusa (a kept authorization has no capture when it is kept): not voided either.
      if (tx.status === "PARTIALLY_CAPTURED") {
        result.problemNext =
          "Its uncaptured rest stays authorized at Dintero and the plugin does not void it: Dintero cannot void the rest of a partly captured card authorization (only a final capture releases it). Capture the rest from Dintero Backoffice with a final capture, or let the authorization expire."
      }
      continue
    }
    const original = paymentsOf(order).find((p) => p.data?.transaction_id === transactionId)
    usable.push({ result, tx, held: tx.amount - capturedAmount(tx), providerId: original?.provider_id ?? "pp_dintero_dintero" })
  }

  const first = usable[0]
  // None can be moved: the collection is left as Medusa opened it, and the notices say why.
  if (!first) return results
  let split = amountToCollect(due, Math.min(due, first.held), others)
  // Raised only when one kept authorization alone would carry the order and nothing else covers part of the
  // difference: the raised authorization carries the edited order's lines, which add up to the order's outstanding
  // amount, not to a part of it.
  if (usable.length === 1 && split.link > 0 && split.covered === 0) {
    const { tx } = first
    if (tx.payment_product_type && UPDATABLE_AUTHORIZATION.has(tx.payment_product_type)) {
      // Dintero needs the full list of items when the transaction has items; they must add up to the new amount.
      // The order's total is the session's: the new amount is given explicitly.
      const lines = buildSessionOrder({ ...order, id: orderId, currency_code: currency, total: order.total ?? 0 }, { amount: fromMinorUnits(due, currency) })
      const shipping: TransactionItemRef[] = []
      if (lines.shipping_option) {
        const { title, operator: _operator, delivery_method: _deliveryMethod, ...option } = lines.shipping_option
        shipping.push({ ...option, description: title, quantity: 1, type: "shipping" })
      }
      const items: TransactionItemRef[] = [...lines.items.map((item) => ({ ...item })), ...shipping]
      const raised = await client.checkout.updateAuthorization(first.result.transaction_id, {
        amount: due,
        items,
        reason: `Order ${order.display_id ?? orderId} edited`,
      })
      first.result.raised = { from: first.held, to: due }
      first.held = raised.amount - capturedAmount(raised)
    }
  }

  const reuses = reuseKept(due, usable.map((u) => u.held))
  // A kept authorization the others cover entirely backs no money the order needs: the release is decided (in the
  // database) before anything else moves, so a process that dies from here on leaves it to be voided, not held.
  const unneeded = new Set(unneededKept(usable.map((u) => u.result.transaction_id), reuses))
  for (const u of usable.filter((u) => unneeded.has(u.result.transaction_id))) {
    await keptAuthorizationsIn(container).decideRelease(u.result.transaction_id, orderId, u.held)
    u.result.released = "decided"
  }
  split = amountToCollect(due, reuses.reduce((sum, r) => sum + r, 0), others)
  await collectOnly(container, target, due, split.collection, currency)
  if (split.covered > 0) first.result.covered = split.covered
  for (const [i, { result, providerId }] of usable.entries()) {
    const reused = reuses[i]!
    if (reused === 0) continue
    await keptAuthorizationsIn(container).grantReuse(target.id, result.transaction_id, reused)
    const session = await payments.createPaymentSession(target.id, {
      provider_id: providerId,
      currency_code: currency.toLowerCase(),
      amount: fromMinorUnits(reused, currency),
      data: {},
    })
    await payments.authorizePaymentSession(session.id, {})
    result.reused = reused
  }
  if (split.link > 0) {
    const session = await payments.createPaymentSession(target.id, {
      provider_id: first.providerId,
      currency_code: currency.toLowerCase(),
      amount: fromMinorUnits(split.link, currency),
      data: {},
    })
    const url = String(session.data?.checkout_url ?? "")
    first.result.difference = { amount: split.link, payment_session_id: session.id, checkout_url: url }
  }
  return results
}

/**
 * An edit that raised the total of an order whose Dintero payment was not kept (captured in full or in part, or
 * another payment): Medusa opened a collection for total − (captured − refunded). A Dintero session gives the
 * merchant the payment link the widget shows (GET /admin/dintero/orders/:id `payment_link`), for that amount less
 * what the order's part-captured authorizations can still capture (issue 9: the link asked the shopper for that rest
 * a second time while the merchant could still capture it). The collection is lowered to what the link asks, so
 * Medusa's payment records add up once the merchant captures the old rest and the link's payment; when the rest
 * covers everything (an edit that lowered a part-captured order) no link is needed and the collection is cancelled.
 * Runs again on every later edit: the amount starts from Medusa's outstanding amount (the order summary's pending
 * difference, which our lowering does not change), so a second run subtracts nothing twice; an unpaid link of another
 * amount (an earlier edit's) is withdrawn and replaced, so the link always asks for what the order now owes.
 * Nothing when the order was not paid with Dintero.
 */
async function openDifferenceSession(container: MedusaContainer, orderId: string): Promise<void> {
  const order = (await loadOrder(container, orderId, [...CAPTURE_FIELDS, "summary"])) as (OrderRow & { summary?: { pending_difference?: DecimalInput } | null }) | null
  const dintero = paymentsOf(order).find((p) => p.provider_id?.startsWith("pp_dintero"))
  if (!order || !dintero) return
  const target = newCollectionOf(order)
  if (!target) return
  const currency = String(target.currency_code ?? order.currency_code).toUpperCase()
  const pending = order.summary?.pending_difference
  const due = toMinorUnits(pending ?? target.amount, currency)
  const links = (target.payment_sessions ?? []).filter((ps) => isDinteroProviderId(ps.provider_id) && ps.status === "pending")
  if (due <= 0 && links.length === 0) return
  const config = dinteroConfiguration()
  if (!config) throw new Error("no Dintero payment provider is configured")
  const split = amountToCollect(Math.max(0, due), 0, await heldAuthorizations(dinteroClientFor(config), order, target.id))
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const current = links.filter((ps) => toMinorUnits(ps.amount ?? 0, currency) === split.link)
  for (const stale of links.filter((ps) => !current.includes(ps))) await payments.deletePaymentSession(stale.id)
  await collectOnly(container, target, toMinorUnits(target.amount, currency), split.collection, currency)
  if (split.link === 0 || current.length > 0) return
  await payments.createPaymentSession(target.id, {
    provider_id: dintero.provider_id,
    currency_code: currency.toLowerCase(),
    amount: fromMinorUnits(split.link, currency),
    data: {},
  })
}

/** The fields heldAuthorizations reads on top of loadOrder's: each payment's captures. */
const CAPTURE_FIELDS = ["payment_collections.payments.captures.id", "payment_collections.payments.captures.amount", "payment_collections.payments.captures.raw_amount", "payment_collections.payments.captures.created_at"]

/** The collection Medusa opened for the edited order: not paid yet, nothing authorized on it (the newest). */
function newCollectionOf(order: Pick<OrderRow, "payment_collections">): PaymentCollectionRow | undefined {
  return (order.payment_collections ?? [])
    .filter((c) => c.status === "not_paid" && (c.payments ?? []).length === 0)
    .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime())[0]
}

/**
 * The order's live Dintero payments outside the new collection that Medusa still lets the merchant capture, each
 * with its Checkout transaction as Dintero reports it now (Medusa's own view cannot tell a refunded part capture or
 * a released rest). A kept authorization is not among them: Medusa cancelled its payment.
 */
async function heldAuthorizations(client: DinteroClient, order: Pick<OrderRow, "payment_collections" | "currency_code">, targetId: string): Promise<HeldAuthorization[]> {
  const held: HeldAuthorization[] = []
  for (const collection of order.payment_collections ?? []) {
    if (collection.id === targetId) continue
    for (const payment of collection.payments ?? []) {
      const transactionId = transactionIdOf(payment)
      if (payment.canceled_at || !isDinteroPayment(payment) || !transactionId) continue
      const currency = String(payment.currency_code ?? order.currency_code).toUpperCase()
      const remaining = toMinorUnits(payment.amount, currency) - (payment.captures ?? []).reduce((sum, c) => sum + minor(c, currency), 0)
      if (remaining <= 0) continue
      const tx = await client.checkout.getTransaction(transactionId)
      held.push({ medusa_remaining: remaining, status: tx.status, amount: tx.amount, captured: capturedAmount(tx) })
    }
  }
  return held
}

/**
 * Lowers the new collection from Medusa's outstanding amount to what the shopper is asked for through it (reused
 * authorization + payment link), the rest being captured on the authorizations that still hold it; cancels it when
 * nothing is asked (a collection Medusa would show as owed forever). Nothing when nothing is covered elsewhere.
 */
async function collectOnly(container: MedusaContainer, target: PaymentCollectionRow, due: number, collection: number, currency: string) {
  if (collection === due) return
  // The collection has no payment and no session yet (newCollectionOf): cancelling it is its status alone, which is
  // all Medusa's cancelPaymentCollectionWorkflow (not exported) would change on it.
  await container
    .resolve<IPaymentModuleService>(Modules.PAYMENT)
    .updatePaymentCollections(target.id, collection > 0 ? { amount: fromMinorUnits(collection, currency) } : { status: PaymentCollectionStatus.CANCELED })
}

async function notify(container: MedusaContainer, orderId: string, key: string, message: string) {
  try {
    await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).recordNotice(orderId, key, message)
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`[dintero] ${message} (and the notice could not be saved: ${(e as Error).message})`)
  }
}
