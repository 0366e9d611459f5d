/**
 * Structural validation of Orders API request bodies (pure; no state).
 * Each function returns the normalised value plus every problem found, so error responses can list them all.
 * Unknown fields are kept: Dintero accepts many optional fields we do not model.
 */
import type {
  DraftOptions,
  FieldError,
  OperationItem,
  OperationKind,
  OrderItem,
  PaymentDetails,
  TaxLine,
} from "./types"

export type Result<T> = { value: T; errors: FieldError[] } | { value?: undefined; errors: FieldError[] }

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v)
}

/** A JSON number that is an integer (money in minor units, line ids). Strings such as "1" are rejected. */
export function isInteger(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v)
}

function describe(v: unknown): string {
  if (v === null) return "null"
  if (Array.isArray(v)) return "an array"
  if (typeof v === "string") return `the string ${JSON.stringify(v)}`
  return typeof v === "number" ? String(v) : typeof v
}

const OPTIONAL_STRING_FIELDS = ["id", "description", "description_alias", "reversed_reason", "external_id"] as const

/**
 * Whether a line that reverses nothing may carry a negative amount (emulator option ordersNegativeLines). Dintero's
 * Orders spec (../shared/seeds, ORDERS OrderItem: gross_amount has no minimum) shows negative amounts only on
 * reversal lines (related_item.type "reversed", the order-edit guide) and says nothing of plain negative lines:
 * "reject" (default) is the strict reading, "accept" the permissive one; the plugin must work under both.
 */
export type NegativeLines = "reject" | "accept"

/** Validates one order line (shape and signs). Cross-line rules live in checkDraftLines. */
export function validateItem(raw: unknown, path: string, negativeLines: NegativeLines = "reject"): Result<OrderItem> {
  const errors: FieldError[] = []
  const err = (field: string, message: string) => errors.push({ path: field ? `${path}.${field}` : path, message })
  if (!isPlainObject(raw)) {
    err("", `${path} must be an object`)
    return { errors }
  }
  if (!isInteger(raw.line_id)) err("line_id", `${path}.line_id must be an integer, got ${describe(raw.line_id)}`)
  else if (raw.line_id < 0) err("line_id", `${path}.line_id must not be negative, got ${raw.line_id}`)
  if (!isInteger(raw.gross_amount))
    err("gross_amount", `${path}.gross_amount must be an integer amount in minor units, got ${describe(raw.gross_amount)}`)
  if (raw.quantity !== undefined && !(typeof raw.quantity === "number" && Number.isFinite(raw.quantity) && raw.quantity > 0))
    err("quantity", `${path}.quantity must be a number greater than 0, got ${describe(raw.quantity)}`)
  for (const field of OPTIONAL_STRING_FIELDS) {
    if (raw[field] !== undefined && typeof raw[field] !== "string")
      err(field, `${path}.${field} must be a string, got ${describe(raw[field])}`)
  }

  let reversal = false
  if (raw.related_item !== undefined) {
    const rel = raw.related_item
    if (!isPlainObject(rel)) err("related_item", `${path}.related_item must be an object`)
    else {
      reversal = true
      if (!isInteger(rel.line_id))
        err("related_item.line_id", `${path}.related_item.line_id must be an integer, got ${describe(rel.line_id)}`)
      if (rel.type !== "reversed")
        err("related_item.type", `${path}.related_item.type must be "reversed", got ${describe(rel.type)}`)
    }
  }

  if (isInteger(raw.gross_amount)) {
    if (!reversal && raw.gross_amount < 0 && negativeLines === "reject")
      err(
        "gross_amount",
        `${path}.gross_amount must not be negative (${raw.gross_amount}); negative lines must reverse another line via related_item {line_id, type: "reversed"}`
      )
    if (reversal && raw.gross_amount > 0)
      err("gross_amount", `${path}.gross_amount of a reversal line must be 0 or negative, got ${raw.gross_amount}`)
  }

  let taxTotal = 0
  if (raw.tax_lines !== undefined) {
    if (!Array.isArray(raw.tax_lines)) err("tax_lines", `${path}.tax_lines must be an array`)
    else
      raw.tax_lines.forEach((tax: unknown, i: number) => {
        const tp = `tax_lines[${i}]`
        if (!isPlainObject(tax)) return err(tp, `${path}.${tp} must be an object`)
        if (!isInteger(tax.amount)) err(`${tp}.amount`, `${path}.${tp}.amount must be an integer, got ${describe(tax.amount)}`)
        else {
          taxTotal += tax.amount
          // Negative amounts only make sense when a line is given back (reversal); positive ones never do there.
          if (!reversal && tax.amount < 0 && !(negativeLines === "accept" && isInteger(raw.gross_amount) && raw.gross_amount < 0))
            err(`${tp}.amount`, `${path}.${tp}.amount must not be negative (only reversal lines carry negative amounts)`)
          if (reversal && tax.amount > 0)
            err(`${tp}.amount`, `${path}.${tp}.amount must not be positive on a reversal line`)
        }
        if (!(typeof tax.percentage === "number" && Number.isFinite(tax.percentage) && tax.percentage >= 0))
          err(`${tp}.percentage`, `${path}.${tp}.percentage must be a number >= 0, got ${describe(tax.percentage)}`)
      })
  }

  if (isInteger(raw.gross_amount)) {
    if (Math.abs(taxTotal) > Math.abs(raw.gross_amount))
      err("tax_lines", `${path}: the tax_lines total ${taxTotal} exceeds the gross_amount ${raw.gross_amount}`)
  }

  if (errors.length > 0) return { errors }
  const item = { ...raw } as OrderItem
  if (item.tax_lines) item.tax_lines = item.tax_lines.map((t) => ({ ...t }) as TaxLine)
  if (item.related_item) item.related_item = { ...item.related_item }
  return { value: item, errors }
}

