/**
 * Medusa cart → the `order` block of a Dintero Checkout session (`POST /v1/sessions-profile`).
 *
 * Dintero requires `order.amount === Σ items.amount + shipping_option.amount`, all in integer minor units,
 * while Medusa's line totals are decimals that may carry more precision than the currency. Each line is
 * rounded on its own, then any cent left over goes to an explicit "rounding" line — but only a few cents:
 * a larger gap means the lines do not describe the amount, which is a bug we surface instead of hiding.
 */
import { DecimalInput, sumMinor, toMinorUnits } from "./money"
import {
  LineItemInput,
  ShippingMethodInput,
  articleId,
  inCreationOrder,
  lineDescription,
  nonEmpty,
  quantityOf,
  vatRate,
} from "./lines"
import { toE164 } from "./phone"
import type { CheckoutItemType, CheckoutOrderItem, OrderAddress, SessionOrder, ShippingOption } from "../dintero/types"

export type { LineItemInput, ShippingMethodInput, TaxLineInput } from "./lines"

export interface AddressInput {
  first_name?: string | null
  last_name?: string | null
  address_1?: string | null
  address_2?: string | null
  company?: string | null
  postal_code?: string | null
  city?: string | null
  country_code?: string | null
  phone?: string | null
}

export interface CartForSession {
  id: string
  currency_code: string
  /** Set once Medusa made the cart an order. */
  completed_at?: string | Date | null
  email?: string | null
  /** What Medusa will charge (the payment collection amount), major units. */
  total: DecimalInput
  items: LineItemInput[]
  shipping_methods?: ShippingMethodInput[] | null
  /** Store credit applied to the cart (reduces what is paid, not part of line totals). */
  credit_line_total?: DecimalInput | null
  /** Gift cards applied to the cart (same role as credit lines). */
  gift_card_total?: DecimalInput | null
  /**
   * Medusa's VAT of the whole cart (major units). The session's `vat_amount` is this, rounded once; without it, the
   * sum of the lines' rounded VAT (which can be off by a few minor units on many lines).
   */
  tax_total?: DecimalInput | null
  /** Informational: line and shipping totals are already net of discounts. */
  discount_total?: DecimalInput | null
  shipping_address?: AddressInput | null
  billing_address?: AddressInput | null
  customer?: { email?: string | null; phone?: string | null } | null
}

// The Checkout wire shapes are the client contract's (src/dintero/contract/checkout.ts); these aliases say which
// fields the mapping always fills.
export type DinteroItemType = CheckoutItemType

export type DinteroCheckoutItem = CheckoutOrderItem &
  Required<Pick<CheckoutOrderItem, "id" | "line_id" | "description" | "quantity" | "amount" | "vat_amount" | "vat">>

export type DeliveryMethod = NonNullable<ShippingOption["delivery_method"]>

export type DinteroShippingOption = ShippingOption & Required<Pick<ShippingOption, "vat_amount" | "vat" | "delivery_method">>

export type DinteroOrderAddress = OrderAddress

export type DinteroSessionOrder = Omit<SessionOrder, "vat_amount" | "items" | "shipping_option"> & {
  vat_amount: number
  items: DinteroCheckoutItem[]
  shipping_option?: DinteroShippingOption
}

export interface BuildSessionOrderOptions {
  /** The payment collection amount (major units); defaults to `cart.total`. */
  amount?: DecimalInput
  /** Medusa does not say whether a shipping option is a pick-up; the glue may know. Default "unspecified". */
  deliveryMethod?: DeliveryMethod
}

/** Line ids we make up. Medusa ids (`cali_…`, `casm_…`) never collide with them. */
export const SHIPPING_LINE_PREFIX = "shipping_"
export const CREDIT_LINE_ID = "credit_lines"
export const ROUNDING_LINE_ID = "rounding"

export function shippingLineId(methodId: string): string {
  return `${SHIPPING_LINE_PREFIX}${methodId}`
}

