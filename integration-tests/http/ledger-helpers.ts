/**
 * The three ledgers of issue 9, read independently and compared exactly: Medusa's payments (captures, refunds), the
 * Checkout transactions at Dintero (successful CAPTURE/REFUND events) and the Orders API order's records (captures,
 * refunds, authorizations, cancellations), per Dintero transaction, in integer minor units. Also the store-wide
 * invariant: money Dintero holds belongs to exactly one Medusa order, or was released.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import type { AdminApi } from "../../scripts/lib/store-api"
import type { Emulator } from "../../emulator"
import dinteroOrdersRetry from "../../src/jobs/dintero-orders-retry"
import { DINTERO_ORDERS_MODULE } from "../../src/modules/dintero-orders"
import type DinteroOrdersService from "../../src/modules/dintero-orders/service"
import { sumToMinorUnits } from "../../src/mapping/money"
import { dinteroOrder, exactOf, waitForMirror } from "./orders-mirror-helpers"

export interface Money {
  captured: number
  refunded: number
}

const FINISHED = new Set(["done", "skipped"])
/** Statuses in which Dintero still holds the shopper's money (authorized or captured and not all refunded). */
const HOLDING = new Set(["AUTHORIZED", "ON_HOLD", "CAPTURED", "PARTIALLY_CAPTURED", "PARTIALLY_REFUNDED", "PARTIALLY_CAPTURED_REFUNDED"])
/** Statuses from which more can be captured (unless a final capture released the rest). */
const CAPTURABLE = new Set(["AUTHORIZED", "PARTIALLY_CAPTURED"])

const add = (m: Record<string, Money>, key: string, field: keyof Money, amount: number) => {
  m[key] ??= { captured: 0, refunded: 0 }
  m[key][field] += amount
}

/** Medusa's captures and refunds of the order, per Dintero transaction (every payment collection, cancelled ones too). */
export async function medusaLedger(admin: AdminApi, orderId: string): Promise<Record<string, Money>> {
  const order = await admin.getOrder(orderId)
  // Each payment's captures and its refunds rounded once (as the provider moves them: runningTotalParts).
  const total = (rows: any[] | undefined) => sumToMinorUnits((rows ?? []).map(exactOf), order.currency_code)
  const byTx: Record<string, Money> = {}
  for (const pc of order.payment_collections ?? []) {
    for (const p of pc.payments ?? []) {
      const tx = p.data?.transaction_id as string | undefined
      if (!tx) throw new Error(`payment ${p.id} of order ${orderId} names no Dintero transaction: ${JSON.stringify(p.data)}`)
      byTx[tx] ??= { captured: 0, refunded: 0 }
      add(byTx, tx, "captured", total(p.captures))
      add(byTx, tx, "refunded", total(p.refunds))
    }
  }
  return byTx
}

/** What Dintero's Checkout transactions moved: successful CAPTURE and REFUND events. */
export function checkoutLedger(emulator: Emulator, txIds: string[]): Record<string, Money> {
  const byTx: Record<string, Money> = {}
  for (const id of txIds) {
    byTx[id] = { captured: 0, refunded: 0 }
    const tx = (emulator.state.transactions as any[]).find((t) => t.id === id)
    if (!tx) throw new Error(`the emulator holds no transaction ${id}`)
    for (const e of tx.events ?? []) {
      if (!e.success) continue
      if (e.event === "CAPTURE") add(byTx, id, "captured", e.amount)
      if (e.event === "REFUND") add(byTx, id, "refunded", e.amount)
    }
  }
  return byTx
}

/** The Orders API order's successful capture and refund records, per payment_id (= the Checkout transaction). */
export function ordersLedger(order: any, txIds: string[]): Record<string, Money> {
  const byTx: Record<string, Money> = Object.fromEntries(txIds.map((id) => [id, { captured: 0, refunded: 0 }]))
  for (const [kind, field] of [["captures", "captured"], ["refunds", "refunded"]] as const) {
    for (const op of order?.operations?.[kind] ?? []) {
      if (!op.success) continue
      const key = op.payment_details?.payment_id ?? "(no payment_id)"
      add(byTx, key, field, op.items.reduce((s: number, i: any) => s + i.amount, 0))
    }
  }
  return byTx
}

