/**
 * Which Orders lines a capture / refund / part authorization is recorded on.
 *
 * The Checkout transaction keeps the lines of the cart as paid; the Orders order changes with every edit. So a
 * Checkout capture/refund item is recorded on the SAME Orders line when that line still stands as placed
 * (the "same line allocation the Checkout transaction received"); amounts on lines an edit has since reversed
 * are pooled and placed on the lines the edits created (refund-remaining lines first for refunds, as Dintero's
 * order-edit guide recommends), then on any other line with room. Totals always equal the Checkout amount.
 */
import type { LedgerLine } from "./state"

export interface EventItem {
  line_id: string
  amount: number
}

export interface OrdersItem {
  line_id: number
  amount: number
}

export class AllocationError extends Error {}

export function allocateToOrders(input: {
  kind: "capture" | "refund"
  amount: number
  /** Items of the matching Checkout event; undefined when no event could be matched (then all is pooled). */
  eventItems?: EventItem[]
  checkoutLines: Record<string, string>
  /** Live lines (not reversed, not reversals), in line order. */
  lines: LedgerLine[]
  /** What this payment can still capture / refund on a line. */
  room: (lineId: number) => number
}): OrdersItem[] {
  const { lines, room } = input
  const left = new Map(lines.map((line) => [line.line_id, Math.max(0, room(line.line_id))]))
  const placed = new Map<number, number>()
  const put = (lineId: number, amount: number) => {
    placed.set(lineId, (placed.get(lineId) ?? 0) + amount)
    left.set(lineId, (left.get(lineId) ?? 0) - amount)
  }

  let pooled = 0
  if (input.eventItems) {
    // The placed (not edit-created) item line of each Medusa id: one lookup per event item, linear in the lines.
    const placedLine = new Map<string, LedgerLine>()
    for (const l of lines) if (l.role === "item" && !l.from_edit && !placedLine.has(l.medusa_id)) placedLine.set(l.medusa_id, l)
    const eventTotal = input.eventItems.reduce((s, i) => s + i.amount, 0)
    pooled += input.amount - eventTotal // amount-only parts (should be 0)
    for (const item of input.eventItems) {
      const medusaId = input.checkoutLines[item.line_id]
      const line = medusaId ? placedLine.get(medusaId) : undefined
      if (line && item.amount > 0 && (left.get(line.line_id) ?? 0) >= item.amount) put(line.line_id, item.amount)
      // A negative line of the session (a rounding down, a gift card) is recorded on itself; it has no room to fill.
      else if (line && item.amount < 0 && line.gross_amount < 0) placed.set(line.line_id, (placed.get(line.line_id) ?? 0) + item.amount)
      else pooled += item.amount
    }
  } else {
    pooled = input.amount
  }
  if (pooled < 0) throw new AllocationError(`the Checkout event's items exceed its amount by ${-pooled}`)

  const byPriority = [...lines].sort((a, b) => priority(input.kind, a) - priority(input.kind, b) || a.line_id - b.line_id)
  for (const line of byPriority) {
    if (pooled === 0) break
    const part = Math.min(pooled, left.get(line.line_id) ?? 0)
    if (part <= 0) continue
    put(line.line_id, part)
    pooled -= part
  }
  if (pooled > 0) {
    throw new AllocationError(
      `${pooled} (minor units) of this ${input.kind} has no Orders line left to be recorded on`
    )
  }
  return lines
    .filter((line) => (placed.get(line.line_id) ?? 0) !== 0)
    .map((line) => ({ line_id: line.line_id, amount: placed.get(line.line_id)! }))
}

/**
 * Pooled amounts go to edit-created lines first, then to the rest. The refund-remaining line holds money the
 * order no longer needs: refunds take it first, captures last (a capture after an edit pays the kept lines and
 * shipping, and what is left on the refund-remaining line is released, not captured).
 */
function priority(kind: "capture" | "refund", line: LedgerLine): number {
  if (line.role === "refund_remaining") return kind === "refund" ? 0 : 4
  if (line.from_edit) return 1
  return 3
}

/**
 * A further payment (the part authorization of an edit that raised the total): placed on the lines that are not
 * yet fully authorized, first lines first. Returns what fits; the caller reports any rest.
 */
export function allocateAuthorization(
  lines: LedgerLine[],
  authorizedByLine: (lineId: number) => number,
  amount: number
): { items: OrdersItem[]; unplaced: number } {
  const items: OrdersItem[] = []
  let left = amount
  for (const line of lines) {
    if (left <= 0) break
    const open = line.gross_amount - authorizedByLine(line.line_id)
    if (line.gross_amount <= 0 || open <= 0) continue
    const part = Math.min(open, left)
    items.push({ line_id: line.line_id, amount: part })
    left -= part
  }
  return { items, unplaced: left }
}
