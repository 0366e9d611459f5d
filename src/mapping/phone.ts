/**
 * Phone numbers for Dintero: E.164 (`+` country code subscriber number, at most 15 digits) or nothing at all.
 * Dintero's spec asks for "ITU/E.123 format with international prefix (+PPNNNNNNNNN...)" on `customer.phone_number`
 * and `OrderAddress.phone_number` (SPEC-TS:1506, Dintero/Dintero.Node.SDK src/generated/payments.d.ts; its examples
 * all read `+4799999999`). A number we cannot put in that form is left out rather than sent in a form Dintero may
 * refuse (and a refused session would block the payment). Pure: no I/O.
 */

/** Calling codes for the countries a Dintero merchant usually sells to (ISO 3166-1 alpha-2, lower or upper case). */
export const CALLING_CODES: Readonly<Record<string, string>> = {
  NO: "47",
  SE: "46",
  DK: "45",
  FI: "358",
  IS: "354",
  DE: "49",
  NL: "31",
  GB: "44",
  PL: "48",
  EE: "372",
  LV: "371",
  LT: "370",
  FR: "33",
  ES: "34",
  IT: "39",
  US: "1",
}

/**
 * `raw` as E.164, or undefined. Accepts "+47 999 99 999", "0047 99999999", "(+47) 999-99-999"; a national number
 * ("999 99 999") is completed with `countryCode`'s calling code when known (a leading trunk 0 is dropped, as in
 * "070-123 45 67" for SE). Anything else (letters, too few/many digits, unknown country) gives undefined.
 */
export function toE164(raw: string | null | undefined, countryCode?: string | null): string | undefined {
  if (typeof raw !== "string") return undefined
  const trimmed = raw.trim()
  if (trimmed === "") return undefined
  // Only digits, spaces and the usual separators; anything else (letters, extensions) is not a phone number we send.
  if (!/^[+\d\s().\-/]+$/.test(trimmed)) return undefined
  const plus = trimmed.replace(/[\s().\-/]/g, "")
  let international: string | undefined
  if (/^\+\d+$/.test(plus)) international = plus.slice(1)
  else if (/^00\d+$/.test(plus)) international = plus.slice(2)
  else if (/^\d+$/.test(plus)) {
    const cc = countryCode ? CALLING_CODES[countryCode.toUpperCase()] : undefined
    if (!cc) return undefined
    international = cc + plus.replace(/^0/, "")
  } else {
    return undefined
  }
  // E.164: country codes never start with 0; 8..15 digits in all (shortest real numbers: 7-digit subscriber + cc).
  if (!/^[1-9]\d{7,14}$/.test(international)) return undefined
  return `+${international}`
}
