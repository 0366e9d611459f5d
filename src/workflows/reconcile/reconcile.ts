/**
 * The reconciliation: finds what Medusa's events did not bring to the Orders mirror or to Medusa, and repairs it
 * through the same roads the events take (the enqueue workflows, the callback's settlement), idempotently: an
 * identity already in the outbox is never enqueued again, and a settled session is left alone.
 *
 * Store-wide runs cover the window since the last run (cursor: runs.ts); a run for one order (admin Retry) looks at
 * that order whole. Each run is recorded with what it read, repaired and found.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MedusaError, Modules } from "@medusajs/framework/utils"
import type { Transaction } from "../../dintero"
import { dinteroConfigurations } from "../../lib/dintero-registry"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { processOrderOutbox } from "../outbox/schedule"
import {
  mirrorOrderCanceledWorkflow,
  mirrorOrderEditWorkflow,
  mirrorOrderPlacedWorkflow,
  mirrorPaymentRecordsWorkflow,
} from "../mirror-order"
import { Reader, type Candidate, type Lookbacks } from "./find"
import { missingIdentities, transactionActions } from "./plan"
import { finishRun, lastStoreRunEnds, lastStoreRunStart, pg, startRun, withStoreLock, type Finding, type Repaired, type RunRecord } from "./runs"
import { settleDinteroPayment } from "./settle-payment"
import { carryOutPendingReleases } from "../lib/release-kept-authorization"
import { finishKeptMove, moveKept, moveLeft, releaseUnneeded, withKeptMoveLock, withdrawStaleLinks, type MovedAuthorization } from "../lib/move-kept-authorization"
import { KEEP_MS, keptAuthorizationsIn } from "../../modules/dintero-payments/kept-authorizations"
import { cursorFrom, DEFAULT_WINDOW, MIN_SESSION_LOOKBACK_MS, reconcileDue, sessionLookbackMs, windowFor, type ReconcileWindow, type WindowSettings } from "./window"
import { messageOf } from "../../lib/error-message"
import { isDinteroPayment, loadOrderPaymentsByLink, paymentsOf, transactionIdOf } from "../lib/medusa-data"

export interface ReconcileSettings extends WindowSettings, Lookbacks {}

const overlapFromEnv = Number(process.env.DINTERO_RECONCILE_OVERLAP_MS)

export const DEFAULT_SETTINGS: ReconcileSettings = {
  ...DEFAULT_WINDOW,
  // DINTERO_RECONCILE_OVERLAP_MS: how much of the previous run's window is read again (default 5 minutes).
  ...(Number.isFinite(overlapFromEnv) && overlapFromEnv >= 0 && process.env.DINTERO_RECONCILE_OVERLAP_MS ? { overlapMs: overlapFromEnv } : {}),
  editMs: 7 * 24 * 3_600_000,
  sessionMs: MIN_SESSION_LOOKBACK_MS,
  // A keep mark still open at one run ends within KEEP_MS; twice that covers a run that started just before it did.
  keptMs: 2 * KEEP_MS,
}

export type RunSummary = Omit<RunRecord, "finished_at" | "error" | "repaired" | "findings"> & {
  error: string | null
  repaired: Repaired[]
  findings: Finding[]
}

/** A store-wide run over the window since the last one; null when another process is running one now. */
export async function reconcileStore(
  container: MedusaContainer,
  opts: { now?: Date; settings?: ReconcileSettings } = {}
): Promise<RunSummary | null> {
  const db = pg(container)
  const settings = opts.settings ?? { ...DEFAULT_SETTINGS, sessionMs: sessionLookbackMs(dinteroConfigurations()) }
  return withStoreLock(db, async () => {
    const window = windowFor(opts.now ?? new Date(), cursorFrom(await lastStoreRunEnds(db)), settings)
    return run(container, { window, lookbacks: settings }, { scope: "store", order_id: null, window_from: window.from, window_to: window.to }, window.to)
  })
}

/**
 * The scheduled job's tick: a store-wide run when one is due (window.ts, reconcileDue), judged from the runs recorded
 * in the database, so every process's ticks and restarts share one clock. Null when none was due or another process
 * is running one.
 */
