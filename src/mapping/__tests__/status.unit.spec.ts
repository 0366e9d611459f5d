import { toPaymentSessionStatus, toWebhookAction } from "../status"

describe("toPaymentSessionStatus", () => {
  it.each([
    ["AUTHORIZED", "authorized"],
    ["PARTIALLY_CAPTURED", "authorized"],
    ["PARTIALLY_CAPTURED_REFUNDED", "authorized"],
    ["CAPTURED", "captured"],
    ["PARTIALLY_REFUNDED", "captured"],
    ["REFUNDED", "captured"],
    ["ON_HOLD", "pending_authorization"],
    ["INITIATED", "pending"],
    ["AUTHORIZATION_VOIDED", "canceled"],
    ["FAILED", "error"],
    ["DECLINED", "error"],
    ["UNKNOWN", "error"],
    ["SOMETHING_NEW", "error"],
    ["authorized", "authorized"],
    [" CAPTURED ", "captured"],
  ])("%s → %s", (status, expected) => {
    expect(toPaymentSessionStatus(status)).toBe(expected)
  })

  it.each([undefined, null, ""])("no transaction (%p) → pending", (status) => {
    expect(toPaymentSessionStatus(status)).toBe("pending")
  })
})

describe("toWebhookAction", () => {
  it.each([
    ["AUTHORIZED", "authorized"],
    ["PARTIALLY_CAPTURED", "authorized"],
    ["CAPTURED", "captured"],
    ["ON_HOLD", "pending_authorization"],
    ["INITIATED", "pending"],
    ["FAILED", "failed"],
    ["DECLINED", "failed"],
    ["AUTHORIZATION_VOIDED", "canceled"],
    ["REFUNDED", "not_supported"],
    ["PARTIALLY_REFUNDED", "not_supported"],
    ["PARTIALLY_CAPTURED_REFUNDED", "not_supported"],
    ["UNKNOWN", "not_supported"],
    ["whatever", "not_supported"],
    [undefined, "not_supported"],
  ])("%p → %s", (status, expected) => {
    expect(toWebhookAction(status)).toBe(expected)
  })
})
