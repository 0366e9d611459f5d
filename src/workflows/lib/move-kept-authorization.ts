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
import { DinteroError, capturedAmount, type DinteroClient, type TransactionItemRef } from "../../dintero"
import type { HeldAuthorization } from "../../mapping/amount-to-collect"
import { planKeptMove, type KeptTransaction } from "../../mapping/kept-move"
import { unneededLive, type LiveAuthorization } from "../../mapping/kept-release"
import { fromMinorUnits, sumToMinorUnits, toMinorUnits, type DecimalInput } from "../../mapping/money"
import { buildSessionOrder } from "../../mapping/session"
import { holdsMoney } from "../../mapping/status"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { dinteroClientFor, dinteroConfiguration } from "../../lib/dintero-registry"
import { keptAuthorizationsIn } from "../../modules/dintero-payments/kept-authorizations"
import {
  isDinteroPayment,
  loadOrder,
  loadOrderPaymentCollections,
  loadOrderPaymentsByLink,
  exactAmount,
  paymentsOf,
  transactionIdOf,
  type OrderRow,
  type PaymentCollectionRow,
  type PaymentRow,
} from "./medusa-data"
import { carryOutPendingReleases } from "./release-kept-authorization"
import { testFaultPoint } from "../../lib/test-fault-point"
import { isDinteroProviderId } from "../../providers/dintero/provider-id"
import { messageOf } from "../../lib/error-message"

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

/** The order's payment collections with what a move reads of them: payments, sessions and their metadata. */
const MOVE_COLLECTION_FIELDS = ["payment_collections.metadata"]

/**
 * The order's kept authorizations not yet taken over, oldest first: Dintero transactions whose Medusa payment the
 * provider kept for this order when Medusa cancelled it (`kept_for_order_id`), that no live payment of the order names
 * (or only one of `target`, the collection a move is still going to) and whose release was not decided (an earlier
 * edit's released one is no longer the order's). No Dintero call.
 */
async function keptOf(container: MedusaContainer, orderId: string, collections: PaymentCollectionRow[], target?: string): Promise<string[]> {
  const payments = collections.flatMap((c) => (c.payments ?? []).map((p) => ({ ...p, payment_collection_id: c.id })))
  const live = new Set(payments.filter((p) => !p.canceled_at && p.payment_collection_id !== target).map(transactionIdOf))
  const kept = payments
    .filter((p) => p.canceled_at && p.data?.kept_for_order_id === orderId && !live.has(transactionIdOf(p)))
    .sort((a, b) => new Date(a.created_at ?? 0).getTime() - new Date(b.created_at ?? 0).getTime())
    .map(transactionIdOf)
    .filter((tx): tx is string => tx !== undefined)
  const once = [...new Set(kept)]
  const released = new Set((await keptAuthorizationsIn(container).releases({ transactionIds: once })).map((r) => r.transactionId))
  return once.filter((tx) => !released.has(tx))
}

/** The order's kept authorizations no payment has taken over yet (oldest first). No Dintero call. */
export async function keptToMove(container: MedusaContainer, orderId: string): Promise<string[]> {
  return keptOf(container, orderId, await loadOrderPaymentCollections(container, orderId))
}

/**
 * What is left of the order's move, from Medusa's and this plugin's records: kept authorizations no payment took over
 * yet, and whether a move began on a collection and did not finish (a process that died, or a step that failed,
 * between its writes). No Dintero call.
 */
export async function moveLeft(container: MedusaContainer, orderId: string): Promise<{ kept: string[]; unfinished: boolean; transactions: string[] }> {
  const collections = await loadOrderPaymentCollections(container, orderId, MOVE_COLLECTION_FIELDS)
  const unfinished = unfinishedTarget(collections)
  return {
    kept: await keptOf(container, orderId, collections),
    unfinished: !!unfinished,
    // What the move covers: with an unfinished one, also the kept ones already reused on its collection.
    transactions: await keptOf(container, orderId, collections, unfinished?.id),
  }
}

/**
 * Where a move keeps its progress: on the collection it moves to (`metadata.dintero_kept_move`, minor units), written
 * in one update with the collection's new amount before any authorization is reused on it, and marked `done` by the
 * move's last write. Each write after the first is found done or not from Medusa's records (a payment of the
 * collection naming the transaction, a pending session for it, the payment link's session), so a move that stopped
 * anywhere is resumed by the next run (the reconciliation) without doing anything twice.
 */
