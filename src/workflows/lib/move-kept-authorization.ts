/**
 * The move of an order edit's kept authorizations (modules/dintero-payments/kept-authorizations.ts) onto the payment
 * collection Medusa opened for the new total, as I/O around the one decision (mapping/kept-move.ts). Run by the order
 * edit's step (steps/move-kept-authorization.ts) and, for a move a dead process left undone, by the reconciliation
 * (reconcile/reconcile.ts): both under the order's move lock, and both find what is left to move from Medusa's and
 * this plugin's records (never from memory), so a second run, or a late step after the reconciliation, moves nothing
 * twice.
 */
import type { ILockingModule, IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, PaymentCollectionStatus } from "@medusajs/framework/utils"
import { capturedAmount, type DinteroClient, type TransactionItemRef } from "../../dintero"
import type { HeldAuthorization } from "../../mapping/amount-to-collect"
import { planKeptMove, type KeptTransaction } from "../../mapping/kept-move"
import { fromMinorUnits, toMinorUnits } from "../../mapping/money"
import { buildSessionOrder } from "../../mapping/session"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { dinteroClientFor, dinteroConfiguration } from "../../lib/dintero-registry"
import { keptAuthorizationsIn } from "../../modules/dintero-payments/kept-authorizations"
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
} from "./medusa-data"
import { carryOutPendingReleases } from "./release-kept-authorization"

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

/** A move runs at most this long without its lock lapsing (a dead holder's lock lapses with it). */
const LOCK_EXPIRE_SECONDS = 120
const LOCK_WAIT_SECONDS = 60

export const keptMoveLockKey = (orderId: string) => `dintero-kept-move:${orderId}`

/**
 * Runs `job` under the order's move lock (Medusa's Locking module: per process in memory, across processes with the
 * redis or postgres provider), so the step and the reconciliation never move the same order at once; each reads
 * what is left to move inside the lock.
 */
export async function withKeptMoveLock<T>(container: MedusaContainer, orderId: string, job: () => Promise<T>): Promise<T> {
  let locking: ILockingModule | undefined
  try {
    locking = container.resolve<ILockingModule>(Modules.LOCKING)
  } catch {
    locking = undefined
  }
  if (!locking) return await job()
  return await locking.execute(keptMoveLockKey(orderId), job, { timeout: LOCK_WAIT_SECONDS, expire: LOCK_EXPIRE_SECONDS })
}

/**
 * The order's kept authorizations still to move, oldest first: Dintero transactions whose Medusa payment the
 * provider kept for this order when Medusa cancelled it (`kept_for_order_id`), that no live payment of the order names
 * (not taken over yet) and whose release was not decided (an earlier edit's released one is no longer the order's).
 * No Dintero call.
 */
export async function keptToMove(container: MedusaContainer, orderId: string): Promise<string[]> {
  const payments = (await loadOrderPaymentCollections(container, orderId)).flatMap((c) => c.payments ?? [])
  const live = new Set(payments.filter((p) => !p.canceled_at).map(transactionIdOf))
  const kept = payments
    .filter((p) => p.canceled_at && p.data?.kept_for_order_id === orderId && !live.has(transactionIdOf(p)))
    .sort((a, b) => new Date(a.created_at ?? 0).getTime() - new Date(b.created_at ?? 0).getTime())
    .map(transactionIdOf)
    .filter((tx): tx is string => tx !== undefined)
  const once = [...new Set(kept)]
  const released = new Set((await keptAuthorizationsIn(container).releases({ transactionIds: once })).map((r) => r.transactionId))
  return once.filter((tx) => !released.has(tx))
}

/**
 * Moves the given kept authorizations (oldest first) as planKeptMove decides: the releases are decided (in the
 * database) before anything else moves, so a process that dies from there on leaves them to be voided, not held;
 * then the collection's amount, the reuse grants and their payments, and the payment link for the rest. The
 * releases themselves are carried out by finishKeptMove.
 */
