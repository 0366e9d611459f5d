import type { Transaction } from "../../../dintero"
import { cannotCover } from "../authorization-reuse"
import { transactionMismatch } from "../payment-status"
import { webhookActionFor } from "../webhook-action"

const data = {
  session_id: "payses_1",
  dintero_session_id: "T1.se",
  checkout_url: "https://checkout.example/se",
  merchant_reference: "cart_1",
  amount: 33890,
  currency: "NOK",
}
const tx = (over: Partial<Transaction> = {}): Transaction =>
  ({ id: "T1.tx", session_id: "T1.se", merchant_reference: "cart_1", currency: "nok", amount: 33890, status: "AUTHORIZED", ...over }) as Transaction
const captured = (amount: number) => [{ event: "CAPTURE", success: true, amount }]

describe("does a transaction belong to the payment session", () => {
  it("yes when session, merchant reference, currency (any case) and amount match", () => {
    expect(transactionMismatch(data, tx())).toBeNull()
  })
  it("names the first thing that differs", () => {
    expect(transactionMismatch(data, tx({ session_id: "T1.other" }))).toBe("session id mismatch")
    expect(transactionMismatch(data, tx({ merchant_reference: "cart_2" }))).toBe("merchant_reference mismatch")
    expect(transactionMismatch(data, tx({ currency: "SEK" }))).toBe("currency mismatch")
    expect(transactionMismatch(data, tx({ amount: 33889 }))).toBe("amount mismatch")
  })
  it("refuses data that is not a Dintero session's", () => {
    expect(transactionMismatch({ foo: 1 }, tx())).toBe("the payment session is not a Dintero session")
    expect(transactionMismatch(undefined, tx())).toBe("the payment session is not a Dintero session")
  })
  it("for a reused authorization, only asks that the transaction still holds the amount", () => {
    const reused = { ...data, amount: 20000, reused_authorization: true }
    expect(transactionMismatch(reused, tx({ events: captured(13890) }))).toBeNull()
    expect(transactionMismatch(reused, tx({ events: captured(13891) }))).toBe("amount mismatch")
  })
})

describe("can a held authorization pay for an edited order", () => {
  const grant = { transactionId: "T1.tx", amount: 30000 }
  it("yes when authorized, in the currency, for the granted amount, and still held", () => {
    expect(cannotCover(tx(), grant, 30000, "NOK")).toBeNull()
  })
  it("no otherwise, saying what Dintero holds", () => {
    expect(cannotCover(tx({ status: "PARTIALLY_CAPTURED" }), grant, 30000, "NOK")).toBe(
      "Dintero transaction T1.tx (PARTIALLY_CAPTURED, 33890 held) cannot cover 30000 NOK"
    )
    expect(cannotCover(tx(), grant, 29999, "NOK")).not.toBeNull()
    expect(cannotCover(tx(), grant, 30000, "SEK")).not.toBeNull()
    expect(cannotCover(tx({ events: captured(3891) }), grant, 30000, "NOK")).toBe(
      "Dintero transaction T1.tx (AUTHORIZED, 29999 held) cannot cover 30000 NOK"
    )
  })
})

describe("the webhook action for a verified transaction", () => {
  const open = { status: "pending" }
  const done = { status: "authorized" }
  it("follows the transaction status while the Medusa session is open", () => {
    expect(webhookActionFor(tx({ status: "AUTHORIZED" }), open)).toBe("authorized")
    expect(webhookActionFor(tx({ status: "CAPTURED" }), open)).toBe("captured")
    expect(webhookActionFor(tx({ status: "DECLINED" }), open)).toBe("failed")
    expect(webhookActionFor(tx({ status: "ON_HOLD" }), open)).toBe("pending_authorization")
  })
  it("leaves Medusa nothing to do once the session is authorized or captured", () => {
    for (const session of [done, { status: "captured" }]) {
      expect(webhookActionFor(tx({ status: "AUTHORIZED" }), session)).toBe("not_supported")
      expect(webhookActionFor(tx({ status: "CAPTURED" }), session)).toBe("not_supported")
    }
    expect(webhookActionFor(tx({ status: "AUTHORIZATION_VOIDED" }), done)).toBe("canceled")
  })
})