export async function reconcileStoreWhenDue(
  container: MedusaContainer,
  schedule: { intervalMs: number; tickMs: number },
  now: Date = new Date()
): Promise<RunSummary | null> {
  if (!reconcileDue(await lastStoreRunStart(pg(container)), now, schedule.intervalMs, schedule.tickMs)) return null
  return reconcileStore(container, { now })
}

/** A run for one order (admin Retry): the order, its payments, edits, cancellation and its carts' Dintero transactions. */
export async function reconcileOrder(container: MedusaContainer, orderId: string, now: Date = new Date()): Promise<RunSummary> {
  return run(container, { order_id: orderId }, { scope: "order", order_id: orderId, window_from: now, window_to: now }, now)
}

/**
 * Findings of a repair that failed and may succeed when tried again (Dintero or the database answered with an error):
 * the run ends `incomplete` and the next runs go over its window again. The others need a person and are not retried.
 */
const RETRIED = new Set(["repair_failed", "settle_failed", "void_failed", "release_failed", "move_failed"])

type Scope = { window: ReconcileWindow; lookbacks: Lookbacks } | { order_id: string }

async function run(
  container: MedusaContainer,
  scope: Scope,
  record: Pick<RunRecord, "scope" | "order_id" | "window_from" | "window_to">,
  now: Date
): Promise<RunSummary> {
  const db = pg(container)
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const id = await startRun(db, record)
  const reader = new Reader(container)
  const repaired: Repaired[] = []
  const findings: Finding[] = []
  let dinteroCalls = 0
  let error: string | null = null
  try {
    const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
    if (svc.mirrorOptions.ordersMirror) await repairOutbox(container, scope, reader, repaired, findings)
    dinteroCalls = await repairPayments(container, scope, reader, repaired, findings, now)
    dinteroCalls += await finishKeptMoves(container, scope, reader, repaired, findings)
    dinteroCalls += await carryOutReleases(container, scope, repaired, findings)
    dinteroCalls += await voidOnCancelledOrders(container, scope, reader, repaired, findings)
  } catch (e) {
    error = messageOf(e)
  }
  const summary: RunSummary = {
    id,
    ...record,
    status: error ? "failed" : findings.some((f) => RETRIED.has(f.what)) ? "incomplete" : "done",
    rows_read: reader.rows,
    dintero_calls: dinteroCalls,
    repaired,
    findings,
    error,
  }
  await finishRun(db, id, summary)
  const what = record.scope === "order" ? `order ${record.order_id}` : `${record.window_from.toISOString()}..${record.window_to.toISOString()}`
  const line = `[dintero] reconciliation ${what}: ${repaired.length} repaired, ${findings.length} to look at, ${reader.rows} rows read, ${dinteroCalls} Dintero calls`
  if (error) logger.error(`${line}; stopped: ${error}`)
  else if (repaired.length || findings.length) logger.warn(`${line}: ${repaired.map((r) => `${r.what} ${r.ref}`).join(", ")}`)
  else logger.info(line)
  return summary
}

/**
 * Outbox rows the events did not write: order placed first (it creates the mirror the others need). One repair that
 * fails is a finding (the admin Retry on that order runs it again); the others go on.
 */
async function repairOutbox(container: MedusaContainer, scope: Scope, reader: Reader, repaired: Repaired[], findings: Finding[]) {
  const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  const kicked = new Set<string>()
  const repairEach = async <C extends Candidate>(
    candidates: C[],
    enqueue: (c: C) => Promise<{ result: { created: string[]; order_id: string | null } }>
  ) => {
    if (!candidates.length) return
    const existing = await svc.listDinteroOrderOperations({ identity: candidates.map((c) => c.identity) }, { select: ["identity"] })
    reader.rows += existing.length
    for (const c of missingIdentities(candidates, existing.map((o) => o.identity))) {
      const ref = c.identity.slice(c.what.length + 1)
      try {
        const { result } = await enqueue(c)
        if (!result.created.length || !result.order_id) continue // not mirrored (e.g. no mirror for a non-Dintero order)
        repaired.push({ what: c.what, ref, order_id: result.order_id })
        kicked.add(result.order_id)
      } catch (e) {
        findings.push({ what: "repair_failed", ref: c.identity, detail: messageOf(e) })
      }
    }
  }

  const orders = await reader.dinteroOrders(scope)
  await repairEach(
    orders.map((order_id) => ({ identity: `order_placed:${order_id}`, what: "order_placed" as const, order_id })),
    (c) => mirrorOrderPlacedWorkflow(container).run({ input: { order_id: c.order_id } })
  )
  await repairEach(await reader.paymentRecords(scope), (c) =>
    mirrorPaymentRecordsWorkflow(container).run({ input: { payment_id: c.payment_id, kind: c.what } })
  )
  await repairEach(await reader.confirmedEdits(scope), (c) =>
    mirrorOrderEditWorkflow(container).run({ input: { order_id: c.order_id, actions: c.actions } })
  )
  await repairEach(await reader.cancellations(scope), (c) =>
    mirrorOrderCanceledWorkflow(container).run({ input: { order_id: c.order_id } })
  )
  // Sent now, awaited (the pass is locked per order and never rejects); what fails waits for the retry job.
  for (const orderId of kicked) await processOrderOutbox(container, orderId)
}

