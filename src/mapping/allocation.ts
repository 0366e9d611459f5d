/**
 * Which lines a capture or refund covers.
 *
 * Medusa only tells us an amount; Dintero (and the Orders API, and some acquirers such as Collector and
 * Instabank) want the items. The split must be deterministic — a retry after a timeout has to send the same
 * lines — and must never take more from a line than is left on it.
 *
 * Rules:
 * - The full remaining amount takes every line with something left, in full (negative lines such as gift
 *   cards included).
 * - A partial amount takes only lines with a positive remainder, first lines first, the last one partially.
 *   Negative lines wait for the final operation: taking them early would make a small capture touch more
 *   lines than it pays for. This always works, because a partial amount is below Σ remaining ≤ Σ positive.
 * - `quantity` is given when a line is taken in full, or when the part taken is a whole number of units
 *   (line amount ÷ quantity divides both exactly); otherwise it is left out rather than invented.
 * - Lines with nothing left (including zero-amount lines such as free shipping) are never sent.
 */
import { assertMinor, sumMinor } from "./money"

export interface AllocatableLine {
  line_id: string
  /** Line total, minor units (negative for gift cards / credit). */
  amount: number
  quantity?: number
}

export interface AllocatedLine {
  line_id: string
  amount: number
  quantity?: number
}

/** Split a capture of `amount` over what is still uncaptured on each line. */
export function allocateCapture(
  lines: AllocatableLine[],
  capturedByLine: Record<string, number>,
  amount: number
): AllocatedLine[] {
  return allocate(withRemaining(lines, (line) => line.amount - (capturedByLine[line.line_id] ?? 0)), amount, "capture")
}

/** Split a refund of `amount` over what is captured and not yet refunded on each line. */
export function allocateRefund(
  lines: AllocatableLine[],
  capturedByLine: Record<string, number>,
  refundedByLine: Record<string, number>,
  amount: number
): AllocatedLine[] {
  const rows = withRemaining(lines, (line) => (capturedByLine[line.line_id] ?? 0) - (refundedByLine[line.line_id] ?? 0))
  return allocate(rows, amount, "refund")
}

/** Each line with what is left on it, checked: line ids unique, amounts whole minor units. */
interface LineWithRemaining {
  line: AllocatableLine
  remaining: number
}

function withRemaining(lines: AllocatableLine[], remainingOf: (line: AllocatableLine) => number): LineWithRemaining[] {
  const seen = new Set<string>()
  return lines.map((line) => {
    if (seen.has(line.line_id)) throw new Error(`Duplicate line_id "${line.line_id}" in the transaction's items`)
    seen.add(line.line_id)
    assertMinor(line.amount, `amount of line "${line.line_id}"`)
    const remaining = remainingOf(line)
    assertMinor(remaining, `remaining amount of line "${line.line_id}"`)
    return { line, remaining }
  })
}

/**
 * More asked for than the lines have left, as the caller's view of them says: the view may be stale (the transaction
 * moved since it was kept), so the caller can read the transaction and split again.
 */
export class NotEnoughLeft extends Error {
  override readonly name = "NotEnoughLeft"
}

function allocate(
  rows: LineWithRemaining[],
  amount: number,
  operation: "capture" | "refund"
): AllocatedLine[] {
  assertMinor(amount, `${operation} amount`)
  if (amount <= 0) throw new Error(`Cannot ${operation} ${amount}: the amount must be positive`)
  const totalRemaining = sumMinor(rows.map((row) => row.remaining))
  if (amount > totalRemaining) {
    throw new NotEnoughLeft(`Cannot ${operation} ${amount}: only ${totalRemaining} (minor units) is left to ${operation} on the lines`)
  }

  const result: AllocatedLine[] = []
  const take = (line: AllocatableLine, part: number) => {
    const quantity = quantityFor(line, part)
    result.push(quantity === undefined ? { line_id: line.line_id, amount: part } : { line_id: line.line_id, amount: part, quantity })
  }

  if (amount === totalRemaining) {
    for (const { line, remaining } of rows) if (remaining !== 0) take(line, remaining)
    return result
  }

  let left = amount
  for (const { line, remaining } of rows) {
    if (left <= 0) break
    if (remaining <= 0) continue
    const part = Math.min(left, remaining)
    take(line, part)
    left -= part
  }
  if (left !== 0) {
    // Unreachable while amount ≤ Σ remaining ≤ Σ positive remaining; kept as a guard against future edits.
    throw new Error(`Cannot ${operation} ${amount}: ${left} could not be placed on any line`)
  }
  return result
}

function quantityFor(line: AllocatableLine, part: number): number | undefined {
  const { quantity } = line
  if (quantity === undefined || !Number.isFinite(quantity) || quantity <= 0) return undefined
  if (part === line.amount) return quantity
  if (!Number.isInteger(quantity) || line.amount % quantity !== 0) return undefined
  const unit = line.amount / quantity
  if (unit === 0 || part % unit !== 0) return undefined
  const units = part / unit
  return units > 0 ? units : undefined
}
