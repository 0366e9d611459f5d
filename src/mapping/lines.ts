/**
 * The shapes of Medusa cart/order lines as the mapping layer reads them, and the small rules shared by the
 * Checkout session mapping and the Orders mirror (ordering, SKU, description, VAT rate).
 *
 * These are plain types: the Medusa glue adapts `query.graph` results into them, so nothing here imports Medusa.
 */
import { DecimalInput, scaledToString, toScaledInteger } from "./money"

/**
 * The fields of Medusa's line items and shipping methods that the types below name, for carts and orders alike:
 * what the glue asks `query.graph` for (the provider for carts, the mirror for orders).
 */
export const LINE_FIELDS = [
  "items.id",
  "items.title",
  "items.product_title",
  "items.variant_title",
  "items.variant_id",
  "items.variant_sku",
  "items.quantity",
  "items.total",
  "items.tax_total",
  "items.is_tax_inclusive",
  "items.created_at",
  "items.tax_lines.rate",
  "shipping_methods.id",
  "shipping_methods.name",
  "shipping_methods.shipping_option_id",
  "shipping_methods.total",
  "shipping_methods.tax_total",
  "shipping_methods.created_at",
  "shipping_methods.tax_lines.rate",
]

export interface TaxLineInput {
  /** Percent, e.g. 25 or "12.5". */
  rate: DecimalInput
  code?: string | null
}

export interface LineItemInput {
  id: string
  title?: string | null
  product_title?: string | null
  variant_title?: string | null
  variant_id?: string | null
  variant_sku?: string | null
  quantity: DecimalInput
  /** Line total incl. tax after discounts (major units) — what the shopper pays for the line. */
  total: DecimalInput
  /** The tax contained in `total` (major units). */
  tax_total: DecimalInput
  tax_lines?: TaxLineInput[] | null
  /** Informational: `total` already includes tax either way. */
  is_tax_inclusive?: boolean | null
  created_at?: string | Date | null
}

export interface ShippingMethodInput {
  id: string
  name?: string | null
  shipping_option_id?: string | null
  /** Incl. tax after shipping discounts (major units). */
  total: DecimalInput
  tax_total: DecimalInput
  tax_lines?: TaxLineInput[] | null
  created_at?: string | Date | null
}

/**
 * Lines in creation order (oldest first) when every line carries `created_at`; otherwise as given.
 * Query results have no guaranteed order, and line ids derived from position must not move.
 */
export function inCreationOrder<T extends { id: string; created_at?: string | Date | null }>(lines: T[]): T[] {
  const timed = lines.map((line) => ({ line, time: line.created_at == null ? NaN : new Date(line.created_at).getTime() }))
  if (timed.some(({ time }) => Number.isNaN(time))) return [...lines]
  return timed
    .sort((a, b) => a.time - b.time || (a.line.id < b.line.id ? -1 : a.line.id > b.line.id ? 1 : 0))
    .map(({ line }) => line)
}

/** Dintero's item `id` is the merchant's article number: SKU, else variant id, else the line id. */
export function articleId(item: Pick<LineItemInput, "id" | "variant_sku" | "variant_id">): string {
  return nonEmpty(item.variant_sku) ?? nonEmpty(item.variant_id) ?? item.id
}

/** "Default variant" is what Medusa names the single variant of a product without options: not worth showing. */
const DEFAULT_VARIANT = /^default(\s+(variant|title|option))?$/i

/** Variant title worth showing next to the product title, if any. */
export function variantLabel(item: Pick<LineItemInput, "title" | "product_title" | "variant_title">): string | undefined {
  const variant = nonEmpty(item.variant_title)
  if (!variant || DEFAULT_VARIANT.test(variant)) return undefined
  const title = nonEmpty(item.title) ?? nonEmpty(item.product_title) ?? ""
  return title.toLowerCase().includes(variant.toLowerCase()) ? undefined : variant
}

/** One-line label for a Checkout item: "Chair (Blue)". */
export function lineDescription(item: LineItemInput): string {
  const title = nonEmpty(item.title) ?? nonEmpty(item.product_title)
  const variant = variantLabel(item)
  if (title && variant) return `${title} (${variant})`
  return title ?? variant ?? item.id
}

/**
 * VAT rate in percent with at most 2 decimals, as Dintero wants it. Several tax lines on one line
 * (e.g. state + county) apply to the same base, so their rates add up. A line with tax but no tax
 * lines gets its effective rate (tax / net), so the numbers stay self-consistent.
 */
export function vatRate(taxLines: TaxLineInput[] | null | undefined, grossMinor: number, taxMinor: number): number {
  if (taxLines && taxLines.length > 0) {
    const hundredths = taxLines.reduce((sum, line) => sum + toScaledInteger(line.rate, 2), 0n)
    return Number(scaledToString(hundredths, 2))
  }
  return effectiveRate(grossMinor, taxMinor)
}

/** tax / (gross − tax) in percent, rounded half away from zero to 2 decimals; 0 when undefined. */
export function effectiveRate(grossMinor: number, taxMinor: number): number {
  const net = BigInt(grossMinor) - BigInt(taxMinor)
  if (taxMinor === 0 || net === 0n) return 0
  const numerator = BigInt(taxMinor) * 10000n
  const negative = numerator < 0n !== net < 0n
  const n = numerator < 0n ? -numerator : numerator
  const d = net < 0n ? -net : net
  let hundredths = n / d
  if ((n % d) * 2n >= d) hundredths += 1n
  return Number(scaledToString(negative ? -hundredths : hundredths, 2))
}

/** Quantity as a number (Medusa may hand a BigNumber); Dintero accepts decimal quantities. */
export function quantityOf(value: DecimalInput): number {
  const scaled = toScaledInteger(value, 6)
  const quantity = Number(scaledToString(scaled, 6))
  if (!Number.isFinite(quantity)) throw new Error(`Invalid quantity: ${String(value)}`)
  return quantity
}

export function nonEmpty(value: string | null | undefined): string | undefined {
  if (typeof value !== "string") return undefined
  const trimmed = value.trim()
  return trimmed === "" ? undefined : trimmed
}
