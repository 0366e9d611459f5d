import type { SessionCreate } from "../../dintero"
import { fromMinorUnits } from "../../mapping/money"
import { toE164 } from "../../mapping/phone"
import { fillReturnUrl, returnUrlValuesOf } from "../../mapping/return-url"
import { outstandingAmountLines } from "../../mapping/outstanding"
import { buildSessionOrder, type CartForSession } from "../../mapping/session"
import { callbackUrl } from "./callback"
import { loadOrderForPaymentCollection, type OrderForPayment, type PaymentSessionRecord } from "./medusa-records"
import type { DinteroOptions } from "./options"

/**
 * The body of a Dintero session (create, and the `order` of an update) for a Medusa payment session.
 *
 * Server-side truth only: the lines come from the cart that owns the payment collection, or, without a cart (an
 * order's outstanding amount after an edit, a claim, an exchange), one line naming the order. The storefront's
 * `data` is never used for amounts, lines, capture mode or URLs.
 */

/** What Medusa holds for the payment: the cart (checkout) or the order (an amount owed after the order). */
export interface SessionSource {
  /** The Medusa payment session id (also written into the Dintero session's metadata). */
  paymentSessionId: string
  paymentCollectionId?: string
  cart: CartForSession | null
  order: OrderForPayment | null
  /** The customer Medusa passes in the provider context, for the form's prefill. */
  customer?: { email?: string | null; phone?: string | null } | null
}

/**
 * What the session is for: the collection's cart, which the caller has read (loadCartForPaymentCollection: the
 * initiate reads it first to tell a checkout from an edited order's collection), or else the order behind the
 * collection, read here.
 */
export async function loadSessionSource(
  session: PaymentSessionRecord | null,
  paymentSessionId: string,
  cart: CartForSession | null,
  customer?: SessionSource["customer"]
): Promise<SessionSource> {
  const order = !cart && session ? await loadOrderForPaymentCollection(session.payment_collection_id) : null
  return { paymentSessionId, paymentCollectionId: session?.payment_collection_id, cart, order, customer }
}

/** Pure: the session body for `amount` (minor units) in `currency`, expiring `sessionLifetimeMinutes` after `now`. */
export function buildSessionRequest(
  options: Pick<DinteroOptions, "returnUrl" | "backendUrl" | "callbackDelaySeconds" | "sessionLifetimeMinutes" | "autoCapture"> & {
    /** The market's payment profile (./payment-profile.ts). */
    profileId: string
  },
  source: SessionSource,
  amount: number,
  currency: string,
  now: Date
): SessionCreate {
  const { cart, order, paymentSessionId } = source
  // The cart id when there is one (the callback completes that cart), else whatever Medusa record names the payment.
  const merchantReference =
    cart?.id ?? order?.id ?? source.paymentCollectionId ?? paymentSessionId
  const description = order?.display_id ? `Order #${order.display_id}: outstanding amount` : "Payment"
  const sessionOrder = cart
    ? buildSessionOrder(cart, { amount: fromMinorUnits(amount, currency) })
    : {
        amount,
        currency,
        merchant_reference: merchantReference,
        // The order's outstanding amount carries the order's VAT, split by rate (src/mapping/outstanding.ts).
        items: (order?.currency_code && outstandingAmountLines({ ...order, currency_code: order.currency_code }, amount, description)) || [
          { id: "payment", line_id: "payment", description, quantity: 1, amount, vat_amount: 0, vat: 0 },
        ],
      }
  return {
    profile_id: options.profileId,
    url: {
      // `{country_code}`/`{cart_id}` filled from the cart, so the shopper returns to a route the storefront has.
      return_url: fillReturnUrl(options.returnUrl, returnUrlValuesOf(cart ?? (order ? { ...order, id: null } : null))),
      callback_url: callbackUrl(options),
    },
    order: { ...sessionOrder, amount, currency, merchant_reference: merchantReference } as SessionCreate["order"],
    customer: sessionCustomer(source),
    expires_at: new Date(now.getTime() + options.sessionLifetimeMinutes * 60_000).toISOString(),
    configuration: { auto_capture: options.autoCapture },
    metadata: { medusa_payment_session_id: paymentSessionId },
  }
}

/**
 * Prefill of Dintero's form: the cart's (or order's) email, else the customer's; the cart's shipping phone, else the
 * customer's. Undefined when there is neither.
 */
export function sessionCustomer(source: Pick<SessionSource, "cart" | "order" | "customer">): SessionCreate["customer"] {
  const { cart, order, customer } = source
  const email = cart?.email ?? order?.email ?? customer?.email
  // E.164 or nothing (Dintero's phone_number); the country decides the calling code of a local number.
  const country = cart?.shipping_address?.country_code ?? cart?.billing_address?.country_code ?? order?.shipping_address?.country_code
  const phone = toE164(cart?.shipping_address?.phone ?? customer?.phone, country)
  return email || phone ? { ...(email ? { email } : {}), ...(phone ? { phone_number: phone } : {}) } : undefined
}
