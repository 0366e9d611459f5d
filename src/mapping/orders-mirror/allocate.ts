/**
 * Which Orders lines a capture / refund / part authorization is recorded on.
 *
 * The Checkout transaction keeps the lines of the cart as paid; the Orders order changes with every edit. So a
 * Checkout capture/refund item is recorded on the SAME Orders line when that line still stands as placed
 * (the "same line allocation the Checkout transaction received"). Amounts on lines an edit has since reversed, and
 * amounts tied to no line, are pooled and placed on live lines only (a reversed line is never captured or refunded
 * again):
 * - captures: lines the edits created, then the others, the refund-remaining line last (it holds money the order
 *   no longer needs: what is left on it is released, not captured);
 * - refunds follow the captured money through the edits: the refund-remaining line first (money the edit made
 *   unneeded; Dintero's order-edit guide), then the line that replaced the refunded one (the same Medusa item after
 *   the edit: a refund of a chair lands on the chair, not on another item an edit added), then the other lines edits
 *   created (the reversed line's money moved there), the lines as placed last (they keep Checkout's own allocation
 *   line for line).
 * Totals always equal the Checkout amount; a line never takes more than its room (what this payment can still
 * capture / refund on it).
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

  // What could not be recorded on its own line, with the Medusa line it was paid for (when known).
  const pools: { amount: number; source?: string }[] = []
  if (input.eventItems) {
    // The placed (not edit-created) item line of each Medusa id: one lookup per event item, linear in the lines.
    const placedLine = new Map<string, LedgerLine>()
    for (const l of lines) if (l.role === "item" && !l.from_edit && !placedLine.has(l.medusa_id)) placedLine.set(l.medusa_id, l)
    const eventTotal = input.eventItems.reduce((s, i) => s + i.amount, 0)
    pools.push({ amount: input.amount - eventTotal }) // amount-only parts (should be 0)
    for (const item of input.eventItems) {
      const medusaId = input.checkoutLines[item.line_id]
      const line = medusaId ? placedLine.get(medusaId) : undefined
      if (line && item.amount > 0 && (left.get(line.line_id) ?? 0) >= item.amount) put(line.line_id, item.amount)
      // A negative line of the session (a rounding down, a gift card) is recorded on itself; it has no room to fill.
      else if (line && item.amount < 0 && line.gross_amount < 0) placed.set(line.line_id, (placed.get(line.line_id) ?? 0) + item.amount)
      else pools.push({ amount: item.amount, source: medusaId })
    }
  } else {
    pools.push({ amount: input.amount })
  }
  let pooled = pools.reduce((s, p) => s + p.amount, 0)
  if (pooled < 0) throw new AllocationError(`the Checkout event's items exceed its amount by ${-pooled}`)

  // Negative parts (a credit line that stands no more) lower what the positive parts place, last sources first.
  let negative = -pools.filter((p) => p.amount < 0).reduce((s, p) => s + p.amount, 0)
  const positive = pools.filter((p) => p.amount > 0)
  for (const pool of [...positive].reverse()) {
    if (negative <= 0) break
    const cut = Math.min(negative, pool.amount)
    pool.amount -= cut
    negative -= cut
  }
  for (const pool of positive) {
    let rest = pool.amount
    for (const line of pooledOrder(input.kind, lines, pool.source)) {
      if (rest === 0) break
      const part = Math.min(rest, left.get(line.line_id) ?? 0)
      if (part <= 0) continue
      put(line.line_id, part)
      rest -= part
      pooled -= part
    }
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

/** Pure: the order in which live lines take a pooled amount paid for Medusa line `source` (see the file comment). */
function pooledOrder(kind: "capture" | "refund", lines: LedgerLine[], source: string | undefined): LedgerLine[] {
  const rank = (line: LedgerLine): number => {
    if (kind === "capture") {
      if (line.role === "refund_remaining") return 4
      return line.from_edit ? 1 : 3
    }
    if (line.role === "refund_remaining") return 0
    if (source !== undefined && line.from_edit && line.medusa_id === source) return 1
    return line.from_edit ? 2 : 3
  }
  return [...lines].sort((a, b) => rank(a) - rank(b) || a.line_id - b.line_id)
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