export function buildSessionOrder(cart: CartForSession, options: BuildSessionOrderOptions = {}): DinteroSessionOrder {
  const currency = cart.currency_code.toUpperCase()
  const minor = (value: DecimalInput) => toMinorUnits(value, currency)
  const amount = minor(options.amount ?? cart.total)

  const items: DinteroCheckoutItem[] = inCreationOrder(cart.items).map((item) => {
    const gross = minor(item.total)
    const vatAmount = minor(item.tax_total)
    return {
      id: articleId(item),
      line_id: item.id, // Medusa's line item id: stable across session updates and unique in the cart
      description: lineDescription(item),
      quantity: quantityOf(item.quantity),
      amount: gross,
      vat_amount: vatAmount,
      vat: vatRate(item.tax_lines, gross, vatAmount),
      type: "physical",
    }
  })

  const shippingLines = inCreationOrder(cart.shipping_methods ?? []).map((method) => {
    const gross = minor(method.total)
    const vatAmount = minor(method.tax_total)
    return {
      id: nonEmpty(method.shipping_option_id) ?? method.id,
      line_id: shippingLineId(method.id),
      title: nonEmpty(method.name) ?? "Shipping",
      amount: gross,
      vat_amount: vatAmount,
      vat: vatRate(method.tax_lines, gross, vatAmount),
    }
  })

  // Dintero has room for one shipping_option; a cart with several methods lists them all as items instead.
  let shipping_option: DinteroShippingOption | undefined
  const onlyShipping = shippingLines.length === 1 ? shippingLines[0] : undefined
  if (onlyShipping) {
    shipping_option = { ...onlyShipping, operator: "", delivery_method: options.deliveryMethod ?? "unspecified" }
  } else {
    for (const { title, ...line } of shippingLines) {
      items.push({ ...line, description: title, quantity: 1, type: "shipping" })
    }
  }

  // Credit lines and gift cards lower the amount without touching line totals: one negative line makes the
  // items add up and shows the shopper why.
  const credit = minor(cart.credit_line_total ?? 0) + minor(cart.gift_card_total ?? 0)
  if (credit !== 0) {
    items.push({
      id: CREDIT_LINE_ID,
      line_id: CREDIT_LINE_ID,
      description: "Gift card / store credit",
      quantity: 1,
      amount: -credit,
      vat_amount: 0,
      vat: 0,
      type: "gift_card",
    })
  }

  const described = sumMinor([...items.map((item) => item.amount), shipping_option?.amount ?? 0])
  const difference = amount - described
  if (difference !== 0) {
    // Each rounded line is off by at most half a minor unit, and so is the amount: n + 1 is a safe bound.
    const bound = items.length + (shipping_option ? 1 : 0) + 1
    if (Math.abs(difference) > bound) {
      throw new Error(
        `Cart ${cart.id}: the lines add up to ${described} but the amount to pay is ${amount} (${currency} minor units); ` +
          `a difference of ${difference} is more than rounding — the cart lines do not describe the payment amount`
      )
    }
    items.push({
      id: ROUNDING_LINE_ID,
      line_id: ROUNDING_LINE_ID,
      description: "Rounding",
      quantity: 1,
      amount: difference,
      vat_amount: 0,
      vat: 0,
    })
  }

  const order: DinteroSessionOrder = {
    amount,
    currency,
    merchant_reference: cart.id,
    vat_amount:
      cart.tax_total !== undefined && cart.tax_total !== null
        ? minor(cart.tax_total)
        : sumMinor([...items.map((item) => item.vat_amount), shipping_option?.vat_amount ?? 0]),
    items,
  }
  if (shipping_option) order.shipping_option = shipping_option
  const email = nonEmpty(cart.email) ?? nonEmpty(cart.customer?.email)
  const shippingAddress = toOrderAddress(cart.shipping_address, email)
  const billingAddress = toOrderAddress(cart.billing_address, email)
  if (shippingAddress) order.shipping_address = shippingAddress
  if (billingAddress) order.billing_address = billingAddress
  return order
}

/** Medusa address → Dintero OrderAddress, leaving out empty fields (Dintero validates the ones present). */
export function toOrderAddress(
  address: AddressInput | null | undefined,
  email?: string | null
): DinteroOrderAddress | undefined {
  if (!address) return undefined
  const country = nonEmpty(address.country_code)?.toUpperCase()
  const fields: DinteroOrderAddress = {
    first_name: nonEmpty(address.first_name),
    last_name: nonEmpty(address.last_name),
    address_line: nonEmpty(address.address_1),
    address_line_2: nonEmpty(address.address_2),
    business_name: nonEmpty(address.company),
    postal_code: nonEmpty(address.postal_code),
    postal_place: nonEmpty(address.city),
    country: country && /^[A-Z]{2}$/.test(country) ? country : undefined,
    phone_number: toE164(address.phone, country), // E.164 or nothing: Dintero's phone_number
  }
  const mapped = Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))
  if (Object.keys(mapped).length === 0) return undefined
  const mail = nonEmpty(email)
  return { ...mapped, ...(mail && { email: mail }) }
}
