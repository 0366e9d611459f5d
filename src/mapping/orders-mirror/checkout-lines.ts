/**
 * Checkout transaction lines → the Medusa order lines they became.
 *
 * The Checkout session was built from the CART (line ids `cali_…`, shipping `shipping_<cart method id>`); the
 * order placed from it has new ids. At order.placed the mirror pairs them, once, and keeps the pairs: an item with
 * an item of the same article number, quantity and amount, shipping with shipping of the same amount, each taken
 * at most once, in line order (a line carrying a reduction pairs at its Medusa total). The session's own positive
 * rounding line is mirrored as a line of its own (checkoutOnlyLines) and paired with it; its negative lines (a
 * rounding down, a gift card) are reductions of Medusa lines (checkoutReduction, src/mapping/orders.ts) and stay
 * unmapped, like any other line without a partner: amounts on them are placed by the pooled rule of allocate.ts.
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
  const ownLines = new Set(lines.filter((line) => line.medusa_id.startsWith(CHECKOUT_MEDUSA_PREFIX)).map((line) => line.medusa_id))
  // The lines each checkout item could pair with, in line order (one pass: the pairing stays linear in the lines).
  const candidates = new Map<string, MirroredLine[]>()
  for (const line of lines) {
    const key = pairingKey(line.medusa_id.startsWith(SHIPPING), line.gross_amount + (line.checkout_reduction ?? 0), line.id, line.quantity)
    const list = candidates.get(key)
    if (list) list.push(line)
    else candidates.set(key, [line])
  }
  const next = new Map<string, number>()
  for (const item of checkout) {
    if (item.line_id == null) continue
    const lineId = String(item.line_id)
    if (ownLines.has(`${CHECKOUT_MEDUSA_PREFIX}${lineId}`)) {
      map[lineId] = `${CHECKOUT_MEDUSA_PREFIX}${lineId}`
      continue
    }
    const isShipping = lineId.startsWith("shipping_") || item.type === "shipping"
    const key = pairingKey(isShipping, item.amount, item.id, item.quantity ?? 1)
    const taken = next.get(key) ?? 0
    const match = candidates.get(key)?.[taken]
    if (!match) continue
    next.set(key, taken + 1)
    map[lineId] = match.medusa_id
  }
  return map
}

/** Shipping pairs with shipping of the same amount; an item with an item of the same article, quantity and amount. */
function pairingKey(isShipping: boolean, amount: number | null | undefined, id: string | null | undefined, quantity: number | null | undefined): string {
  return JSON.stringify(isShipping ? ["shipping", amount ?? null] : ["item", amount ?? null, id ?? null, quantity ?? null])
}

/** The session's lines that are no Medusa line, by the ids src/mapping/session.ts gives them. */
const CHECKOUT_ONLY_LINES: Record<string, string> = { [ROUNDING_LINE_ID]: "Rounding", [CREDIT_LINE_ID]: "Gift card / store credit" }

/**
 * The Checkout transaction's positive non-product lines (a rounding up) as Orders lines, so the Orders order adds up
 * to what the shopper paid. Each is paired with itself in the checkout map. The negative ones are no Orders line
 * (only reversals carry negative amounts in Dintero's Orders spec): see checkoutReduction.
 */
export function checkoutOnlyLines(checkout: CheckoutLineLike[]): Omit<MirroredLine, "line_id">[] {
  const lines: Omit<MirroredLine, "line_id">[] = []
  for (const item of checkout) {
    const lineId = item.line_id == null ? "" : String(item.line_id)
    const description = CHECKOUT_ONLY_LINES[lineId]
    if (!description || !item.amount || item.amount < 0) continue
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

/**
 * What the Checkout transaction's negative non-product lines (a rounding down, a gift card / store credit) take off,
 * as a positive amount: the Orders order carries it as reductions of its Medusa lines (buildInitialDraft).
 */
export function checkoutReduction(checkout: CheckoutLineLike[]): number {
  let total = 0
  for (const item of checkout) {
    const lineId = item.line_id == null ? "" : String(item.line_id)
    if (CHECKOUT_ONLY_LINES[lineId] && item.amount && item.amount < 0) total -= item.amount
  }
  return total
}
