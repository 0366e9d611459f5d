/**
 * Checkout transaction lines → the Medusa order lines they became.
 *
 * The Checkout session was built from the CART (line ids `cali_…`, shipping `shipping_<cart method id>`); the
 * order placed from it has new ids. At order.placed the mirror pairs them, once, and keeps the pairs: an item with
 * an item of the same article number, quantity and amount, shipping with shipping of the same amount, each taken
 * at most once, in line order. Lines without a partner (a rounding or gift-card line) stay unmapped; amounts on
 * them are placed by the pooled rule of allocate.ts.
 */
import type { MirroredLine } from "../orders"

export interface CheckoutLineLike {
  line_id?: string | number | null
  id?: string | null
  amount?: number | null
  quantity?: number | null
  type?: string | null
}

const SHIPPING = "shipping:"

export function mapCheckoutLines(checkout: CheckoutLineLike[], lines: MirroredLine[]): Record<string, string> {
  const map: Record<string, string> = {}
  const taken = new Set<string>()
  for (const item of checkout) {
    if (item.line_id == null) continue
    const lineId = String(item.line_id)
    const isShipping = lineId.startsWith("shipping_") || item.type === "shipping"
    const match = lines.find(
      (line) =>
        !taken.has(line.medusa_id) &&
        line.medusa_id.startsWith(SHIPPING) === isShipping &&
        line.gross_amount === item.amount &&
        (isShipping || (line.id === item.id && line.quantity === (item.quantity ?? 1)))
    )
    if (!match) continue
    taken.add(match.medusa_id)
    map[lineId] = match.medusa_id
  }
  return map
}
