/**
 * Money at the Medusa ↔ Dintero boundary.
 *
 * Medusa hands us decimal MAJOR units in many shapes (398, 99.5, "49.5", `{ value: "49.5", precision: 20 }`,
 * a BigNumber instance). Dintero wants integer MINOR units. Every conversion here goes through the decimal
 * text and BigInt, never through float multiplication: `0.29 * 100` is 28.999999999999996 and `Math.round`
 * on such values eventually picks the wrong øre.
 */

import { code as isoCurrency } from "currency-codes"

export type DecimalInput = string | number | { value: string | number } | { toString(): string }

/**
 * Number of decimals of the currency's minor unit, from ISO 4217's own list (the `currency-codes` package ships
 * it; a unit test compares every entry with the ISO XML it ships). Not from `Intl`: CLDR's display digits differ
 * from ISO for HUF, COP, IDR and others, and Dintero counts minor units the ISO way. Case-insensitive.
 */
export function currencyDecimals(currency: string): number {
  if (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency.trim())) {
    throw new Error(`Invalid currency code: ${JSON.stringify(currency)} (expected an ISO 4217 code such as "NOK")`)
  }
  const code = currency.trim().toUpperCase()
  const iso = isoCurrency(code)
  // Funds and metals (XAU, XDR, ...) have no minor unit in ISO's list: not a currency anyone pays in.
  if (!iso || !Number.isInteger(iso.digits) || !iso.countries.some((c) => !/^zz/i.test(c))) {
    throw new Error(`Invalid currency code: "${code}" is not an ISO 4217 currency with a minor unit`)
  }
  return iso.digits
}

/**
 * The decimal text of an amount, whatever shape Medusa gave it in.
 * Order matters: a raw `{ value }` (or a BigNumber's `raw.value`) carries full precision, while
 * `numeric` is already a float, so it is the last resort.
 */
export function decimalText(input: DecimalInput): string {
  if (typeof input === "string") return input
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new Error(`Invalid amount: ${input} is not a finite number`)
    return String(input) // shortest round-trip text, e.g. 0.1 → "0.1", 1e-7 → "1e-7"
  }
  if (typeof input === "bigint") return (input as bigint).toString()
  if (input !== null && typeof input === "object") {
    const anyInput = input as Record<string, unknown>
    const value = anyInput.value
    if (typeof value === "string" || typeof value === "number") return decimalText(value)
    const raw = anyInput.raw as Record<string, unknown> | undefined
    if (raw && (typeof raw.value === "string" || typeof raw.value === "number")) return decimalText(raw.value)
    if (typeof input.toString === "function" && input.toString !== Object.prototype.toString) {
      return input.toString()
    }
    if (typeof anyInput.numeric === "number") return decimalText(anyInput.numeric)
  }
  throw new Error(`Invalid amount: ${describe(input)} is not a decimal value`)
}

interface ParsedDecimal {
  negative: boolean
  /** All significant digits, the decimal point removed. */
  coefficient: bigint
  /** value = coefficient × 10^-scale (scale ≥ 0). */
  scale: number
}

const DECIMAL_PATTERN = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/
// Exponents beyond this cannot describe money; refusing them keeps BigInt sizes bounded.
const MAX_EXPONENT = 400

function parseDecimal(text: string): ParsedDecimal {
  const match = DECIMAL_PATTERN.exec(text.trim())
  const [, sign, integer = "", fraction = "", exponentText = "0"] = match ?? []
  if (!match || (integer === "" && fraction === "")) {
    throw new Error(`Invalid amount: ${JSON.stringify(text)} is not a decimal number`)
  }
  const exponent = Number(exponentText)
  if (Math.abs(exponent) > MAX_EXPONENT) {
    throw new Error(`Invalid amount: ${JSON.stringify(text)} has an out-of-range exponent`)
  }
  let digits = integer + fraction
  let scale = fraction.length - exponent
  if (scale < 0) {
    digits += "0".repeat(-scale)
    scale = 0
  }
  return { negative: sign === "-", coefficient: BigInt(digits), scale }
}

/**
 * The amount × 10^places as an exact integer, rounded half away from zero
 * (so 0.005 → 1 and -0.005 → -1 at two places, like a cashier would).
 */
export function toScaledInteger(amount: DecimalInput, places: number): bigint {
  if (!Number.isInteger(places) || places < 0) throw new Error(`Invalid number of decimal places: ${places}`)
  const { negative, coefficient, scale } = parseDecimal(decimalText(amount))
  let magnitude: bigint
  if (scale <= places) {
    magnitude = coefficient * 10n ** BigInt(places - scale)
  } else {
    const divisor = 10n ** BigInt(scale - places)
    magnitude = coefficient / divisor
    if ((coefficient % divisor) * 2n >= divisor) magnitude += 1n
  }
  return negative ? -magnitude : magnitude
}

/** Decimal text of `value × 10^-places`, with exactly `places` decimals ("398.00", "-0.05", "1000"). */
export function scaledToString(value: bigint, places: number): string {
  const negative = value < 0n
  const digits = (negative ? -value : value).toString().padStart(places + 1, "0")
  const integer = digits.slice(0, digits.length - places)
  const fraction = digits.slice(digits.length - places)
  return (negative ? "-" : "") + integer + (places > 0 ? `.${fraction}` : "")
}