/**
 * Cross-line rules for the lines of one draft, given the lines already on the target order (empty for a new order):
 * unique line_ids (within the draft and against the order), and reversals that point at an existing, not yet
 * reversed, non-reversal line and give back at most its gross_amount.
 */
export function checkDraftLines(draftItems: OrderItem[], orderItems: OrderItem[]): FieldError[] {
  const errors: FieldError[] = []
  const orderIds = new Set(orderItems.map((i) => i.line_id))
  const seen = new Set<number>()
  draftItems.forEach((item, i) => {
    const path = `order.items[${i}].line_id`
    if (seen.has(item.line_id))
      errors.push({ path, message: `line_id ${item.line_id} is used more than once in the draft` })
    if (orderIds.has(item.line_id))
      errors.push({ path, message: `line_id ${item.line_id} is already used by a line of the order; use a new line_id` })
    seen.add(item.line_id)
  })

  const all = [...orderItems, ...draftItems]
  const byLine = new Map<number, OrderItem>()
  for (const item of all) if (!byLine.has(item.line_id)) byLine.set(item.line_id, item)
  const reversedBy = new Map<number, number>()
  for (const item of orderItems) if (item.related_item) reversedBy.set(item.related_item.line_id, item.line_id)

  draftItems.forEach((item, i) => {
    if (!item.related_item) return
    const path = `order.items[${i}].related_item.line_id`
    const target = item.related_item.line_id
    const original = byLine.get(target)
    if (!original || original.line_id === item.line_id) {
      errors.push({ path, message: `line_id ${item.line_id} reverses line_id ${target}, which does not exist on the order` })
      return
    }
    if (original.related_item) {
      errors.push({ path, message: `line_id ${item.line_id} reverses line_id ${target}, which is itself a reversal line` })
      return
    }
    const earlier = reversedBy.get(target)
    if (earlier !== undefined) {
      errors.push({
        path,
        message: `line_id ${target} is already reversed by line_id ${earlier}; a line can be reversed only once`,
      })
      return
    }
    reversedBy.set(target, item.line_id)
    if (-item.gross_amount > original.gross_amount)
      errors.push({
        path: `order.items[${i}].gross_amount`,
        message: `line_id ${item.line_id} gives back ${-item.gross_amount}, more than the gross_amount ${original.gross_amount} of line_id ${target}`,
      })
  })
  return errors
}

export interface DraftCreate {
  options: DraftOptions
  order: Record<string, unknown> & { currency: string; items: OrderItem[]; order_id?: string }
}

export const GENERATE_ORDER_ID_VALUES = ["ALPHANUMERIC_9"] as const
/** Custom order ids end up in URL paths; keep them to a path-safe alphabet. */
const CUSTOM_ORDER_ID = /^[A-Za-z0-9._-]{1,64}$/

