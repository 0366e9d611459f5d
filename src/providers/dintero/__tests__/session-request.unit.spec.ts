import { buildSessionRequest, sessionCustomer, type SessionSource } from "../session-request"

const options = {
  profileId: "default",
  returnUrl: "https://shop.example/checkout/dintero/return",
  backendUrl: "https://api.shop.example",
  callbackDelaySeconds: 10,
  sessionLifetimeMinutes: 240,
  autoCapture: false,
}
const now = new Date("2026-11-29T08:00:00.000Z")

const cart = {
  id: "cart_1",
  currency_code: "nok",
  email: "kari@example.no",
  total: "338.90",
  items: [
    { id: "cali_1", title: "Chair", quantity: 1, total: "299.90", tax_total: "59.98", tax_lines: [{ rate: 25 }], variant_sku: "chair-1" },
  ],
  shipping_methods: [{ id: "casm_1", name: "Standard", total: 39, tax_total: "7.80", tax_lines: [{ rate: 25 }] }],
  shipping_address: { phone: "+4799999999", country_code: "no" },
}

const source = (over: Partial<SessionSource>): SessionSource => ({
  paymentSessionId: "payses_1",
  paymentCollectionId: "pay_col_1",
  cart: null,
  order: null,
  ...over,
})

describe("the Dintero session body", () => {
  it("is built from the cart: its lines, its id as merchant_reference, the plugin's URLs and capture mode", () => {
    const body = buildSessionRequest(options, source({ cart }), 33890, "NOK", now)
    expect(body.profile_id).toBe("default")
    expect(body.url).toEqual({
      return_url: "https://shop.example/checkout/dintero/return",
      callback_url: "https://api.shop.example/hooks/dintero/callback?report_error=true&delay_callback=10",
    })
    expect(body.order).toMatchObject({ amount: 33890, currency: "NOK", merchant_reference: "cart_1" })
    expect(body.order.items?.map((i) => [i.line_id, i.amount])).toEqual([["cali_1", 29990]])
    expect(body.order.shipping_option).toMatchObject({ line_id: "shipping_casm_1", amount: 3900 })
    expect(body.configuration).toEqual({ auto_capture: false })
    expect(body.metadata).toEqual({ medusa_payment_session_id: "payses_1" })
    expect(body.customer).toEqual({ email: "kari@example.no", phone_number: "+4799999999" })
  })

  it("expires the session lifetime after the injected now", () => {
    expect(buildSessionRequest(options, source({ cart }), 33890, "NOK", now).expires_at).toBe("2026-11-29T12:00:00.000Z")
    expect(
      buildSessionRequest({ ...options, sessionLifetimeMinutes: 5 }, source({ cart }), 33890, "NOK", now).expires_at
    ).toBe("2026-11-29T08:05:00.000Z")
  })

  it("without a cart, is one line naming the order's outstanding amount, referenced by the order id", () => {
    const body = buildSessionRequest(
      options,
      source({ order: { id: "order_1", display_id: 1001, email: "ola@example.no" } }),
      12345,
      "NOK",
      now
    )
    expect(body.order).toEqual({
      amount: 12345,
      currency: "NOK",
      merchant_reference: "order_1",
      items: [
        { id: "payment", line_id: "payment", description: "Order #1001: outstanding amount", quantity: 1, amount: 12345, vat_amount: 0, vat: 0 },
      ],
    })
    expect(body.customer).toEqual({ email: "ola@example.no" })
  })

  it("for an order's outstanding amount, states the order's VAT: the amount split over its rates, each part with its VAT", () => {
    // An order of 250 NOK at 25 % (an item 200 and shipping 50) and 115 NOK food at 15 %: 123.45 outstanding.
    const order = {
      id: "order_1", display_id: 1001, currency_code: "nok",
      items: [
        { total: "200", tax_total: "40", tax_lines: [{ rate: 25 }] },
        { total: "115", tax_total: "15", tax_lines: [{ rate: 15 }] },
      ],
      shipping_methods: [{ total: "50", tax_total: "10", tax_lines: [{ rate: 25 }] }],
    }
    const body = buildSessionRequest(options, source({ order }), 12345, "NOK", now)
    // 12345 × 25000/36500 = 8455.47 → 8455, × 11500/36500 = 3889.52 → 3890 (largest remainder); VAT half up.
    expect(body.order.items).toEqual([
      { id: "outstanding-25", line_id: "outstanding-25", description: "Order #1001: outstanding amount (VAT 25 %)", quantity: 1, amount: 8455, vat_amount: 1691, vat: 25 },
      { id: "outstanding-15", line_id: "outstanding-15", description: "Order #1001: outstanding amount (VAT 15 %)", quantity: 1, amount: 3890, vat_amount: 507, vat: 15 },
    ])
    expect(body.order.items!.reduce((s, i) => s + (i.amount ?? 0), 0)).toBe(12345)
  })

  it("without cart or order, is referenced by the payment collection, else the payment session", () => {
    const byCollection = buildSessionRequest(options, source({}), 500, "SEK", now)
    expect(byCollection.order).toMatchObject({ merchant_reference: "pay_col_1", items: [expect.objectContaining({ description: "Payment" })] })
    const bySession = buildSessionRequest(options, source({ paymentCollectionId: undefined }), 500, "SEK", now)
    expect(bySession.order.merchant_reference).toBe("payses_1")
    expect(bySession.customer).toBeUndefined()
  })
})

describe("the session's customer prefill", () => {
  const emptyCart = { id: "cart_2", currency_code: "nok", total: 0, items: [] }
  const customer = { email: "ctx@example.no", phone: "+4711111111" }
  it("takes the cart's email and shipping phone first", () => {
    expect(sessionCustomer({ cart, order: null, customer })).toEqual({ email: "kari@example.no", phone_number: "+4799999999" })
  })
  it("falls back to the order's email, then to the customer Medusa passes", () => {
    expect(sessionCustomer({ cart: null, order: { id: "order_1", email: "o@example.no" }, customer })).toEqual({
      email: "o@example.no",
      phone_number: "+4711111111",
    })
    expect(sessionCustomer({ cart: null, order: null, customer })).toEqual({ email: "ctx@example.no", phone_number: "+4711111111" })
    expect(sessionCustomer({ cart: emptyCart, order: null, customer: { phone: "+4722222222" } })).toEqual({
      phone_number: "+4722222222",
    })
  })
  it("is undefined when nothing is known", () => {
    expect(sessionCustomer({ cart: emptyCart, order: null, customer: null })).toBeUndefined()
  })
  it("sends a local number in E.164 with the shipping country's calling code, and drops what is not a number", () => {
    const se = { ...emptyCart, shipping_address: { country_code: "se", phone: "070-123 45 67" } }
    expect(sessionCustomer({ cart: se, order: null, customer: null })).toEqual({ phone_number: "+46701234567" })
    const junk = { ...emptyCart, shipping_address: { country_code: "no", phone: "call me" } }
    expect(sessionCustomer({ cart: junk, order: null, customer: null })).toBeUndefined()
  })
})
