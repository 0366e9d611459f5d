// Validation of Checkout request bodies. Strict where Dintero is (integers in minor units, unique line ids).

export interface FieldError {
  path: string
  message: string
}

type Obj = Record<string, unknown>

export const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v)
export const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v)
const isNonEmptyString = (v: unknown): v is string => typeof v === "string" && v.trim().length > 0

/** Item types that are goods or fees: their amount can't be negative. Untyped lines may be (rounding lines). */
const NON_NEGATIVE_TYPES = new Set(["physical", "digital", "service", "shipping", "surcharge"])
const ITEM_TYPES = new Set([...NON_NEGATIVE_TYPES, "gift_card"])

function isUrl(v: unknown): v is string {
  if (typeof v !== "string") return false
  try {
    const u = new URL(v)
    return u.protocol === "http:" || u.protocol === "https:"
  } catch {
    return false
  }
}

export function validateItems(items: unknown, path: string, errors: FieldError[]): void {
  if (items === undefined) return
  if (!Array.isArray(items)) {
    errors.push({ path, message: "must be an array" })
    return
  }
  items.forEach((item, i) => {
    const p = `${path}[${i}]`
    if (!isObject(item)) {
      errors.push({ path: p, message: "must be an object" })
      return
    }
    if (!isNonEmptyString(item.line_id)) errors.push({ path: `${p}.line_id`, message: "is required (non-empty string)" })
    if (item.type !== undefined && !(typeof item.type === "string" && ITEM_TYPES.has(item.type))) {
      errors.push({ path: `${p}.type`, message: `must be one of ${[...ITEM_TYPES].join(", ")}` })
    }
    if (!isInt(item.amount)) {
      errors.push({ path: `${p}.amount`, message: "is required and must be an integer in minor units" })
    } else if (item.amount < 0 && typeof item.type === "string" && NON_NEGATIVE_TYPES.has(item.type)) {
      errors.push({ path: `${p}.amount`, message: `must not be negative for type ${item.type}` })
    }
    if (item.quantity !== undefined && !(typeof item.quantity === "number" && Number.isFinite(item.quantity) && item.quantity > 0)) {
      errors.push({ path: `${p}.quantity`, message: "must be a number greater than 0" })
    }
    if (item.vat !== undefined && !(typeof item.vat === "number" && item.vat >= 0 && item.vat <= 100)) {
      errors.push({ path: `${p}.vat`, message: "must be a percentage between 0 and 100" })
    }
    if (item.vat_amount !== undefined && !isInt(item.vat_amount)) {
      errors.push({ path: `${p}.vat_amount`, message: "must be an integer in minor units" })
    }
  })
}

export function validateShippingOption(so: unknown, path: string, errors: FieldError[]): void {
  if (so === undefined) return
  if (!isObject(so)) {
    errors.push({ path, message: "must be an object" })
    return
  }
  for (const key of ["id", "line_id", "title"]) {
    if (!isNonEmptyString(so[key])) errors.push({ path: `${path}.${key}`, message: "is required" })
  }
  // Dintero's own example sends operator "" — required but may be empty.
  if (typeof so.operator !== "string") errors.push({ path: `${path}.operator`, message: "is required (string)" })
  if (!isInt(so.amount) || so.amount < 0) {
    errors.push({ path: `${path}.amount`, message: "is required and must be a non-negative integer" })
  }
  if (so.vat !== undefined && !(typeof so.vat === "number" && so.vat >= 0 && so.vat <= 100)) {
    errors.push({ path: `${path}.vat`, message: "must be a percentage between 0 and 100" })
  }
  if (so.vat_amount !== undefined && !isInt(so.vat_amount)) {
    errors.push({ path: `${path}.vat_amount`, message: "must be an integer in minor units" })
  }
}

function validateUniqueLineIds(order: Obj, errors: FieldError[]): void {
  const seen = new Set<string>()
  const ids: string[] = []
  if (Array.isArray(order.items)) {
    for (const item of order.items) if (isObject(item) && typeof item.line_id === "string") ids.push(item.line_id)
  }
  if (isObject(order.shipping_option) && typeof order.shipping_option.line_id === "string") {
    ids.push(order.shipping_option.line_id)
  }
  for (const id of ids) {
    if (seen.has(id)) errors.push({ path: "order.items", message: `line_id "${id}" is not unique (items and shipping_option)` })
    seen.add(id)
  }
}

/** Validates an order (create, or the merged order of an update). */
export function validateOrder(order: unknown, errors: FieldError[]): void {
  if (!isObject(order)) {
    errors.push({ path: "order", message: "is required" })
    return
  }
  if (!isInt(order.amount) || order.amount <= 0) {
    errors.push({ path: "order.amount", message: "is required and must be a positive integer in minor units" })
  }
  if (typeof order.currency !== "string" || !/^[A-Z]{3}$/.test(order.currency)) {
    errors.push({ path: "order.currency", message: "is required (ISO 4217, e.g. NOK)" })
  }
  if (!isNonEmptyString(order.merchant_reference)) {
    errors.push({ path: "order.merchant_reference", message: "is required" })
  }
  if (order.vat_amount !== undefined && !isInt(order.vat_amount)) {
    errors.push({ path: "order.vat_amount", message: "must be an integer in minor units" })
  }
  validateItems(order.items, "order.items", errors)
  validateShippingOption(order.shipping_option, "order.shipping_option", errors)
  validateUniqueLineIds(order, errors)
}