/**
 * What is still authorized and not captured, per transaction the Orders order has records of. Checkout: the amount
 * less the captures while more can be captured (AUTHORIZED, PARTIALLY_CAPTURED), 0 once a capture closed the
 * authorization (full or final_capture), a void released it, or it was refunded (also after a part capture:
 * PARTIALLY_CAPTURED_REFUNDED takes no further capture, and the mirror cancels its rest; docs/orders-mirror.md,
 * "Capture after a part refund"). Orders: authorizations − captures − cancellations of that payment_id. Not compared:
 *  - a further payment (the difference after an edit) before its first capture or refund: it gets its first Orders
 *    record then (src/workflows/steps/resolve-operations.ts); its money is compared anyway.
 */
const refundedAll = (tx: any) => {
  const sum = (name: string) => tx.events.filter((e: any) => e.success && e.event === name).reduce((s: number, e: any) => s + e.amount, 0)
  return sum("REFUND") >= sum("CAPTURE")
}

export function openAuthorizations(emulator: Emulator, order: any, txIds: string[]) {
  const checkout: Record<string, number> = {}
  const orders: Record<string, number> = {}
  const recorded = new Set<string>()
  for (const kind of ["authorizations", "captures", "refunds", "cancellations"]) {
    for (const op of order?.operations?.[kind] ?? []) if (op.success) recorded.add(op.payment_details?.payment_id ?? "(no payment_id)")
  }
  for (const id of txIds.filter((t) => recorded.has(t))) {
    const tx = (emulator.state.transactions as any[]).find((t) => t.id === id)
    // A part capture refunded in full: the mirror leaves its rest to the order's cancellation when cancelling it
    // would close the Orders order (docs/orders-mirror.md, "Capture after a part refund").
    if (tx.status === "PARTIALLY_CAPTURED_REFUNDED" && refundedAll(tx)) continue
    const captured = tx.events.filter((e: any) => e.success && e.event === "CAPTURE").reduce((s: number, e: any) => s + e.amount, 0)
    const released = tx.events.some((e: any) => e.success && (e.event === "VOID" || (e.event === "CAPTURE" && e.transaction_status === "CAPTURED")))
    checkout[id] = CAPTURABLE.has(tx.status) && !released ? tx.amount - captured : 0
    orders[id] = 0
  }
  const compared = new Set(Object.keys(checkout))
  for (const [kind, sign] of [["authorizations", 1], ["captures", -1], ["cancellations", -1]] as const) {
    for (const op of order?.operations?.[kind] ?? []) {
      if (!op.success) continue
      const key = op.payment_details?.payment_id ?? "(no payment_id)"
      if (!compared.has(key) && txIds.includes(key)) continue
      orders[key] = (orders[key] ?? 0) + sign * op.items.reduce((s: number, i: any) => s + i.amount, 0)
    }
  }
  return { checkout, orders }
}

/** The three ledgers of one order, per transaction; `orders` is empty when the order has no Orders API order. */
export async function threeLedgers(admin: AdminApi, emulator: Emulator, orderId: string, dinteroOrderId: string | null) {
  const medusa = await medusaLedger(admin, orderId)
  const txIds = Object.keys(medusa).sort()
  const order = dinteroOrderId ? dinteroOrder(emulator, dinteroOrderId) : undefined
  return { txIds, medusa, checkout: checkoutLedger(emulator, txIds), orders: ordersLedger(order, txIds), order }
}

/**
 * Waits until the order's outbox is quiet (nothing processing, the first unfinished operation tried at least once)
 * and `ready` holds; while operations wait for their backoff, moves the clock past it (their next_attempt_at to now)
 * and runs the scheduled retry job's own function, as the worker would a minute later. Returns the mirror when every
 * operation is done/skipped, or as soon as one needs action or failed (the caller asserts on it).
 */