/** Body of POST /draft_orders: `{options?, order: {currency, items?, ...}}`. */
export function validateDraftCreate(body: unknown, negativeLines: NegativeLines = "reject"): Result<DraftCreate> {
  const errors: FieldError[] = []
  if (!isPlainObject(body)) return { errors: [{ path: "", message: "the request body must be a JSON object {options?, order}" }] }

  const options = body.options === undefined ? {} : body.options
  if (!isPlainObject(options)) errors.push({ path: "options", message: "options must be an object" })
  else {
    const gen = options.generate_order_id
    if (gen !== undefined && !GENERATE_ORDER_ID_VALUES.includes(gen as never))
      errors.push({
        path: "options.generate_order_id",
        message: `options.generate_order_id ${describe(gen)} is not supported; use one of ${GENERATE_ORDER_ID_VALUES.join(", ")}`,
      })
    if (options.order_id !== undefined && !(typeof options.order_id === "string" && options.order_id.length > 0))
      errors.push({ path: "options.order_id", message: `options.order_id must be a non-empty string, got ${describe(options.order_id)}` })
    if (gen !== undefined && options.order_id !== undefined)
      errors.push({
        path: "options",
        message: "options.generate_order_id and options.order_id exclude each other: a draft either creates an order or adds to one",
      })
  }

  const order = body.order
  if (!isPlainObject(order)) {
    errors.push({ path: "order", message: "order is required and must be an object" })
    return { errors }
  }
  if (!(typeof order.currency === "string" && /^[A-Z]{3}$/.test(order.currency)))
    errors.push({ path: "order.currency", message: `order.currency must be a 3-letter ISO 4217 code such as "NOK", got ${describe(order.currency)}` })
  if (order.order_id !== undefined) {
    if (!(typeof order.order_id === "string" && CUSTOM_ORDER_ID.test(order.order_id)))
      errors.push({ path: "order.order_id", message: "order.order_id must be 1-64 characters of A-Z a-z 0-9 . _ -" })
    else if (isPlainObject(options) && (options.generate_order_id !== undefined || options.order_id !== undefined))
      errors.push({ path: "order.order_id", message: "order.order_id cannot be combined with options.generate_order_id or options.order_id" })
  }
  const items: OrderItem[] = []
  if (order.items !== undefined && !Array.isArray(order.items))
    errors.push({ path: "order.items", message: "order.items must be an array" })
  else
    ((order.items as unknown[] | undefined) ?? []).forEach((raw, i) => {
      const r = validateItem(raw, `order.items[${i}]`, negativeLines)
      errors.push(...r.errors)
      if (r.value) items.push(r.value)
    })
  if (errors.length > 0) return { errors }
  return { value: { options: { ...(options as DraftOptions) }, order: { ...order, currency: order.currency as string, items } }, errors }
}

export interface OperationCreate {
  /** Undefined when the request carries no items (allowed for authorizations and cancellations). */
  items?: OperationItem[]
  payment_details: PaymentDetails
  success: boolean
  processed_at?: string
  processed_by?: string
  metadata: Record<string, unknown>
  authorization_id?: string
}

/** Body of POST /orders/{order_id}/{authorizations|captures|refunds|cancellations}. */
export function validateOperation(kind: OperationKind, body: unknown): Result<OperationCreate> {
  const errors: FieldError[] = []
  if (!isPlainObject(body)) return { errors: [{ path: "", message: "the request body must be a JSON object" }] }
  const err = (path: string, message: string) => errors.push({ path, message })

  let items: OperationItem[] | undefined
  if (body.items === undefined) {
    // Dintero requires items on captures and refunds (changelog 2020-05-01).
    if (kind === "captures" || kind === "refunds") err("items", `items is required for ${kind}: list {line_id, amount} per order line`)
  } else if (!Array.isArray(body.items) || body.items.length === 0) {
    err("items", "items must be a non-empty array of {line_id, amount}")
  } else {
    items = []
    const seen = new Set<number>()
    body.items.forEach((raw: unknown, i: number) => {
      const p = `items[${i}]`
      if (!isPlainObject(raw)) return err(p, `${p} must be an object {line_id, amount}`)
      let ok = true
      if (!isInteger(raw.line_id)) {
        ok = false
        err(`${p}.line_id`, `${p}.line_id must be an integer, got ${describe(raw.line_id)}`)
      } else if (seen.has(raw.line_id)) {
        ok = false
        err(`${p}.line_id`, `line_id ${raw.line_id} appears more than once in items`)
      } else seen.add(raw.line_id)
      if (!isInteger(raw.amount) || raw.amount === 0) {
        ok = false
        err(`${p}.amount`, `${p}.amount must be a non-zero integer amount in minor units, got ${describe(raw.amount)}`)
      }
      if (ok) items!.push({ ...raw } as OperationItem)
    })
  }

  const details = body.payment_details === undefined ? {} : body.payment_details
  if (!isPlainObject(details)) err("payment_details", "payment_details must be an object")
  else if (details.payment_id !== undefined && typeof details.payment_id !== "string")
    err("payment_details.payment_id", `payment_details.payment_id must be a string, got ${describe(details.payment_id)}`)
  if (typeof body.success !== "boolean")
    err("success", `success is required and must be a boolean, got ${describe(body.success)}`)
  if (body.processed_at !== undefined && !(typeof body.processed_at === "string" && !Number.isNaN(Date.parse(body.processed_at))))
    err("processed_at", "processed_at must be an ISO 8601 date-time string")
  if (body.processed_by !== undefined && typeof body.processed_by !== "string") err("processed_by", "processed_by must be a string")
  if (body.metadata !== undefined && !isPlainObject(body.metadata)) err("metadata", "metadata must be an object")
  if (body.authorization_id !== undefined && typeof body.authorization_id !== "string")
    err("authorization_id", "authorization_id must be a string")

  if (errors.length > 0) return { errors }
  return {
    value: {
      items,
      payment_details: { ...(details as PaymentDetails) },
      success: body.success as boolean,
      processed_at: body.processed_at as string | undefined,
      processed_by: body.processed_by as string | undefined,
      metadata: { ...((body.metadata as Record<string, unknown> | undefined) ?? {}) },
      authorization_id: body.authorization_id as string | undefined,
    },
    errors,
  }
}