/**
 * Σ items.amount + shipping_option.amount must equal order.amount (≤ with partial_payment).
 * Only checked when the order has lines at all; call after validateOrder passed.
 */
export function checkOrderSum(order: Obj): FieldError | undefined {
  const items = Array.isArray(order.items) ? (order.items as Obj[]) : []
  const shipping = isObject(order.shipping_option) ? order.shipping_option : undefined
  if (items.length === 0 && !shipping) return undefined
  let sum = 0
  for (const item of items) sum += item.amount as number
  if (shipping) sum += shipping.amount as number
  const amount = order.amount as number
  const ok = order.partial_payment === true ? amount <= sum : amount === sum
  if (ok) return undefined
  return {
    path: "order.amount",
    message: `order.amount (${amount}) does not match the sum of order.items and shipping_option.amount (${sum})`,
  }
}

export interface SessionCreateContext {
  profiles: string[]
  /** The currencies each profile takes; a profile not listed takes any. */
  profileCurrencies?: Record<string, string[]>
  requireHttpsCallback: boolean
}

export function validateSessionCreate(body: unknown, ctx: SessionCreateContext): FieldError[] {
  const errors: FieldError[] = []
  if (!isObject(body)) return [{ path: "", message: "body must be a JSON object" }]
  if (!isNonEmptyString(body.profile_id)) {
    errors.push({ path: "profile_id", message: "is required" })
  } else if (!ctx.profiles.includes(body.profile_id)) {
    errors.push({ path: "profile_id", message: `payment profile ${body.profile_id} not found` })
  } else {
    // A payment profile's payment types are "configured for a given currency" (Dintero payments spec,
    // SessionConfiguration.active_payment_types, Dintero.Node.SDK src/generated/payments.d.ts). That Dintero answers a
    // session in a currency the profile has nothing for with this 400 is an ASSUMPTION (docs/payment-profiles.md).
    const takes = ctx.profileCurrencies?.[body.profile_id]
    const currency = isObject(body.order) && typeof body.order.currency === "string" ? body.order.currency : undefined
    if (takes && currency && /^[A-Z]{3}$/.test(currency) && !takes.includes(currency)) {
      errors.push({
        path: "order.currency",
        message: `payment profile ${body.profile_id} does not take ${currency} (it takes ${takes.join(", ")})`,
      })
    }
  }
  if (!isObject(body.url)) {
    errors.push({ path: "url", message: "is required" })
  } else {
    if (!isUrl(body.url.return_url)) errors.push({ path: "url.return_url", message: "is required (absolute URL)" })
    const cb = body.url.callback_url
    if (cb !== undefined) {
      if (!isUrl(cb)) {
        errors.push({ path: "url.callback_url", message: "must be an absolute URL" })
      } else if (ctx.requireHttpsCallback) {
        const u = new URL(cb)
        if (u.protocol !== "https:" || ["localhost", "127.0.0.1", "[::1]"].includes(u.hostname)) {
          errors.push({ path: "url.callback_url", message: "must be https and not localhost" })
        }
      }
    }
  }
  validateOrder(body.order, errors)
  if (body.metadata !== undefined && !isObject(body.metadata)) errors.push({ path: "metadata", message: "must be an object" })
  if (body.configuration !== undefined && !isObject(body.configuration)) {
    errors.push({ path: "configuration", message: "must be an object" })
  }
  if (body.expires_at !== undefined && (typeof body.expires_at !== "string" || Number.isNaN(Date.parse(body.expires_at)))) {
    errors.push({ path: "expires_at", message: "must be an ISO 8601 date-time" })
  }
  return errors
}

/** The amount/line checks for capture and refund bodies (state-independent part). */
export function validateOperationBody(body: unknown, referenceKey: "capture_reference" | "refund_reference"): FieldError[] {
  const errors: FieldError[] = []
  if (!isObject(body)) return [{ path: "", message: "body must be a JSON object" }]
  if (!isInt(body.amount) || body.amount <= 0) {
    errors.push({ path: "amount", message: "is required and must be a positive integer in minor units" })
  }
  if (body[referenceKey] !== undefined && typeof body[referenceKey] !== "string") {
    errors.push({ path: referenceKey, message: "must be a string" })
  }
  if (body.items !== undefined) {
    if (!Array.isArray(body.items)) {
      errors.push({ path: "items", message: "must be an array" })
    } else {
      body.items.forEach((item, i) => {
        const p = `items[${i}]`
        if (!isObject(item)) return errors.push({ path: p, message: "must be an object" })
        if (!isNonEmptyString(item.line_id)) errors.push({ path: `${p}.line_id`, message: "is required" })
        // Negative only makes sense for negative lines (gift cards, rounding); checked against the line later.
        if (!isInt(item.amount)) {
          errors.push({ path: `${p}.amount`, message: "is required and must be an integer in minor units" })
        }
        if (item.quantity !== undefined && !(typeof item.quantity === "number" && item.quantity > 0)) {
          errors.push({ path: `${p}.quantity`, message: "must be a number greater than 0" })
        }
      })
    }
  }
  if (body.metadata !== undefined) {
    if (!isObject(body.metadata)) errors.push({ path: "metadata", message: "must be an object" })
    else for (const k of Object.keys(body.metadata)) {
      if (!k.startsWith("ext_")) errors.push({ path: `metadata.${k}`, message: "metadata keys must be prefixed ext_" })
    }
  }
  return errors
}
