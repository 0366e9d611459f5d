/**
 * Checkout transaction lines → the Medusa order lines they became.
 *
 * The Checkout session was built from the CART (line ids `cali_…`, shipping `shipping_<cart method id>`); the
 * order placed from it has new ids. At order.placed the mirror pairs them, once, and keeps the pairs: an item with
 * an item of the same article number, quantity and amount, shipping with shipping of the same amount, each taken
 * at most once, in line order. The session's own rounding and gift-card lines are mirrored as lines of their own
 * (checkoutOnlyLines) and paired with them; any other line without a partner stays unmapped, and amounts on it
 * are placed by the pooled rule of allocate.ts.
 */
import { CHECKOUT_MEDUSA_PREFIX, type MirroredLine } from "../orders"
import { CREDIT_LINE_ID, ROUNDING_LINE_ID } from "../session"

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
    if (lines.some((line) => line.medusa_id === `${CHECKOUT_MEDUSA_PREFIX}${lineId}`)) {
      map[lineId] = `${CHECKOUT_MEDUSA_PREFIX}${lineId}`
      continue
    }
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

/** The session's lines that are no Medusa line, by the ids src/mapping/session.ts gives them. */
const CHECKOUT_ONLY_LINES: Record<string, string> = { [ROUNDING_LINE_ID]: "Rounding", [CREDIT_LINE_ID]: "Gift card / store credit" }

/**
 * The Checkout transaction's non-product lines (its rounding line, its gift card / store credit line) as Orders
 * lines, so the Orders order adds up to what the shopper paid. Each is paired with itself in the checkout map.
 */
export function checkoutOnlyLines(checkout: CheckoutLineLike[]): Omit<MirroredLine, "line_id">[] {
  const lines: Omit<MirroredLine, "line_id">[] = []
  for (const item of checkout) {
    const lineId = item.line_id == null ? "" : String(item.line_id)
    const description = CHECKOUT_ONLY_LINES[lineId]
    if (!description || !item.amount) continue
    lines.push({
      medusa_id: `${CHECKOUT_MEDUSA_PREFIX}${lineId}`,
      id: lineId,
      quantity: 1,
      gross_amount: item.amount,
      // The session states these lines without VAT (vat_amount 0).
      tax_lines: [],
      description,
    })
  }
  return lines
}