export async function settleByJob(container: MedusaContainer, admin: AdminApi, orderId: string, ready: (m: any) => boolean) {
  const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  const open = (m: any) => m.operations.filter((o: any) => o.kind !== "notice" && !FINISHED.has(o.status))
  const quiet = (m: any) => m.operations.every((o: any) => o.status !== "processing") && (open(m)[0]?.attempts ?? 1) > 0
  let last: any
  for (let round = 0; round < 8; round++) {
    last = await waitForMirror(admin, orderId, (m) => ready(m) && quiet(m), 30_000)
    const unfinished = open(last)
    if (unfinished.length === 0 || unfinished.some((o: any) => o.status === "needs_action" || o.status === "failed")) return last
    const due = await svc.listDinteroOrderOperations({ order_id: orderId, status: ["pending"] })
    await svc.updateDinteroOrderOperations(due.map((o) => ({ id: o.id, next_attempt_at: null })))
    await dinteroOrdersRetry(container)
  }
  throw new Error(`the outbox of ${orderId} did not settle through the retry job: ${JSON.stringify(open(last).map((o: any) => [o.identity, o.status, o.attempts, o.last_error]))}`)
}

/**
 * The invariant over every transaction the emulator holds: one that holds money (or is ON_HOLD) belongs to exactly
 * one Medusa order — a live (not cancelled) payment naming it, or for ON_HOLD the order's pending payment session —
 * unless it was released (voided, refunded). A payment Medusa cancelled does not hold money for its order: an
 * authorization kept across an order edit counts through the payment that reuses it, and one the edited order no
 * longer needs is voided (issue 9; it once stayed held, named only by its cancelled payments). Returns the
 * offenders (empty when the invariant holds).
 */
export async function orphans(container: MedusaContainer, emulator: Emulator) {
  const query = container.resolve("query")
  const { data: orders } = await query.graph({
    entity: "order",
    fields: ["id", "payment_collections.payments.data", "payment_collections.payments.canceled_at", "payment_collections.payment_sessions.data"],
  })
  const offenders: { tx: string; status: string; orders: number }[] = []
  for (const tx of emulator.state.transactions as any[]) {
    if (!HOLDING.has(tx.status)) continue
    const holding = orders.filter((o: any) =>
      (o.payment_collections ?? []).some(
        (pc: any) =>
          (pc.payments ?? []).some((p: any) => !p.canceled_at && p.data?.transaction_id === tx.id) ||
          (tx.status === "ON_HOLD" && (pc.payment_sessions ?? []).some((s: any) => s.data?.dintero_session_id === tx.session_id))
      )
    )
    if (holding.length !== 1) offenders.push({ tx: tx.id, status: tx.status, orders: holding.length })
  }
  return offenders
}

/**
 * Line by line where lines are comparable: each Checkout line of `txId` whose Orders line still stands as placed
 * (not from an edit, not reversed), captured − refunded on both sides. Returns [checkout line, checkout, orders].
 */
export function lineByLine(emulator: Emulator, mirror: any, order: any, txId: string): [string, number, number][] {
  const checkout: Record<string, number> = {}
  const tx = (emulator.state.transactions as any[]).find((t) => t.id === txId)
  for (const e of tx.events ?? []) {
    const sign = !e.success ? 0 : e.event === "CAPTURE" ? 1 : e.event === "REFUND" ? -1 : 0
    for (const it of sign ? (e.items ?? []) : []) checkout[String(it.line_id)] = (checkout[String(it.line_id)] ?? 0) + sign * it.amount
  }
  const orders = new Map<number, number>((order?.line_totals ?? []).map((t: any) => [t.line_id, t.captured - t.refunded]))
  const rows: [string, number, number][] = []
  for (const [checkoutLine, medusaId] of Object.entries(mirror.dintero_order_mirror.checkout_lines as Record<string, string>)) {
    const line = mirror.dintero_order_mirror.lines.find((x: any) => x.role === "item" && !x.from_edit && x.medusa_id === medusaId)
    if (!line || line.reversed_by != null) continue
    rows.push([checkoutLine, checkout[checkoutLine] ?? 0, orders.get(line.line_id) ?? 0])
  }
  return rows
}
