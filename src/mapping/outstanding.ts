/**
 * The lines of a Checkout session for an order's outstanding amount (the difference after an order edit): the
 * amount split over the order's VAT rates in proportion to what the order's lines at each rate are worth, each part
 * with its VAT (so the shopper's receipt and Dintero's settlement carry the VAT the order holds). Integer minor
 * units throughout; the parts add up to the amount exactly (largest remainder).
 */
import { apportion, toMinorUnits, toScaledInteger, scaledToString, type DecimalInput } from "./money"
import { vatRate, type LineItemInput, type ShippingMethodInput } from "./lines"

export interface OrderForOutstanding {
  currency_code: string
  items?: Pick<LineItemInput, "total" | "tax_total" | "tax_lines">[] | null
  shipping_methods?: Pick<ShippingMethodInput, "total" | "tax_total" | "tax_lines">[] | null
}

export interface OutstandingLine {
  id: string
  line_id: string
  description: string
  quantity: 1
  amount: number
  vat_amount: number
  vat: number
}

/** Null when the order has no line worth anything (the caller then states the amount as one line without VAT). */
export function outstandingAmountLines(order: OrderForOutstanding, amount: number, description: string): OutstandingLine[] | null {
  const minor = (v: DecimalInput) => toMinorUnits(v, order.currency_code)
  // Gross per VAT rate (hundredths of a percent), in the order the rates first appear.
  const byRate = new Map<bigint, bigint>()
  for (const line of [...(order.items ?? []), ...(order.shipping_methods ?? [])]) {
    // A line Medusa gave no total for cannot be weighed (it is left out, not guessed at).
    if (line.total === undefined || line.total === null) continue
    const gross = minor(line.total)
    if (gross <= 0) continue
    const rate = toScaledInteger(vatRate(line.tax_lines, gross, minor(line.tax_total ?? 0)), 2)
    byRate.set(rate, (byRate.get(rate) ?? 0n) + BigInt(gross))
  }
  const total = [...byRate.values()].reduce((a, b) => a + b, 0n)
  if (total === 0n || amount <= 0) return null
  return apportion(BigInt(amount), [...byRate.entries()], ([, gross]) => gross)
    .map(({ item: [rate], part }) => ({ rate, part }))
    .filter(({ part }) => part > 0n)
    .map(({ rate, part }) => {
      const percent = scaledToString(rate, 2)
      const vat = Number(percent)
      return {
        id: `outstanding-${vat}`,
        line_id: `outstanding-${vat}`,
        description: byRate.size > 1 ? `${description} (VAT ${vat} %)` : description,
        quantity: 1 as const,
        amount: Number(part),
        vat_amount: Number(vatIn(part, rate)),
        vat,
      }
    })
}

/** The VAT contained in `gross` at `rate` hundredths of a percent: gross × rate / (10000 + rate), half up. */
function vatIn(gross: bigint, rate: bigint): bigint {
  const d = 10000n + rate
  const n = gross * rate
  return n / d + ((n % d) * 2n >= d ? 1n : 0n)
}
