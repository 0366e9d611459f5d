import type { Transaction } from "../../../../../dintero/types"
import { parseDinteroOptions } from "../../../../../providers/dintero/options"
import { backofficeTransactionUrl, dinteroFailure, environmentOf, settingsView, transactionView } from "../views"
import { DinteroError } from "../../../../../dintero/errors"

const options = parseDinteroOptions({
  accountId: "P87654321",
  clientId: "client-id",
  clientSecret: "very-secret-value",
  profileId: "default",
  returnUrl: "https://shop.example/return",
  backendUrl: "https://api.shop.example",
  callbackSecret: "callback-secret-value",
})

describe("settingsView", () => {
  it("masks both secrets with a fixed marker and tells production from the account id", () => {
    const view = settingsView(options)
    const json = JSON.stringify(view)
    expect(json).not.toContain("very-secret")
    expect(json).not.toContain("callback-secret")
    expect(json).not.toContain("value")
    expect(view.client_secret).toBe("********")
    expect(view.callback_secret).toBe("********")
    expect(view.environment).toBe("production")
    expect(view.callback_url).toBe("https://api.shop.example/hooks/dintero/callback?report_error=true&delay_callback=10")
    expect(settingsView({ ...options, callbackSecret: undefined }).callback_secret).toBeNull()
  })
})

describe("environment and Backoffice links", () => {
  it("uses the account id prefix", () => {
    expect(environmentOf("T12345678")).toBe("test")
    expect(environmentOf("P12345678")).toBe("production")
    expect(backofficeTransactionUrl("T12345678", "T12345678.abc")).toBe(
      "https://backoffice.dintero.com/T12345678/payments/transactions/T12345678.abc"
    )
  })
})

describe("transactionView", () => {
  const base: Transaction = { id: "T1.x", amount: 33890, currency: "NOK", status: "PARTIALLY_REFUNDED", events: [] }
  it("sums successful events only, in minor units", () => {
    const view = transactionView({
      ...base,
      events: [
        { event: "AUTHORIZE", success: true, amount: 33890 },
        { event: "CAPTURE", success: true, amount: 29990 },
        { event: "CAPTURE", success: false, amount: 3900 },
        { event: "CAPTURE", success: true, amount: 3900 },
        { event: "REFUND", success: true, amount: 4950 },
      ],
    })
    expect(view).toMatchObject({ authorized_amount: 33890, captured_amount: 33890, refunded_amount: 4950, capturable_amount: 0 })
    expect(view.events.map((e) => e.success)).toEqual([true, true, false, true, true])
  })

  it("counts a void without amount as the uncaptured rest", () => {
    const view = transactionView({
      ...base,
      status: "AUTHORIZATION_VOIDED",
      events: [
        { event: "AUTHORIZE", success: true, amount: 10000 },
        { event: "VOID", success: true },
      ],
    })
    expect(view).toMatchObject({ authorized_amount: 10000, voided_amount: 10000, capturable_amount: 0 })
  })

  it("reports nothing authorized for a declined transaction", () => {
    const view = transactionView({ ...base, status: "DECLINED", events: [{ event: "AUTHORIZE", success: false, amount: 33890 }] })
    expect(view.authorized_amount).toBe(0)
  })
})

describe("dinteroFailure", () => {
  it("says unreachable for network errors and keeps Dintero's own message for HTTP errors", () => {
    const down = dinteroFailure(new DinteroError({ kind: "network", method: "GET", path: "/v1/transactions/x", retryable: true, networkCode: "ECONNREFUSED" }), "https://checkout.dintero.com/v1")
    expect(down.kind).toBe("unreachable")
    expect(down.message).toContain("Dintero could not be reached at https://checkout.dintero.com/v1")
    const refused = dinteroFailure(
      new DinteroError({ kind: "http", method: "POST", path: "/v1/sessions-profile", status: 400, code: "INVALID_REQUEST", dinteroMessage: "profile not found", retryable: false }),
      "x"
    )
    expect(refused).toMatchObject({ kind: "dintero", status: 400, code: "INVALID_REQUEST", dintero_message: "profile not found" })
  })
})
