/**
 * An order edit that lowers the lines below the gift card / store credit (Medusa's order total below 0): what the
 * merchant reads. Pure; amounts in minor units (docs/orders-mirror.md, "An edit below the gift card").
 *
 * Dintero only ever held what the shopper paid through Dintero. The Orders order's lines all go to 0 (never below)
 * and what the payment held moves to its refund-remaining line, so the Dintero payment is released or refunded in
 * full through the usual paths. The part of the credit beyond the lines is the card's balance: no Dintero money, so
 * nothing the plugin can refund; Medusa keeps it on the order (a total below 0) for the merchant to settle.
 */
import { fromMinorUnits } from "../money"

export function creditBeyondLinesNotice(input: {
  /** The credit beyond the edited lines (> 0). */
  beyond: number
  /** What the Dintero payments held on the reversed lines and the edited lines no longer need (refund remaining). */
  released: number
  currency: string
}): string {
  const { beyond, released, currency } = input
  if (!Number.isSafeInteger(beyond) || beyond <= 0) throw new Error(`creditBeyondLinesNotice needs an amount above 0, got ${beyond}`)
  const money = (minor: number) => `${fromMinorUnits(minor, currency)} ${currency.toUpperCase()}`
  const dintero =
    released > 0
      ? `The ${money(released)} the shopper paid through Dintero is no longer needed by the order and is recorded as remaining: ` +
        `refund it in Medusa once captured (before capture, the plugin voids the authorization by itself and says so in its own notice). `
      : ""
  return (
    `The edit left the order's lines worth ${money(beyond)} less than its gift card / store credit (Medusa's order total is -${money(beyond)}); ` +
    `the Dintero Orders lines are at 0. ${dintero}` +
    `Dintero does not hold the ${money(beyond)}: it is the gift card's balance, to be settled in Medusa (not through Dintero).`
  )
}