/** Medusa major units → Dintero minor units (integer), rounded half away from zero at the currency's precision. */
export function toMinorUnits(amount: DecimalInput, currency: string): number {
  const minor = toScaledInteger(amount, currencyDecimals(currency))
  return toSafeNumber(minor, `${decimalText(amount)} ${currency.toUpperCase()} in minor units`)
}

/**
 * Σ of Medusa's exact amounts, rounded ONCE to minor units (as Medusa's own total is: a sum of unrounded parts).
 * Each part is taken at 24 decimals, beyond Medusa's 20 significant digits for any amount that is money.
 */
export function sumToMinorUnits(amounts: DecimalInput[], currency: string): number {
  const places = 24
  const sum = amounts.reduce<bigint>((acc, amount) => acc + toScaledInteger(amount, places), 0n)
  return toMinorUnits(scaledToString(sum, places), currency)
}

/**
 * Minor units of each of a sequence of Medusa amounts (a payment's captures or refunds, in record order), each the
 * step its record adds to the running total rounded once: every prefix then adds up to `sumToMinorUnits` of the same
 * amounts. Rounding each record alone would lose or add an øre per record: three captures of 33.3333 NOK move 99.99
 * at Dintero where Medusa's 99.9999 is 100.00. A record can thus be 0 (it moves nothing) or differ from its own rounding
 * by less than an øre.
 */
export function runningTotalParts(amounts: DecimalInput[], currency: string): number[] {
  const places = 24
  let exact = 0n
  let before = 0
  return amounts.map((amount) => {
    exact += toScaledInteger(amount, places)
    const after = toMinorUnits(scaledToString(exact, places), currency)
    const part = after - before
    before = after
    return part
  })
}

/** The last amount's part of `runningTotalParts` (a record with the ones before it). */
export function lastRunningTotalPart(amounts: DecimalInput[], currency: string): number {
  return sumToMinorUnits(amounts, currency) - sumToMinorUnits(amounts.slice(0, -1), currency)
}

/**
 * Dintero minor units → Medusa major units as a decimal string with the currency's fixed decimals
 * (39800 NOK → "398.00", 500 JPY → "500", 1234 KWD → "1.234"). Medusa's BigNumber accepts this text as is;
 * a string (not a float) keeps the value exact.
 */
export function fromMinorUnits(minor: number | bigint, currency: string): string {
  if (typeof minor === "number" && !Number.isSafeInteger(minor)) {
    throw new Error(`Invalid minor-unit amount: ${minor} is not a safe integer`)
  }
  if (typeof minor !== "number" && typeof minor !== "bigint") {
    throw new Error(`Invalid minor-unit amount: ${describe(minor)}`)
  }
  return scaledToString(BigInt(minor), currencyDecimals(currency))
}

/** Σ of minor-unit integers, refusing anything that is not (or whose sum is not) a safe integer. */
export function sumMinor(values: number[]): number {
  let total = 0
  for (const value of values) {
    assertMinor(value, "amount")
    total += value
    if (!Number.isSafeInteger(total)) throw new Error(`Sum of minor-unit amounts exceeds Number.MAX_SAFE_INTEGER`)
  }
  return total
}

/** Throws unless `value` is a safe integer (a valid minor-unit amount). */
export function assertMinor(value: unknown, what: string): asserts value is number {
  if (typeof value !== "number" || !Number.isSafeInteger(value)) {
    throw new Error(`Invalid ${what}: ${describe(value)} is not an integer amount in minor units`)
  }
}

function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new Error(`Amount too large: ${what} exceeds Number.MAX_SAFE_INTEGER`)
  }
  return Number(value) // Number(-0n) is 0, so "-0.001" gives 0, never -0
}

function describe(value: unknown): string {
  try {
    return typeof value === "string" ? JSON.stringify(value) : String(value)
  } catch {
    return typeof value
  }
}

/**
 * Splits `total` (≥ 0, whole units) over `items` in proportion to their weights (≥ 0, not all 0), by largest
 * remainder: the parts are whole and add up to `total` exactly; ties go to the earlier item.
 */
export function apportion<T>(total: bigint, items: readonly T[], weightOf: (item: T) => bigint): { item: T; part: bigint }[] {
  if (total < 0n) throw new Error(`apportion: the total must not be negative, got ${total}`)
  const weighted = items.map((item, index) => ({ item, index, weight: weightOf(item) }))
  if (weighted.some(({ weight }) => weight < 0n)) throw new Error("apportion: a weight is negative")
  const sum = weighted.reduce((a, { weight }) => a + weight, 0n)
  if (sum === 0n) throw new Error("apportion: the weights add up to zero")
  const floors = weighted.map((w) => ({ ...w, part: (total * w.weight) / sum, rest: (total * w.weight) % sum }))
  // What the floors leave is less than one unit per item: one more unit each to the largest remainders.
  const left = total - floors.reduce((a, { part }) => a + part, 0n)
  const byRest = [...floors].sort((a, b) => (b.rest > a.rest ? 1 : b.rest < a.rest ? -1 : a.index - b.index))
  const bumped = new Set(byRest.slice(0, Number(left)).map(({ index }) => index))
  return floors.map(({ item, index, part }) => ({ item, part: bumped.has(index) ? part + 1n : part }))
}