export async function moveKept(container: MedusaContainer, orderId: string, transactionIds: string[]): Promise<MovedAuthorization[]> {
  const config = dinteroConfiguration()
  if (!config) throw new Error("no Dintero payment provider is configured")
  const client = dinteroClientFor(config)
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const kept = keptAuthorizationsIn(container)
  const order = await loadOrder(container, orderId, ["display_id", ...CAPTURE_FIELDS])
  if (!order) throw new Error(`order ${orderId} not found`)
  const target = newCollectionOf(order)
  const currency = String(target?.currency_code ?? order.currency_code).toUpperCase()
  const due = target ? toMinorUnits(target.amount, currency) : null
  const others = target ? await heldAuthorizations(client, order, target.id) : []
  const transactions: KeptTransaction[] = []
  for (const transactionId of transactionIds) {
    const tx = await client.checkout.getTransaction(transactionId)
    transactions.push({ transaction_id: tx.id, status: tx.status, amount: tx.amount, captured: capturedAmount(tx), payment_product_type: tx.payment_product_type })
  }
  const results = new Map<string, MovedAuthorization>(transactionIds.map((id) => [id, { transaction_id: id, ...(target && { payment_collection_id: target.id }) }]))
  const result = (id: string) => results.get(id)!

  let plan = planKeptMove({ due, kept: transactions, others })
  if (plan.raise && target) {
    const { transaction_id: raisedId, from, to } = plan.raise
    // Dintero needs the full list of items when the transaction has items; they must add up to the new amount.
    // The order's total is the session's: the new amount is given explicitly.
    const lines = buildSessionOrder({ ...order, id: orderId, currency_code: currency, total: order.total ?? 0 }, { amount: fromMinorUnits(to, currency) })
    const shipping: TransactionItemRef[] = []
    if (lines.shipping_option) {
      const { title, operator: _operator, delivery_method: _deliveryMethod, ...option } = lines.shipping_option
      shipping.push({ ...option, description: title, quantity: 1, type: "shipping" })
    }
    const items: TransactionItemRef[] = [...lines.items.map((item) => ({ ...item })), ...shipping]
    const raised = await client.checkout.updateAuthorization(raisedId, { amount: to, items, reason: `Order ${order.display_id ?? orderId} edited` })
    result(raisedId).raised = { from, to }
    const again = transactions.map((t) => (t.transaction_id === raisedId ? { ...t, status: raised.status, amount: raised.amount, captured: capturedAmount(raised) } : t))
    plan = planKeptMove({ due, kept: again, others, raised: true })
  }
  for (const p of plan.problems) Object.assign(result(p.transaction_id), { problem: p.problem, ...(p.next && { problemNext: p.next }) })
  for (const r of plan.release) {
    await kept.decideRelease(r.transaction_id, orderId, r.held, r.reason)
    result(r.transaction_id).released = "decided"
  }
  if (!target || !plan.split) return [...results.values()]

  const split = plan.split
  await collectOnly(container, target, toMinorUnits(target.amount, currency), split.collection, currency)
  const first = plan.reuse[0]
  if (split.covered > 0 && first) result(first.transaction_id).covered = split.covered
  const providerOf = (transactionId: string) => paymentsOf(order).find((p) => transactionIdOf(p) === transactionId)?.provider_id ?? "pp_dintero_dintero"
  for (const { transaction_id: transactionId, amount } of plan.reuse) {
    await kept.grantReuse(target.id, transactionId, amount)
    const session = await payments.createPaymentSession(target.id, {
      provider_id: providerOf(transactionId),
      currency_code: currency.toLowerCase(),
      amount: fromMinorUnits(amount, currency),
      data: {},
    })
    await payments.authorizePaymentSession(session.id, {})
    result(transactionId).reused = amount
  }
  if (split.link > 0 && first) {
    const session = await payments.createPaymentSession(target.id, {
      provider_id: providerOf(first.transaction_id),
      currency_code: currency.toLowerCase(),
      amount: fromMinorUnits(split.link, currency),
      data: {},
    })
    result(first.transaction_id).difference = { amount: split.link, payment_session_id: session.id, checkout_url: String(session.data?.checkout_url ?? "") }
  }
  return [...results.values()]
}

