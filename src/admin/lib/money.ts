/** Digits after the decimal point of a currency (NOK 2, JPY 0, ...). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/**
 * Minor units → "1 234,50 NOK", by string arithmetic on the integer (no floating point on money).
 */
export function formatMinor(minor: number | null | undefined, currency: string): string {
  if (minor === null || minor === undefined || !Number.isSafeInteger(minor)) return "–"
  const code = currency.toUpperCase()
  const digits = minorDigits(code)
  const negative = minor < 0
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0")
  const major = abs.slice(0, abs.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0")
  const fraction = digits > 0 ? "," + abs.slice(abs.length - digits) : ""
  return `${negative ? "−" : ""}${major}${fraction} ${code}`
}
