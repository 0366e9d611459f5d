import { currencyDecimals } from "../../mapping/money"

/**
 * Minor units → "1 234,50 NOK", by string arithmetic on the integer (no floating point on money).
 */
export function formatMinor(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined || !Number.isSafeInteger(minor)) return "–"
  const code = currency.toUpperCase()
  let digits: number
  try {
    digits = currencyDecimals(code) // the same ISO 4217 table the plugin converts with: one fact, one place
  } catch {
    return `${minor} (minor units) ${code}`
  }
  const negative = minor < 0
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0")
  const major = abs.slice(0, abs.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0")
  const fraction = digits > 0 ? "," + abs.slice(abs.length - digits) : ""
  return `${negative ? "−" : ""}${major}${fraction} ${code}`
}
