/**
 * Per-line payment bookkeeping for Orders (pure functions over the order's lines and recorded operations).
 *
 * The Orders API records what happened at the PSP; it moves no money. The rules below are the emulator's
 * (Dintero's exact ones are not public) and are chosen so that every request of Dintero's "update order by
 * reversing" guide succeeds while the obvious mistakes fail. Per line L with gross_amount G, every amount on L
 * must carry G's sign (reversal lines are negative, so are their operations); with |x| read in that direction
 * and A/C/R/X the sums of SUCCESSFUL authorizations/captures/refunds/cancellations on L:
 *   authorization a for payment p:  |A_p + a| <= |G|   (one payment never reserves more than the line is worth;
 *                                                       several payments may stack: the guide's part authorization)
 *   capture c:                      |C + c| <= |A| - |X| and |C + c| <= |G|
 *   refund r:                       |R + r| <= |C|
 *   cancellation x:                 |X + x| <= |A| - |C|   (releases the not yet captured authorization)
 * Failed operations (success:false) are recorded but count for nothing.
 */
import type { FieldError, OperationItem, OperationKind, OrderItem, OrderOperations, PaymentStatus } from "./types"

export interface LineTotals {
  line_id: number
  gross_amount: number
  authorized: number
  captured: number
  refunded: number
  cancelled: number
}

const KIND_FIELD = {
  authorizations: "authorized",
  captures: "captured",
  refunds: "refunded",
  cancellations: "cancelled",
} as const satisfies Record<OperationKind, keyof LineTotals>

export function emptyOperations(): OrderOperations {
  return { authorizations: [], captures: [], refunds: [], cancellations: [] }
}

/** Signed sums of successful operations per line, in the order's line order. */
export function lineTotals(items: OrderItem[], ops: OrderOperations): LineTotals[] {
  const rows = new Map<number, LineTotals>()
  for (const item of items)
    rows.set(item.line_id, { line_id: item.line_id, gross_amount: item.gross_amount, authorized: 0, captured: 0, refunded: 0, cancelled: 0 })
  for (const kind of Object.keys(KIND_FIELD) as OperationKind[]) {
    for (const op of ops[kind]) {
      if (!op.success) continue
      for (const { line_id, amount } of op.items) {
        const row = rows.get(line_id)
        if (row) row[KIND_FIELD[kind]] += amount
      }
    }
  }
  return [...rows.values()]
}

/** Sum of successful authorizations on one line by one payment_id (payments without id share the "" bucket). */
function authorizedByPayment(ops: OrderOperations, lineId: number, paymentId: string): number {
  let sum = 0
  for (const op of ops.authorizations) {
    if (!op.success || (op.payment_details.payment_id ?? "") !== paymentId) continue
    for (const it of op.items) if (it.line_id === lineId) sum += it.amount
  }
  return sum
}

/** Authorization not yet captured nor cancelled, signed like the line (what an item-less cancellation releases). */
export function remainingAuthorization(t: LineTotals): number {
  return t.authorized - t.captured - t.cancelled
}

export interface OperationRequest {
  items: OperationItem[]
  success: boolean
  payment_id?: string
}

/**
 * Problems with recording `req` as a `kind` operation on an order with these lines and operations.
 * Existence and sign rules apply to every request; the amount ceilings only to successful ones.
 */
export function checkOperation(kind: OperationKind, items: OrderItem[], ops: OrderOperations, req: OperationRequest): FieldError[] {
  const errors: FieldError[] = []
  const totals = new Map(lineTotals(items, ops).map((t) => [t.line_id, t]))
  req.items.forEach(({ line_id, amount }, i) => {
    const path = `items[${i}]`
    const t = totals.get(line_id)
    if (!t) {
      errors.push({ path: `${path}.line_id`, message: `line_id ${line_id} does not exist on the order` })
      return
    }
    const sign = Math.sign(t.gross_amount)
    if (sign === 0) {
      errors.push({ path: `${path}.amount`, message: `line_id ${line_id} has gross_amount 0 and cannot carry ${kind}` })
      return
    }
    if (Math.sign(amount) !== sign) {
      errors.push({
        path: `${path}.amount`,
        message: `items[${i}].amount ${amount} must have the sign of line_id ${line_id}'s gross_amount ${t.gross_amount}`,
      })
      return
    }
    if (!req.success) return
    // Magnitudes in the line's direction, so one set of comparisons serves positive and reversal lines.
    const abs = (x: number) => sign * x
    const fail = (message: string) => errors.push({ path: `${path}.amount`, message: `line_id ${line_id}: ${message}` })
    switch (kind) {
      case "authorizations": {
        const pid = req.payment_id ?? ""
        const after = authorizedByPayment(ops, line_id, pid) + amount
        if (abs(after) > abs(t.gross_amount))
          fail(`authorizations for payment_id ${JSON.stringify(pid)} would total ${after}, more than the line's gross_amount ${t.gross_amount}`)
        break
      }
      case "captures": {
        const after = t.captured + amount
        if (abs(after) > abs(t.authorized) - abs(t.cancelled))
          fail(`captures would total ${after}, more than authorized (${t.authorized}) minus cancelled (${t.cancelled})`)
        else if (abs(after) > abs(t.gross_amount))
          fail(`captures would total ${after}, more than the line's gross_amount ${t.gross_amount}`)
        break
      }
      case "refunds": {
        const after = t.refunded + amount
        if (abs(after) > abs(t.captured)) fail(`refunds would total ${after}, more than captured (${t.captured})`)
        break
      }
      case "cancellations": {
        const after = t.cancelled + amount
        if (abs(after) > abs(t.authorized) - abs(t.captured))
          fail(`cancellations would total ${after}, more than authorized (${t.authorized}) minus captured (${t.captured})`)
        break
      }
    }
  })
  return errors
}

/** Order-level money still held: captured minus refunded (signed sum over lines). */
export function capturedNotRefunded(totals: LineTotals[]): number {
  return totals.reduce((sum, t) => sum + t.captured - t.refunded, 0)
}

/**
 * Dintero's documented payment_status values (pending | partially_paid | paid | partially_refunded | refunded),
 * derived from order-level signed sums so reversal lines cancel their originals:
 * no successful capture -> pending; any refund -> refunded when refunds reach the net captured amount,
 * else partially_refunded; otherwise paid when net captures reach the order's gross_amount, else partially_paid.
 * Authorizations alone leave the order pending (an "authorized" value is not documented).
 */
export function paymentStatus(orderGross: number, ops: OrderOperations, totals: LineTotals[]): PaymentStatus {
  if (!ops.captures.some((op) => op.success && op.items.length > 0)) return "pending"
  const captured = totals.reduce((s, t) => s + t.captured, 0)
  const refunded = totals.reduce((s, t) => s + t.refunded, 0)
  if (refunded !== 0) return refunded >= captured ? "refunded" : "partially_refunded"
  return captured >= orderGross ? "paid" : "partially_paid"
}

/** Order amounts: gross = Σ line gross (reversals are negative), net = gross − Σ tax. */
export function orderAmounts(items: OrderItem[]): { gross_amount: number; net_amount: number } {
  let gross = 0
  let tax = 0
  for (const item of items) {
    gross += item.gross_amount
    for (const t of item.tax_lines ?? []) tax += t.amount
  }
  return { gross_amount: gross, net_amount: gross - tax }
}