export const MOVE_MARK = "dintero_kept_move"
export interface MoveMark {
  /** Medusa's outstanding amount the collection was opened for (what the move splits). */
  due: number
  /** The amount the move set on the collection (reused + link). */
  amount: number
  done?: boolean
}

export function moveMarkOf(collection: Pick<PaymentCollectionRow, "metadata">): MoveMark | undefined {
  const mark = collection.metadata?.[MOVE_MARK] as Partial<MoveMark> | undefined
  if (!mark || typeof mark !== "object" || !Number.isSafeInteger(mark.due) || !Number.isSafeInteger(mark.amount)) return undefined
  return { due: mark.due!, amount: mark.amount!, ...(mark.done === true && { done: true }) }
}

/**
 * The newest collection a move began on and did not finish, while Medusa's amount on it is still the one the move set
 * (a later edit that reset it opened the move anew) and it is neither cancelled nor captured.
 */
function unfinishedTarget(collections: PaymentCollectionRow[]): PaymentCollectionRow | undefined {
  return collections
    .filter((c) => {
      const mark = moveMarkOf(c)
      if (!mark || mark.done || c.status === "canceled" || c.status === "completed") return false
      return toMinorUnits(c.amount, String(c.currency_code ?? "").toUpperCase()) === mark.amount
    })
    .sort((a, b) => new Date(b.created_at).getTime() - new Date(a.created_at).getTime())[0]
}

/**
 * Moves the order's kept authorizations (oldest first) as planKeptMove decides, onto the collection Medusa opened for
 * the edited order, or resumes a move that stopped half-way (unfinishedTarget): the releases are decided (in the
 * database) before anything else moves, so a process that dies from there on leaves them to be voided, not held;
 * then the collection's amount with the move's mark, each reuse (grant, session, payment) not found done, the payment
 * link for the rest unless its session is there, and the mark `done`. The releases themselves are carried out by
 * finishKeptMove. Reports what this run did (a resumed run: only what it added).
 */
export async function moveKept(container: MedusaContainer, orderId: string): Promise<MovedAuthorization[]> {
  const config = dinteroConfiguration()
  if (!config) throw new Error("no Dintero payment provider is configured")
  const client = dinteroClientFor(config)
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const kept = keptAuthorizationsIn(container)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const order = await loadOrder(container, orderId, ["display_id", ...CAPTURE_FIELDS, ...MOVE_COLLECTION_FIELDS])
  if (!order) throw new Error(`order ${orderId} not found`)
  const resumed = unfinishedTarget(order.payment_collections ?? [])
  const target = resumed ?? newCollectionOf(order)
  const currency = String(target?.currency_code ?? order.currency_code).toUpperCase()
  const due = resumed ? moveMarkOf(resumed)!.due : target ? toMinorUnits(target.amount, currency) : null
  const others = target ? await heldAuthorizations(client, order, target.id) : []
  // Taken over already (a resumed move): planned with what the payment reuses, which reproduces its share (oldest
  // first, each up to what is still due), whatever was captured on it since; not read from Dintero again.
  const onTarget = (target?.payments ?? []).filter((p) => !p.canceled_at && isDinteroPayment(p))
  const reusedBy = new Map(onTarget.map((p) => [transactionIdOf(p), p] as const))
  const transactionIds = await keptOf(container, orderId, order.payment_collections ?? [], target?.id)
  const transactions: KeptTransaction[] = []
  for (const transactionId of transactionIds) {
    const reused = reusedBy.get(transactionId)
    if (reused) {
      const amount = toMinorUnits(reused.amount, currency)
      transactions.push({ transaction_id: transactionId, status: "AUTHORIZED", amount, captured: 0 })
      continue
    }
    const tx = await client.checkout.getTransaction(transactionId)
    transactions.push({ transaction_id: tx.id, status: tx.status, amount: tx.amount, captured: capturedAmount(tx), payment_product_type: tx.payment_product_type })
  }
  const results = new Map<string, MovedAuthorization>(transactionIds.map((id) => [id, { transaction_id: id, ...(target && { payment_collection_id: target.id }) }]))
  const result = (id: string) => results.get(id)!
  const report = () => [...results.values()]

  let plan = planKeptMove({ due, kept: transactions, others, raised: !!resumed })
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
  if (!target || !plan.split || due === null) return report()

  const split = plan.split
  if (!resumed) await markMove(container, target, { due, amount: split.collection }, currency)
  const first = plan.reuse[0]
  if (split.covered > 0 && first) result(first.transaction_id).covered = split.covered
  const providerOf = (transactionId: string) => paymentsOf(order).find((p) => transactionIdOf(p) === transactionId)?.provider_id ?? "pp_dintero_dintero"
  const sessions = (target.payment_sessions ?? []).filter((ps) => isDinteroProviderId(ps.provider_id))
  for (const { transaction_id: transactionId, amount } of plan.reuse) {
    if (reusedBy.has(transactionId)) continue
    // A session that took the grant over and whose payment was not made yet (the move stopped in between).
    const open = sessions.find((ps) => ps.status !== "authorized" && ps.data?.reused_authorization === true && ps.data?.transaction_id === transactionId)
    let sessionId = open?.id
    if (!sessionId) {
      await kept.grantReuse(target.id, transactionId, amount)
      sessionId = (
        await payments.createPaymentSession(target.id, {
          provider_id: providerOf(transactionId),
          currency_code: currency.toLowerCase(),
          amount: fromMinorUnits(amount, currency),
          data: {},
        })
      ).id
    }
    await payments.authorizePaymentSession(sessionId, {})
    result(transactionId).reused = amount
  }
  await testFaultPoint("move-kept-authorization-link", (line) => logger.warn(line))
  if (split.link > 0 && first) {
    const link = sessions.find((ps) => ps.status === "pending" && ps.data?.reused_authorization !== true && toMinorUnits(ps.amount ?? 0, currency) === split.link)
    if (!link) {
      const session = await payments.createPaymentSession(target.id, {
        provider_id: providerOf(first.transaction_id),
        currency_code: currency.toLowerCase(),
        amount: fromMinorUnits(split.link, currency),
        data: {},
      })
      result(first.transaction_id).difference = { amount: split.link, payment_session_id: session.id, checkout_url: String(session.data?.checkout_url ?? "") }
    }
  }
  await markMove(container, target, { due, amount: split.collection, done: true }, currency)
  return report()
}

