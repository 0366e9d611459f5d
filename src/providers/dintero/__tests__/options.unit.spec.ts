import { DinteroPaymentProviderService } from "../service"
import { backendUrlWarning, parseDinteroOptions } from "../options"

const valid = {
  accountId: "T12345678",
  clientId: "client",
  clientSecret: "very-secret-value",
  profileId: "default",
  returnUrl: "https://shop.example/checkout/dintero/return",
  backendUrl: "https://api.shop.example/",
}

describe("Dintero provider options", () => {
  it("accepts a minimal configuration and fills Dintero's defaults", () => {
    const parsed = parseDinteroOptions(valid)
    expect(parsed).toMatchObject({
      checkoutBaseUrl: "https://checkout.dintero.com/v1",
      apiBaseUrl: "https://api.dintero.com/v1",
      backendUrl: "https://api.shop.example",
      returnUrl: "https://shop.example/checkout/dintero/return",
      autoCapture: false,
      sessionLifetimeMinutes: 240,
      callbackDelaySeconds: 10,
      releaseUncompletableCartAfterMinutes: 30,
    })
    expect(parsed.callbackSecret).toBeUndefined()
  })

  it.each([
    [{ accountId: "12345678" }, /option "accountId" must be T or P followed by 8 digits/],
    [{ accountId: "X12345678" }, /option "accountId"/],
    [{ clientId: "" }, /option "clientId" is required/],
    [{ clientSecret: undefined }, /option "clientSecret" is required/],
    [{ profileId: "  " }, /option "profileId" is required/],
    [{ returnUrl: "not a url" }, /option "returnUrl" must be the storefront return URL/],
    [{ returnUrl: "https://shop.example/{country}/checkout/dintero/return" }, /option "returnUrl".*unknown placeholder\(s\) \{country\}/],
    [{ backendUrl: "ftp://x" }, /option "backendUrl"/],
    [{ checkoutBaseUrl: "checkout.dintero.com" }, /option "checkoutBaseUrl"/],
    [{ autoCapture: "yes" }, /option "autoCapture" must be true or false/],
    [{ sessionLifetimeMinutes: 2 }, /option "sessionLifetimeMinutes" must be at least 5 minutes/],
    [{ callbackDelaySeconds: 61 }, /option "callbackDelaySeconds" must be between 0 and 60/],
    [{ callbackSecret: "" }, /option "callbackSecret" must not be empty/],
    [{ releaseUncompletableCartAfterMinutes: 1 }, /option "releaseUncompletableCartAfterMinutes" must be at least 5 minutes/],
    [{ releaseUncompletableCartAfterMinutes: 12.5 }, /option "releaseUncompletableCartAfterMinutes" must be a whole number of minutes/],
    [{ releaseUncompletableCartAfterMinutes: "30" }, /option "releaseUncompletableCartAfterMinutes" must be a number of minutes/],
    [{ clientsecret: "typo" }, /unknown option\(s\) "clientsecret"/],
  ])("stops boot naming the bad option: %j", (patch, message) => {
    const options = { ...valid, ...patch }
    // validateOptions is what Medusa's module loader calls before registering the provider.
    expect(() => DinteroPaymentProviderService.validateOptions(options)).toThrow(message)
  })

  it("names every bad option at once and never echoes a secret", () => {
    let message = ""
    try {
      parseDinteroOptions({ ...valid, accountId: "bad", clientSecret: 42 as unknown as string, callbackSecret: "" })
    } catch (e) {
      message = (e as Error).message
    }
    expect(message).toMatch(/"accountId"/)
    expect(message).toMatch(/"clientSecret"/)
    expect(message).toMatch(/"callbackSecret"/)
    expect(message).not.toContain("very-secret-value")
    expect(message).not.toContain("42")
  })

  it("rejects no options at all with every required option named", () => {
    expect(() => parseDinteroOptions(undefined)).toThrow(
      /accountId.*clientId.*clientSecret.*profileId.*returnUrl.*backendUrl/
    )
  })

  describe("payment profiles per market", () => {
    const { profileId: _default, ...withoutProfileId } = valid
    const nordic = [
      { id: "vipps-no", currency: "nok", countries: ["no"] },
      { id: "swish-se", currency: "SEK", countries: ["SE"] },
      { id: "mobilepay-dk", currency: "DKK", regions: ["reg_dk"] },
    ]

    it("accepts profiles without a default profileId, normalising currency and country codes", () => {
      const parsed = parseDinteroOptions({ ...withoutProfileId, profiles: nordic })
      expect(parsed.profileId).toBeUndefined()
      expect(parsed.profiles).toEqual([
        { id: "vipps-no", currency: "NOK", countries: ["NO"] },
        { id: "swish-se", currency: "SEK", countries: ["SE"] },
        { id: "mobilepay-dk", currency: "DKK", regions: ["reg_dk"] },
      ])
      expect(parseDinteroOptions({ ...valid, profiles: nordic }).profileId).toBe("default")
    })

    it.each([
      [{ profiles: [{ id: "x", currency: "USD" }] }, /option "profiles\[0\]\.currency" must be one of NOK, SEK, DKK and EUR/],
      [{ profiles: [nordic[0], { id: "x", currency: "kroner" }] }, /option "profiles\[1\]\.currency" must be an ISO 4217 code/],
      [{ profiles: [nordic[0], { id: " ", currency: "SEK" }] }, /option "profiles\[1\]\.id" is required/],
      [{ profiles: [nordic[0], { id: "x", currency: "NOK", countries: ["Norway"] }] }, /option "profiles\[1\]\.countries\[0\]" must be an ISO 3166-1 alpha-2/],
      [{ profiles: [nordic[0], { id: "x", currency: "NOK", countries: ["NO"] }] }, /option "profiles\[1\]\.countries\[0\]" NO in NOK is already served by profiles\[0\]/],
      [{ profiles: [{ id: "x", currency: "NOK", country: ["NO"] }] }, /unknown option\(s\) "profiles\[0\]\.country"/],
      [{ profiles: [] }, /option "profiles" must list at least one payment profile/],
      [{ profiles: "default" }, /option "profiles" must be a list of payment profiles/],
    ])("stops boot naming the bad profile option: %j", (patch, message) => {
      expect(() => DinteroPaymentProviderService.validateOptions({ ...withoutProfileId, ...patch })).toThrow(message)
    })

    it("needs either profileId or profiles", () => {
      expect(() => parseDinteroOptions(withoutProfileId)).toThrow(/option "profileId" is required .*unless "profiles"/)
    })
  })
})

describe("backendUrl and Dintero's callbacks", () => {
  it.each(["http://api.shop.example", "https://localhost:9000", "https://127.0.0.1", "http://localhost:9000"])(
    "refuses %s for a production account, naming the option",
    (backendUrl) => {
      expect(() => parseDinteroOptions({ ...valid, accountId: "P12345678", backendUrl })).toThrow(/option "backendUrl" must/)
    }
  )

  it("accepts a public https URL for a production account", () => {
    expect(parseDinteroOptions({ ...valid, accountId: "P12345678" }).backendUrl).toBe("https://api.shop.example")
    expect(backendUrlWarning(parseDinteroOptions({ ...valid, accountId: "P12345678" }))).toBeNull()
  })

  it("accepts but warns about a local or http URL for a test account", () => {
    const parsed = parseDinteroOptions({ ...valid, backendUrl: "http://localhost:9000" })
    expect(backendUrlWarning(parsed)).toMatch(/^option "backendUrl" must be an https URL/)
    expect(backendUrlWarning(parseDinteroOptions(valid))).toBeNull()
  })
})
