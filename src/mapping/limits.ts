/**
 * Length limits of the identifiers and references we send to Dintero, with where each comes from. Where no Dintero
 * source states a limit, the table says so and gives the cap this plugin keeps itself to (the ids it sends - Medusa
 * ids such as `cart_01J…` or `payses_01J…` - are about 30 characters, far below it). Pure: no I/O.
 */
export interface LengthLimit {
  max: number
  /** true: Dintero documents this limit. false: no source states one; `max` is our own conservative cap. */
  documented: boolean
  source: string
}

export const DINTERO_LIMITS = {
  /** SPEC-TS:5278 StringMetadata (capture/refund metadata): "the length if key/value pair is 128/256 characters". */
  metadata_key: { max: 128, documented: true, source: "SPEC-TS:5278 StringMetadata" },
  metadata_value: { max: 256, documented: true, source: "SPEC-TS:5278 StringMetadata" },
  /** SPEC-TS:3897 PayExConfiguration.dynamic_descriptor "max 40 characters". */
  dynamic_descriptor: { max: 40, documented: true, source: "SPEC-TS:3897 PayExConfiguration.dynamic_descriptor" },
  /** No limit in the payments spec (SPEC-TS:3077 SessionOrder.merchant_reference) nor in the docs. */
  merchant_reference: { max: 64, documented: false, source: "none found (SPEC-TS:3077 states no maxLength)" },
  merchant_reference_2: { max: 64, documented: false, source: "none found (SPEC-TS:3011 states no maxLength)" },
  /** No limit in OrderItem (SPEC-TS:2576) nor ShippingOption (SPEC-TS:2778). */
  line_id: { max: 64, documented: false, source: "none found (SPEC-TS:2576 OrderItem.line_id states no maxLength)" },
  item_id: { max: 64, documented: false, source: "none found (SPEC-TS:2576 OrderItem.id states no maxLength)" },
  /** No limit on capture_reference / refund_reference (SPEC-TS:7811, 7972) nor on event_reference (SPEC-TS:5405). */
  capture_reference: { max: 64, documented: false, source: "none found (SPEC-TS:7811 states no maxLength)" },
  refund_reference: { max: 64, documented: false, source: "none found (SPEC-TS:7972 states no maxLength)" },
} as const satisfies Record<string, LengthLimit>

export type LimitedField = keyof typeof DINTERO_LIMITS

/** A message naming the field and its limit when `value` is too long, else undefined. */
export function lengthProblem(field: LimitedField, value: string): string | undefined {
  const limit = DINTERO_LIMITS[field]
  if (value.length <= limit.max) return undefined
  const why = limit.documented ? `Dintero's limit (${limit.source})` : `this plugin's cap; Dintero documents no limit (${limit.source})`
  return `${field} is ${value.length} characters, above ${limit.max}: ${why}`
}

/** Problems of a metadata object against the documented key/value limits (values compared as strings). */
export function metadataProblems(metadata: Record<string, unknown>): string[] {
  const out: string[] = []
  for (const [key, value] of Object.entries(metadata)) {
    const k = lengthProblem("metadata_key", key)
    if (k) out.push(`metadata key "${key.slice(0, 20)}…": ${k}`)
    const v = lengthProblem("metadata_value", String(value))
    if (v) out.push(`metadata.${key}: ${v}`)
  }
  return out
}