/**
 * Writes the move's mark on its collection. The first (not done) sets the collection's amount to what the shopper is
 * asked for through it in the same update (collectOnly's lowering), or cancels a collection that asks nothing.
 */
async function markMove(container: MedusaContainer, target: PaymentCollectionRow, mark: MoveMark, currency: string) {
  const metadata = { ...(target.metadata ?? {}), [MOVE_MARK]: mark }
  const update =
    mark.done || mark.amount === mark.due
      ? { metadata }
      : mark.amount > 0
        ? { amount: fromMinorUnits(mark.amount, currency), metadata }
        : { status: PaymentCollectionStatus.CANCELED, metadata }
  await container.resolve<IPaymentModuleService>(Modules.PAYMENT).updatePaymentCollections(target.id, update)
  target.metadata = metadata
}

/**
 * An edit that left the order owing nothing (Medusa's outstanding amount at or below 0, e.g. below the gift card or
 * store credit) opens no payment collection and cancels no payment: the live Dintero authorizations nothing was
 * captured on back no money the order needs (unneededLive, mapping/kept-release.ts). Their release is decided here
 * (reason `order_needs_nothing`, in the database) and carried out by finishKeptMove: Medusa cancels the payment (its
 * provider voids the authorization), the notice says why, and the Orders order records the cancellation through the
 * outbox. Nothing while Medusa has a collection open for the order, or a move is left: those are the move's.
 * Answers the transactions whose release it decided.
 */
