/**
 * The Checkout session's negative lines (a rounding down, a gift card / store credit) carried as reductions of the
 * Orders lines (docs/orders-mirror.md, "Negative session lines"). Pure, integer minor units.
 *
 * Dintero's Orders API shows negative amounts only on reversal lines, so what those lines take off is taken off the
 * Medusa lines instead, in two passes over the lines, LAST lines first, in the Checkout transaction's order of the
 * lines (Checkout's partial captures take first lines first and its negative lines go with the final capture,
 * src/mapping/allocation.ts; inCheckoutOrder in checkout-lines.ts):
 * 1. each line down to its tax: the line keeps its VAT, so the Orders order's VAT stays the Checkout transaction's
 *    (the credit is VAT-free as the session states it);
 * 2. only when that is not enough (a gift card larger than what the lines are worth without VAT): each line further,
 *    down to 0, its VAT then recomputed from the line's own rates for what is left of it. An Orders line's tax may not
 *    exceed its gross, and VAT at the line's rate is what that part of the line contains.
 * So every Checkout transaction that is worth at least 0 has an Orders order worth the same, to the øre.
 */
import { apportion, toScaledInteger } from "../money"
import type { MirroredLine, OrdersTaxLine } from "../orders"

export type ReducibleLine = Omit<MirroredLine, "line_id">

/** A line's tax (Σ of its tax lines), never below 0. */
function taxOf(line: Pick<ReducibleLine, "tax_lines">): number {
  return Math.max(0, line.tax_lines.reduce((sum, t) => sum + t.amount, 0))
}

/**
 * `line` (at its Medusa total, without a reduction) carrying `reduction` (0 ≤ reduction ≤ its gross): its gross less
 * the reduction; its tax lines as they are while the rest is at least the tax, else recomputed for the rest.
 * Deterministic, so an edit recognises a line that stays as recorded.
 */
export function reduced<L extends ReducibleLine>(line: L, reduction: number): L {
  const { checkout_reduction: _dropped, ...base } = line
  if (!Number.isSafeInteger(reduction) || reduction < 0 || reduction > line.gross_amount) {
    throw new Error(`A line of ${line.gross_amount} (minor units) cannot carry a reduction of ${reduction}`)
  }
  if (reduction === 0) return base as L
  const gross = line.gross_amount - reduction
  const tax_lines = gross >= taxOf(line) ? line.tax_lines : taxAtRates(line.tax_lines, gross)
  return { ...base, gross_amount: gross, tax_lines, checkout_reduction: reduction } as L
}

/**
 * The tax contained in `gross` (tax included) at the tax lines' rates: Σrates / (100 + Σrates) of it, rounded half up,
 * split over the tax lines in proportion to their rates (largest remainder). Never more than `gross`.
 */
export function taxAtRates(taxLines: OrdersTaxLine[], gross: number): OrdersTaxLine[] {
  const rated = taxLines.map((t) => {
    const rate = toScaledInteger(t.percentage, 2) // hundredths of a percent
    if (rate < 0n) throw new Error(`A tax line's percentage is negative: ${t.percentage}`)
    return { t, rate }
  })
  const sum = rated.reduce((a, { rate }) => a + rate, 0n)
  if (sum === 0n) return taxLines.map((t) => ({ ...t, amount: 0 }))
  const numerator = BigInt(gross) * sum
  const denominator = 10000n + sum
  let total = numerator / denominator
  if ((numerator % denominator) * 2n >= denominator) total += 1n
  return apportion(total, rated, ({ rate }) => rate).map(({ item, part }) => ({
    ...item.t,
    amount: Number(part),
  }))
}

/**
 * Spreads `amount` over `lines` (at their Medusa totals): `carried[i]` is what line i already carries (kept by an edit)
 * and grows; `groups` are indices into `lines`, in the order they are asked (each LAST index first). Pass 1 takes
 * each line down to its tax, group by group; pass 2, for what is still left, each line down to 0, group by group.
 * Returns what the lines could not carry (0 unless they are worth less than `amount` together).
 */
export function spreadReduction(lines: readonly ReducibleLine[], carried: number[], amount: number, groups: readonly (readonly number[])[]): number {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new Error(`A reduction must be a whole amount ≥ 0, got ${amount}`)
  let left = amount
  // What a line can give up in each pass, in all (with what it already carries).
  const passes = [(line: ReducibleLine) => line.gross_amount - taxOf(line), (line: ReducibleLine) => line.gross_amount]
  for (const capacity of passes) {
    for (const group of groups) {
      for (const index of [...group].reverse()) {
        if (left === 0) return 0
        const line = lines[index]
        const already = carried[index]
        if (!line || already === undefined) throw new Error(`spreadReduction: no line ${index}`)
        const part = Math.min(left, Math.max(0, capacity(line) - already))
        carried[index] = already + part
        left -= part
      }
    }
  }
  return left
}