/**
 * Order edits whose move of the kept authorizations never happened or stopped half-way (the process died after Medusa
 * cancelled the kept payment, or between the move's writes; the event is not delivered again): the same move the
 * order edit's step makes (lib/move-kept-authorization.ts, one decision: mapping/kept-move.ts), under the same lock,
 * from what Medusa and the plugin's records say is left: reused on the order's open collection, the payment link
 * opened, or released with the reason in a notice. Also an edit that left the order owing nothing whose step died
 * before it decided the release (releaseUnneeded). An order whose move is done needs no Dintero call.
 */
async function finishKeptMoves(container: MedusaContainer, scope: Scope, reader: Reader, repaired: Repaired[], findings: Finding[]): Promise<number> {
  let calls = 0
  for (const orderId of await reader.keptMoveOrders(scope)) {
    try {
      const first = await moveLeft(container, orderId)
      const moving = first.kept.length > 0 || first.unfinished
      const finished = await withKeptMoveLock(container, orderId, async () => {
        // Read again under the lock: a late step (or another run) may have moved them meanwhile.
        const left = await moveLeft(container, orderId)
        // A mark still open: the confirm request is running (Medusa may not have opened the new collection yet), and
        // its own step moves them.
        const marks = keptAuthorizationsIn(container)
        for (const tx of left.kept) if (await marks.keptFor(tx)) return null
        if (left.kept.length === 0 && !left.unfinished) {
          if (moving) return null
          // Nothing to move: only an edit that left the order owing nothing may have something to release.
          const decided = await releaseUnneeded(container, orderId)
          calls += decided.length
          return decided.length > 0 ? await finishKeptMove(container, orderId, []) : null
        }
        calls += left.transactions.length
        await withdrawStaleLinks(container, orderId)
        let moved: MovedAuthorization[]
        try {
          moved = await moveKept(container, orderId)
        } catch (e) {
          moved = left.transactions.map((transactionId) => ({ transaction_id: transactionId, problem: messageOf(e) }))
        }
        return await finishKeptMove(container, orderId, moved)
      })
      if (!finished) continue
      for (const m of finished.moved) {
        if (m.reused || m.difference) repaired.push({ what: "moved", order_id: orderId, ref: `${m.transaction_id} ${m.payment_collection_id}` })
        if (m.problem) findings.push({ what: "kept_not_moved", ref: m.transaction_id, detail: `order ${orderId}: ${m.problem}` })
      }
      for (const { release, outcome, error } of finished.releases) {
        calls++
        if (error) findings.push({ what: "release_failed", ref: release.transactionId, detail: `order ${release.orderId}: ${error}` })
        else if (outcome?.kind === "void" || outcome?.kind === "voided_already") repaired.push({ what: "voided", order_id: release.orderId, ref: release.transactionId })
        else findings.push({ what: "release_not_voided", ref: release.transactionId, detail: `order ${release.orderId}: ${outcome?.kind}` })
      }
      // A release enqueued its Orders record: sent now (the pass never rejects; what fails waits for the retry job).
      if (finished.releases.length > 0) await processOrderOutbox(container, orderId)
    } catch (e) {
      findings.push({ what: "move_failed", ref: orderId, detail: messageOf(e) })
    }
  }
  return calls
}

