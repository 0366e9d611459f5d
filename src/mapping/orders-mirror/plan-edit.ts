/**
 * The payment records of an order edit, as Dintero's "update order by reversing items" guide lays them out:
 *   1. authorizations of the reversal lines (negative), 2. captures of the reversal lines (negative),
 *   3. authorizations of the new lines (+ a "refund remaining" line), 4. their captures.
 * Money already held moves from the reversed lines to the new ones, payment by payment, so each payment's totals
 * stay what the Checkout transaction holds. When the reversed lines held more than the new lines are worth, the
 * rest goes on a refund-remaining line (refunded when Medusa refunds the difference). When they held less, the
 * new lines stay partly unauthorized until the new payment for the difference is recorded (part authorization).
 */
import { toScaledInteger } from "../money"
import type { MirroredLine, OrdersDraftItem, ReversedLine } from "../orders"

export interface EditRecord {
  kind: "authorizations" | "captures"
  /** Step key inside the operation (also the metadata marker suffix). */
  key: string
  payment_id: string
  items: { line_id: number; amount: number }[]
}

export interface EditPlanInput {
  reversed: ReversedLine[]
  added: MirroredLine[]
  /** Payment ids (Dintero transaction ids) in the order their money is used: the original payment first. */
  payments: string[]
  /** What each payment authorized / captured (net of nothing) on a line, from the Orders records. */
  authorized: (paymentId: string, lineId: number) => number
  captured: (paymentId: string, lineId: number) => number
  /** Line id for the refund-remaining line, if one is needed. */
  nextLineId: number
  /** The reversed lines' tax lines, for the refund-remaining line's VAT. */
  reversedTax: { percentage: number }[][]
  currency: string
}

export interface EditPlan {
  records: EditRecord[]
  refundRemaining?: OrdersDraftItem
  /** Part of the new lines no payment holds yet (awaits the new payment). */
  unauthorized: number
}

export const REFUND_REMAINING_ID = "refund-remaining"

export function planEditPayments(input: EditPlanInput): EditPlan {
  const records: EditRecord[] = []
  const push = (kind: EditRecord["kind"], stage: string, paymentId: string, items: Map<number, number>) => {
    const list = [...items].filter(([, amount]) => amount !== 0).map(([line_id, amount]) => ({ line_id, amount }))
    if (list.length > 0) records.push({ kind, key: `${stage}-${kind === "authorizations" ? "auth" : "capture"}-${paymentId}`, payment_id: paymentId, items: list })
  }

  const released = new Map<string, { auth: number; capt: number }>()
  const reversalAuth = new Map<string, Map<number, number>>()
  const reversalCapt = new Map<string, Map<number, number>>()
  for (const p of input.payments) {
    const auth = new Map<number, number>()
    const capt = new Map<number, number>()
    let relAuth = 0
    let relCapt = 0
    for (const r of input.reversed) {
      const a = input.authorized(p, r.reverses_line_id)
      const c = input.captured(p, r.reverses_line_id)
      if (a > 0) auth.set(r.line_id, -a)
      if (c > 0) capt.set(r.line_id, -c)
      relAuth += Math.max(0, a)
      relCapt += Math.max(0, c)
    }
    reversalAuth.set(p, auth)
    reversalCapt.set(p, capt)
    released.set(p, { auth: relAuth, capt: relCapt })
  }

  // Authorizations of the new lines, payment by payment, first lines first.
  const openAuth = new Map(input.added.map((line) => [line.line_id, Math.max(0, line.gross_amount)]))
  const newAuth = new Map<string, Map<number, number>>()
  const excess = new Map<string, number>()
  for (const p of input.payments) {
    const items = new Map<number, number>()
    let left = released.get(p)!.auth
    for (const line of input.added) {
      const part = Math.min(left, openAuth.get(line.line_id) ?? 0)
      if (part <= 0) continue
      items.set(line.line_id, part)
      openAuth.set(line.line_id, openAuth.get(line.line_id)! - part)
      left -= part
    }
    newAuth.set(p, items)
    excess.set(p, left)
  }
  const remainingGross = [...excess.values()].reduce((s, v) => s + v, 0)
  const remainingLineId = remainingGross > 0 ? input.nextLineId : undefined

  // Captures follow the authorizations: new lines first, the rest on the refund-remaining line.
  const newCapt = new Map<string, Map<number, number>>()
  for (const p of input.payments) {
    const items = new Map<number, number>()
    let left = released.get(p)!.capt
    for (const [lineId, authorized] of newAuth.get(p)!) {
      const part = Math.min(left, authorized)
      if (part <= 0) continue
      items.set(lineId, part)
      left -= part
    }
    if (left > 0) items.set(remainingLineId!, left) // left ≤ excess, as captured ≤ authorized per payment
    newCapt.set(p, items)
    if (remainingLineId !== undefined && excess.get(p)! > 0) newAuth.get(p)!.set(remainingLineId, excess.get(p)!)
  }

  for (const p of input.payments) push("authorizations", "reversed", p, reversalAuth.get(p)!)
  for (const p of input.payments) push("captures", "reversed", p, reversalCapt.get(p)!)
  for (const p of input.payments) push("authorizations", "new", p, newAuth.get(p)!)
  for (const p of input.payments) push("captures", "new", p, newCapt.get(p)!)

  const unauthorized = [...openAuth.values()].reduce((s, v) => s + v, 0)
  return {
    records,
    unauthorized,
    ...(remainingLineId !== undefined && {
      refundRemaining: {
        id: REFUND_REMAINING_ID,
        line_id: remainingLineId,
        quantity: 1,
        gross_amount: remainingGross,
        tax_lines: remainingTax(remainingGross, input.reversedTax),
        description: "Refund remaining",
        description_alias: "Refund remaining authorization",
      },
    }),
  }
}


/** VAT of the refund-remaining line: the reversed lines' rate when they share a single one, else none. */
function remainingTax(gross: number, reversedTax: { percentage: number }[][]): { amount: number; percentage: number }[] {
  // Each reversed line's rate when it has exactly one; the remaining line takes a rate only when all agree.
  const rates = reversedTax.map((lines) => (lines.length === 1 ? lines[0]?.percentage : undefined))
  const percentage = rates[0]
  if (percentage === undefined || rates.some((rate) => rate !== percentage)) return []
  const r = toScaledInteger(percentage, 2) // hundredths of a percent
  const d = 10_000n + r
  // tax contained in a gross amount at rate r, rounded half up: gross × r / (100 % + r)
  const tax = (2n * BigInt(gross) * r + d) / (2n * d)
  return [{ amount: Number(tax), percentage }]
}
