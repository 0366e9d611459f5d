import type { Transaction } from "../../../dintero"
import { dataAfter, newSessionData, pickPaymentData, readPaymentData, withTransaction, type DinteroPaymentData } from "../payment-data"

const session: DinteroPaymentData = {
  session_id: "payses_1",
  dintero_session_id: "T12345678.se",
  checkout_url: "https://checkout.example/se",
  merchant_reference: "cart_1",
  amount: 33890,
  currency: "NOK",
}

const tx: Transaction = {
  id: "T12345678.tx",
  session_id: "T12345678.se",
  amount: 33890,
  currency: "NOK",
  merchant_reference: "cart_1",
  status: "PARTIALLY_CAPTURED",
  payment_product_type: "dintero_psp.visa",
  items: [
    { id: "chair", line_id: "cali_1", amount: 29990, quantity: 1, description: "Chair" },
    { id: "ship", line_id: "shipping_1", amount: 3900, description: "Shipping" } as any,
  ],
  events: [
    { event: "AUTHORIZE", success: true, amount: 33890 },
    { event: "CAPTURE", success: true, amount: 29990, items: [{ line_id: "cali_1", amount: 29990 }] },
    { event: "CAPTURE", success: false, amount: 3900, items: [{ line_id: "shipping_1", amount: 3900 }] },
    { event: "REFUND", success: true, amount: 1000, items: [{ line_id: "cali_1", amount: 1000 }] },
  ],
} as Transaction

describe("payment data", () => {
  it("reads the plugin's data and names what is missing, never the values", () => {
    expect(readPaymentData({ ...session, extra: "storefront" })).toMatchObject(session)
    expect(() => readPaymentData({ checkout_url: "secret-looking" })).toThrow(
      "Dintero payment data is incomplete (missing or invalid: dintero_session_id, merchant_reference, amount, currency)"
    )
  })

  it("keeps only the plugin's own keys, and only those with a value", () => {
    const merged = { ...session, transaction_id: undefined, provider_secret: "x" } as DinteroPaymentData
    expect(pickPaymentData(merged)).toEqual(session)
  })

  it("writes every key of a new session, so nothing the storefront sent survives Medusa's merge", () => {
    const data = newSessionData(session)
    expect(Object.keys(data)).toEqual(expect.arrayContaining(["transaction_id", "dintero_status", "lines", "kept_for_order_id"]))
    expect(data.transaction_id).toBeUndefined()
    expect(data.reused_authorization).toBe(false)
    expect({ ...{ transaction_id: "forged", reused_authorization: true }, ...data }).toMatchObject({
      transaction_id: undefined,
      reused_authorization: false,
    })
  })

  it("projects a transaction: id, status, method, lines and what each line has captured and refunded", () => {
    expect(withTransaction(session, tx)).toEqual({
      ...session,
      transaction_id: "T12345678.tx",
      dintero_status: "PARTIALLY_CAPTURED",
      payment_product_type: "dintero_psp.visa",
      lines: [
        { line_id: "cali_1", amount: 29990, quantity: 1, id: "chair", type: null },
        { line_id: "shipping_1", amount: 3900, quantity: 1, id: "ship", type: null },
      ],
      captured_by_line: { cali_1: 29990 },
      refunded_by_line: { cali_1: 1000 },
    })
  })

  it("keeps the known payment method when the transaction does not name one, and handles a bare transaction", () => {
    const bare = { id: "T1.tx", amount: 100, currency: "NOK", status: "AUTHORIZED" } as Transaction
    expect(withTransaction({ ...session, payment_product_type: "vipps" }, bare)).toMatchObject({
      payment_product_type: "vipps",
      lines: [],
      captured_by_line: {},
      refunded_by_line: {},
    })
  })

  it("dataAfter is the projection without foreign keys", () => {
    const merged = { ...session, foreign: 1 } as DinteroPaymentData
    expect(dataAfter(merged, tx)).toEqual(pickPaymentData(withTransaction(session, tx)))
    expect(dataAfter(merged, tx)).not.toHaveProperty("foreign")
  })
})