/**
 * A cancelled order whose Dintero payment is still authorized, never captured and not cancelled: Medusa's cancel
 * cancels the payments it finds, so this is one authorized at the moment of the cancel (a hold ending as the merchant
 * cancels) or an order cancelled without Medusa's workflow. Cancelled through Medusa's payment module now (the provider
 * voids it at Dintero), so Medusa and Dintero both show it released.
 */
async function voidOnCancelledOrders(container: MedusaContainer, scope: Scope, reader: Reader, repaired: Repaired[], findings: Finding[]): Promise<number> {
  let calls = 0
  const payments = container.resolve(Modules.PAYMENT)
  for (const { order_id: orderId } of await reader.cancellations(scope)) {
    const held = paymentsOf(await loadOrderPaymentsByLink(container, orderId)).filter(
      (p) => isDinteroPayment(p) && !p.canceled_at && !p.captured_at && !(p.captures ?? []).length
    )
    for (const payment of held) {
      calls++
      try {
        await payments.cancelPayment(payment.id)
        repaired.push({ what: "voided", order_id: orderId, ref: transactionIdOf(payment) ?? payment.id })
      } catch (e) {
        const ref = transactionIdOf(payment) ?? payment.id
        // Refused because Dintero holds it captured (a capture Medusa has not recorded): no void can help, and a run
        // that retried it would stay incomplete; the merchant refunds it (the detail says so).
        if (e instanceof MedusaError && e.type === MedusaError.Types.NOT_ALLOWED) {
          findings.push({ what: "cancelled_order_payment_captured", ref, detail: `order ${orderId} is cancelled but Dintero holds its payment ${payment.id} captured: ${messageOf(e)}` })
        } else {
          findings.push({ what: "void_failed", ref, detail: `order ${orderId} is cancelled but its payment ${payment.id} is still authorized: ${messageOf(e)}` })
        }
      }
    }
  }
  return calls
}

/**
 * Kept authorizations an edited order no longer needs whose void the order edit's step decided but did not carry out
 * (its process died, Dintero failed): voided now, with the reason on the order (lib/release-kept-authorization.ts).
 * Pending ones are looked at whatever the window: a decision is never lost by a run that missed it.
 */
async function carryOutReleases(container: MedusaContainer, scope: Scope, repaired: Repaired[], findings: Finding[]): Promise<number> {
  const results = await carryOutPendingReleases(container, "order_id" in scope ? scope.order_id : undefined)
  for (const { release, outcome, error } of results) {
    if (error) findings.push({ what: "release_failed", ref: release.transactionId, detail: `order ${release.orderId}: ${error}` })
    else if (outcome?.kind === "void" || outcome?.kind === "voided_already") repaired.push({ what: "voided", order_id: release.orderId, ref: release.transactionId })
    else findings.push({ what: "release_not_voided", ref: release.transactionId, detail: `order ${release.orderId}: ${outcome?.kind}` })
  }
  return results.length
}

/**
 * How far Dintero's clock may be behind ours: a transaction's `created_at` is Dintero's, the window's bounds are this
 * process's.
 */
const CLOCK_SKEW_MS = 5 * 60_000

function groupByReference(transactions: Transaction[]): Map<string, Transaction[]> {
  const out = new Map<string, Transaction[]>()
  for (const tx of transactions) {
    const ref = tx.merchant_reference
    if (!ref) continue
    const list = out.get(ref) ?? []
    list.push(tx)
    out.set(ref, list)
  }
  return out
}