/**
 * After a move: the releases it decided (and any an earlier run left pending) are carried out, one that fails stays
 * decided for the reconciliation (lib/release-kept-authorization.ts); each authorization that could not be moved and
 * is not being released gets a notice saying what is left to do. Returns what was moved (the released ones are
 * reported by their own notice) and the releases carried out.
 */
export async function finishKeptMove(
  container: MedusaContainer,
  orderId: string,
  moved: MovedAuthorization[]
): Promise<{ moved: MovedAuthorization[]; releases: Awaited<ReturnType<typeof carryOutPendingReleases>> }> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  let releases: Awaited<ReturnType<typeof carryOutPendingReleases>> = []
  try {
    releases = await carryOutPendingReleases(container, orderId)
    for (const r of releases) {
      const tx = r.release.transactionId
      if (r.error) logger.warn(`[dintero] order ${orderId}: authorization ${tx}, no longer needed, is not voided yet (the reconciliation tries again): ${r.error}`)
      else logger.info(`[dintero] order ${orderId}: authorization ${tx} released, no longer needed (${r.outcome?.kind})`)
    }
  } catch (e) {
    logger.warn(`[dintero] order ${orderId}: its releases are left to the reconciliation: ${(e as Error).message}`)
  }
  // A release decided before a later part of the move failed still stands: its own notice says what became of it.
  const releasedNow = new Set((await keptAuthorizationsIn(container).releases({ orderId }).catch(() => [])).map((r) => r.transactionId))
  for (const m of moved.filter((m) => m.problem && !releasedNow.has(m.transaction_id))) {
    await notifyKept(
      container,
      orderId,
      `kept:${m.transaction_id}`,
      `The Dintero authorization ${m.transaction_id} was kept when the order was edited, but could not be moved to the order's new payment collection: ${m.problem}. ${m.problemNext ?? "It is still authorized at Dintero: capture it from Dintero Backoffice or void it there."}`
    )
  }
  return { moved: moved.filter((m) => !releasedNow.has(m.transaction_id)), releases }
}

/** The fields heldAuthorizations reads on top of loadOrder's: each payment's captures. */
export const CAPTURE_FIELDS = ["payment_collections.payments.captures.id", "payment_collections.payments.captures.amount", "payment_collections.payments.captures.raw_amount", "payment_collections.payments.captures.created_at"]

/** The collection Medusa opened for the edited order: not paid yet, nothing authorized on it (the newest). */
export function newCollectionOf(order: Pick<OrderRow, "payment_collections">): PaymentCollectionRow | undefined {
  return (order.payment_collections ?? [])
    .filter((c) => c.status === "not_paid" && (c.payments ?? []).length === 0)
    .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime())[0]
}

/**
 * The order's live Dintero payments outside the new collection that Medusa still lets the merchant capture, each
 * with its Checkout transaction as Dintero reports it now (Medusa's own view cannot tell a refunded part capture or
 * a released rest). A kept authorization is not among them: Medusa cancelled its payment.
 */
export async function heldAuthorizations(client: DinteroClient, order: Pick<OrderRow, "payment_collections" | "currency_code">, targetId: string): Promise<HeldAuthorization[]> {
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
export async function collectOnly(container: MedusaContainer, target: PaymentCollectionRow, due: number, collection: number, currency: string) {
  if (collection === due) return
  // The collection has no payment and no session yet (newCollectionOf): cancelling it is its status alone, which is
  // all Medusa's cancelPaymentCollectionWorkflow (not exported) would change on it.
  await container
    .resolve<IPaymentModuleService>(Modules.PAYMENT)
    .updatePaymentCollections(target.id, collection > 0 ? { amount: fromMinorUnits(collection, currency) } : { status: PaymentCollectionStatus.CANCELED })
}

export async function notifyKept(container: MedusaContainer, orderId: string, key: string, message: string) {
  try {
    await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).recordNotice(orderId, key, message)
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`[dintero] ${message} (and the notice could not be saved: ${(e as Error).message})`)
  }
}

export type { PaymentRow }