export async function releaseUnneeded(container: MedusaContainer, orderId: string): Promise<string[]> {
  const order = (await loadOrder(container, orderId, [...CAPTURE_FIELDS, ...MOVE_COLLECTION_FIELDS, "summary"])) as (OrderRow & { summary?: { pending_difference?: DecimalInput } | null }) | null
  const pendingDifference = order?.summary?.pending_difference
  if (!order || pendingDifference === undefined || pendingDifference === null) return []
  const live = paymentsOf(order).filter((p) => !p.canceled_at && isDinteroPayment(p) && transactionIdOf(p))
  if (live.length === 0 || newCollectionOf(order) || unfinishedTarget(order.payment_collections ?? [])) return []
  const currency = String(order.currency_code).toUpperCase()
  const pending = toMinorUnits(pendingDifference, currency)
  if (pending > 0) return []
  const config = dinteroConfiguration()
  if (!config) throw new Error("no Dintero payment provider is configured")
  const client = dinteroClientFor(config)
  const authorizations: LiveAuthorization[] = []
  for (const p of live.filter((p) => !(p.captures ?? []).length)) {
    const tx = await client.checkout.getTransaction(transactionIdOf(p)!)
    authorizations.push({ transaction_id: tx.id, medusa_captured: 0, status: tx.status, amount: tx.amount, captured: capturedAmount(tx) })
  }
  const kept = keptAuthorizationsIn(container)
  const unneeded = unneededLive(pending, authorizations)
  for (const u of unneeded) await kept.decideRelease(u.transaction_id, orderId, u.held, "order_needs_nothing")
  return unneeded.map((u) => u.transaction_id)
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
    logger.warn(`[dintero] order ${orderId}: its releases are left to the reconciliation: ${messageOf(e)}`)
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
      const remaining = toMinorUnits(payment.amount, currency) - sumToMinorUnits((payment.captures ?? []).map(exactAmount), currency)
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
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`[dintero] ${message} (and the notice could not be saved: ${messageOf(e)})`)
  }
}

export type { PaymentRow }

/**
 * Payment links of an earlier edit whose collection this edit made Medusa replace (it cancels the collection, not its
 * sessions): their Dintero sessions are cancelled, so the shopper cannot pay for what the new collection asks again.
 * One paid anyway (before this ran) is released by its settlement (settle-payment.ts). The edit's step runs it, and the
 * reconciliation when it finishes a move that step left. A failure is only logged: the
 * link then stays payable until its session expires, and its payment is released the same way.
 */
export async function withdrawStaleLinks(container: MedusaContainer, orderId: string): Promise<void> {
  const order = await loadOrderPaymentsByLink(container, orderId)
  const stale = (order.payment_collections ?? [])
    .filter((c) => c.status === "canceled")
    .flatMap((c) => (c.payment_sessions ?? []).filter((ps) => isDinteroProviderId(ps.provider_id) && ps.status === "pending"))
  const config = dinteroConfiguration()
  if (stale.length === 0 || !config) return
  const client = dinteroClientFor(config)
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  for (const session of stale) {
    try {
      if (await linkHoldsMoney(client, session)) {
        logger.info(`[dintero] order ${orderId}: the payment link of session ${session.id} was paid before it could be withdrawn; its settlement releases the payment`)
        continue
      }
      await payments.deletePaymentSession(session.id)
    } catch (e) {
      logger.warn(`[dintero] order ${orderId}: could not withdraw the payment link of session ${session.id}: ${messageOf(e)}`)
    }
  }
}

/**
 * Cancels a stale link's Dintero session, and says whether its Medusa row must stay because Dintero refused: the link
 * was paid in a way a cancel cannot undo (captured at once, on hold) and its payment still holds money, which its
 * settlement releases through this row. Only the row's own Dintero session is cancelled: a kept authorization's reuse
 * row names the cart's paid session (cancelling it would void the authorization the order keeps), and a session
 * another Medusa session owns is that one's business (the provider's cancel makes the same checks).
 */
async function linkHoldsMoney(client: DinteroClient, session: { id: string; data?: Record<string, unknown> | null }): Promise<boolean> {
  const id = session.data?.dintero_session_id
  if (typeof id !== "string" || session.data?.reused_authorization === true) return false
  const read = async () => {
    try {
      return await client.checkout.getSession(id)
    } catch (e) {
      if (e instanceof DinteroError && e.status === 404) return null
      throw e
    }
  }
  const before = await read()
  const owner = before?.metadata?.medusa_payment_session_id
  if (!before || before.cancelled_at || (owner !== session.id && owner !== session.data?.adopted_from)) return false
  try {
    await client.checkout.cancelSession(id)
    return false
  } catch (e) {
    if (!(e instanceof DinteroError && e.status === 400)) throw e
  }
  const after = await read()
  if (!after || after.cancelled_at) return false
  // Paid: the row stays while the payment holds money; one already released (voided, refunded) needs it no more.
  if (!after.transaction_id) return true
  const { status } = await client.checkout.getTransaction(after.transaction_id)
  return holdsMoney(status) || status === "ON_HOLD"
}