/** Dintero transactions Medusa did not hear about: settle owned sessions, void or report the unowned ones. */
async function repairPayments(
  container: MedusaContainer,
  scope: Scope,
  reader: Reader,
  repaired: Repaired[],
  findings: Finding[],
  now: Date
): Promise<number> {
  const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  const carts = await reader.cartsToCheck(scope)
  if (!carts.length) return 0
  const client = svc.getDinteroClient()
  let calls = 0
  // A store-wide run reads Dintero's transactions created since the oldest session it checks, in pages of 100: its
  // requests follow the transactions of the last day, not the number of carts with a session still open (abandoned
  // ones included). A run for one order reads that order's carts one by one.
  let byReference: Map<string, Transaction[]> | undefined
  if ("window" in scope) {
    const since = new Date(scope.window.from.getTime() - scope.lookbacks.sessionMs - CLOCK_SKEW_MS)
    const listed = await client.checkout.listTransactionsCreatedSince(since)
    calls += listed.requests
    byReference = groupByReference(listed.transactions)
  }
  for (const cart of carts) {
    let transactions: Transaction[]
    if (byReference) {
      transactions = byReference.get(cart.cart_id) ?? []
      if (!transactions.length) continue
    } else {
      calls++
      transactions = await client.checkout.listTransactions({ merchant_reference: cart.cart_id, limit: 100 })
    }
    // Rows read counts the transactions of the carts looked at (the others of the day's list are skipped unread).
    reader.rows += transactions.length
    let orderId = await reader.orderOfReference(cart.cart_id)
    for (const action of transactionActions(cart.sessions, transactions, { has_order: !!orderId })) {
      if (action.kind !== "orphan") {
        const how = action.kind === "settle_authorized" ? "authorized" : action.kind === "settle_on_hold" ? "on_hold" : "failed"
        try {
          const outcome = await settleDinteroPayment(container, action.transaction, now)
          if (outcome.kind === "never") {
            // Nothing was changed (e.g. not a payment of this store): a finding for the merchant, not a repair.
            findings.push({ what: "not_settled", ref: action.session.id, detail: `${action.transaction.id} ${action.transaction.status}: ${outcome.detail}` })
            continue
          }
          const released = outcome.kind === "done" ? outcome.released : undefined
          if (released) {
            // Money given back (e.g. a paid cart that could not be completed for longer than the bound): the reason is
            // the merchant's to see, in the run's findings as well as on the cart and its payment session.
            repaired.push({ what: released.action === "refunded" ? "refunded" : "voided", ref: released.transaction_id })
            findings.push({ what: "payment_released", ref: released.transaction_id, detail: `cart ${cart.cart_id}: ${released.action}: ${released.reason}` })
            continue
          }
          repaired.push({ what: "settled", ref: `${action.session.id} ${how} (${action.transaction.id})` })
          orderId ??= await reader.orderOfReference(cart.cart_id)
        } catch (e) {
          findings.push({ what: "settle_failed", ref: action.session.id, detail: `${action.transaction.id} ${action.transaction.status}: ${messageOf(e)}` })
        }
        continue
      }
      const tx = action.transaction
      // Owned by no live session, yet the order's payment: its session row was deleted after the order was placed
      // (Medusa deletes a collection's sessions when another is created for it). Never the orphan it looks like.
      if (orderId && (await orderHoldsTransaction(container, orderId, tx.id))) continue
      if (orderId && tx.status === "AUTHORIZED") {
        // The cart became an order with another payment: this authorization can never be the order's. Release it.
        calls++
        try {
          await client.checkout.voidTransaction(tx.id)
          await svc.recordNotice(orderId, `voided:${tx.id}`, `Dintero transaction ${tx.id} was authorized for this order's cart by a Dintero session no Medusa payment owns; the reconciliation voided it.`)
          repaired.push({ what: "voided", order_id: orderId, ref: tx.id })
        } catch (e) {
          findings.push({ what: "void_failed", ref: tx.id, detail: `${tx.id} AUTHORIZED for the cart of order ${orderId}: ${messageOf(e)}` })
        }
      } else {
        const detail = orderId
          ? `transaction ${tx.id} is ${tx.status} for the cart of order ${orderId} but is not the order's payment: refund it in Dintero Backoffice`
          : `transaction ${tx.id} is ${tx.status} for cart ${cart.cart_id}, which has no Medusa payment session for it and no order`
        findings.push({ what: "orphan_transaction", ref: tx.id, detail })
        if (orderId) await svc.recordNotice(orderId, `orphan:${tx.id}`, detail)
      }
    }
  }
  return calls
}

/** Whether a payment of the order (any of its collections) was made from this Dintero transaction. */
async function orderHoldsTransaction(container: MedusaContainer, orderId: string, transactionId: string): Promise<boolean> {
  return paymentsOf(await loadOrderPaymentsByLink(container, orderId)).some((p) => p.data?.transaction_id === transactionId)
}
