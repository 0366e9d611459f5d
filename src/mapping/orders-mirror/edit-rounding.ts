/**
 * The rounding line of an edited Orders order.
 *
 * At placement the Orders order carries the Checkout session's rounding line (what Medusa's total says beyond its
 * rounded lines): as a line of its own when it rounds up, as a reduction of the lines when it rounds down
 * (checkout-lines.ts). An edit changes Medusa's lines and so its rounding (orderRounding, src/mapping/orders.ts): a
 * tax-exclusive SEK order with a fixed promotion whose odd-øre item went 1 → 2 had a total 1 øre above its lines
 * (153 923 against 153 922), the payment link asked Medusa's difference, and the edited Orders lines had room for
 * 1 øre less. So an edit moves the rounding line by what Medusa's rounding changed since the lines were last
 * recorded, and the Orders order stays worth Medusa's total to the minor unit, either way and by any amount.
 */
import { ROUNDING_LINE_ID } from "../session"
import { assertMinor } from "../money"
import { ROUNDING_MEDUSA_ID, orderRounding, type EditRounding, type MirrorSnapshot, type OrderForMirror } from "../orders"
import { checkoutOnlyLines, checkoutReduction } from "./checkout-lines"

/**
 * Pure: the rounding line the Orders order needs once `previous` is brought to `current`, in the placement's own
 * form (checkoutOnlyLines / checkoutReduction of a session rounding line of that amount): the line as recorded plus
 * what Medusa's rounding changed, a line when above zero, a reduction when below. Undefined for an order placed with
 * a negative rounding line of its own (before such lines became reductions): that line is carried unchanged.
 */
export function editRounding(previous: MirrorSnapshot, current: OrderForMirror): EditRounding | undefined {
  const line = previous.lines.find((l) => l.medusa_id === ROUNDING_MEDUSA_ID)
  if (line && line.gross_amount < 0) return undefined
  const recorded = line?.gross_amount ?? 0
  // A snapshot recorded before the rounding was kept: its rounding is taken as its rounding line (0 without one).
  const before = previous.rounding ?? recorded
  assertMinor(before, "the recorded rounding")
  const rounding = orderRounding(current)
  const session = [{ line_id: ROUNDING_LINE_ID, amount: recorded + rounding - before }]
  return { rounding, lines: checkoutOnlyLines(session), reduction: checkoutReduction(session) }
}
