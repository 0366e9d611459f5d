import { DinteroOrdersOptionsError, parseDinteroOrdersOptions } from "../options"

const problems = (input: unknown): string[] => {
  try {
    parseDinteroOrdersOptions(input)
  } catch (e) {
    if (e instanceof DinteroOrdersOptionsError) return e.problems
    throw e
  }
  throw new Error("expected the options to be rejected")
}

describe("the Orders mirror's options", () => {
  it("default: mirror on, generated order ids, 8 attempts", () => {
    expect(parseDinteroOrdersOptions(undefined)).toEqual({ generateOrderId: true, ordersMirror: true, maxAttempts: 8 })
  })

  it("accepts own credentials and normalises base URLs", () => {
    expect(
      parseDinteroOrdersOptions({ accountId: "T12345678", clientId: "id", clientSecret: "s3cret", apiBaseUrl: "https://api.dintero.com/v1/", maxAttempts: 3, generateOrderId: false })
    ).toMatchObject({ accountId: "T12345678", apiBaseUrl: "https://api.dintero.com/v1", maxAttempts: 3, generateOrderId: false })
  })

  it("names each bad option, never its value", () => {
    const found = problems({ maxAttempts: 0, ordersMirror: "no", generateOrderId: 1, apiBaseUrl: "ftp://x", timeoutMs: 10 })
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^option "maxAttempts" must be at least 1/),
        expect.stringMatching(/^option "ordersMirror" must be true or false/),
        expect.stringMatching(/^option "generateOrderId" must be true or false/),
        expect.stringMatching(/^option "apiBaseUrl" must be an http\(s\) URL/),
        expect.stringMatching(/^option "timeoutMs" must be at least 1000 ms/),
      ])
    )
    expect(found.join(" ")).not.toContain("ftp://x")
  })

  it("own credentials come complete", () => {
    const found = problems({ clientSecret: "s3cret" })
    expect(found).toEqual(['option "accountId" is required when clientSecret is given', 'option "clientId" is required when clientSecret is given'])
    expect(found.join(" ")).not.toContain("s3cret")
    expect(problems({ accountId: "X1", clientId: "id", clientSecret: "s" })).toEqual([expect.stringMatching(/^option "accountId" must be T or P/)])
  })

  it("the error names the module", () => {
    expect(() => parseDinteroOrdersOptions({ maxAttempts: 1.5 })).toThrow(/^Invalid options for the Dintero Orders mirror \(dinteroOrders\): option "maxAttempts"/)
  })
})
