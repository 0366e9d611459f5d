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

/** What pairing reads of a line (a line at its Medusa total, before it carries a reduction, pairs the same way). */
export type PairableLine = Pick<MirroredLine, "medusa_id" | "id" | "quantity" | "gross_amount" | "checkout_reduction">

export function mapCheckoutLines(checkout: CheckoutLineLike[], lines: PairableLine[]): Record<string, string> {
  const map: Record<string, string> = {}
  for (const { lineId, line } of pairs(checkout, lines)) map[lineId] = lines[line]!.medusa_id
  return map
}

/**
 * The lines' indices in the order the Checkout transaction lists their partners, lines without one last (in their
 * own order). Checkout's partial captures and refunds take its lines first lines first (src/mapping/allocation.ts),
 * and Medusa's order need not list its lines as the cart did (created in the same millisecond, they are ordered by
 * their random ids): so "last lines first" for the session's negative lines means last in Checkout's order.
 */
export function inCheckoutOrder(checkout: CheckoutLineLike[], lines: PairableLine[]): number[] {
  const position = new Map<number, number>()
  for (const { line, checkoutIndex } of pairs(checkout, lines)) position.set(line, checkoutIndex)
  return lines
    .map((_, index) => index)
    .sort((a, b) => (position.get(a) ?? Infinity) - (position.get(b) ?? Infinity) || a - b)
}

/** Each Checkout item with its partner (an index into `lines`), by the rule of the file comment. */
function pairs(checkout: CheckoutLineLike[], lines: PairableLine[]): { lineId: string; checkoutIndex: number; line: number }[] {
  const found: { lineId: string; checkoutIndex: number; line: number }[] = []
  const own = new Map<string, number>()
  lines.forEach((line, index) => {
    if (line.medusa_id.startsWith(CHECKOUT_MEDUSA_PREFIX)) own.set(line.medusa_id, index)
  })
  // The lines each checkout item could pair with, in line order (one pass: the pairing stays linear in the lines).
  const candidates = new Map<string, number[]>()
  lines.forEach((line, index) => {
    const key = pairingKey(line.medusa_id.startsWith(SHIPPING), line.gross_amount + (line.checkout_reduction ?? 0), line.id, line.quantity)
    const list = candidates.get(key)
    if (list) list.push(index)
    else candidates.set(key, [index])
  })
  const next = new Map<string, number>()
  checkout.forEach((item, checkoutIndex) => {
    if (item.line_id == null) return
    const lineId = String(item.line_id)
    const ownLine = own.get(`${CHECKOUT_MEDUSA_PREFIX}${lineId}`)
    if (ownLine !== undefined) {
      found.push({ lineId, checkoutIndex, line: ownLine })
      return
    }
    const isShipping = lineId.startsWith("shipping_") || item.type === "shipping"
    const key = pairingKey(isShipping, item.amount, item.id, item.quantity ?? 1)
    const taken = next.get(key) ?? 0
    const match = candidates.get(key)?.[taken]
    if (match === undefined) return
    next.set(key, taken + 1)
    found.push({ lineId, checkoutIndex, line: match })
  })
  return found
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
