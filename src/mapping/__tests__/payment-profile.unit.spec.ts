import {
  DINTERO_CURRENCIES,
  choosePaymentProfile,
  profileConflicts,
  profileProbes,
  type PaymentProfileSettings,
} from "../payment-profile"

// A Nordic store: a profile per market, a Swedish exception for Gotland's region, a currency-wide EUR profile.
const nordic: PaymentProfileSettings = {
  profiles: [
    { id: "vipps-no", currency: "NOK", countries: ["NO"] },
    { id: "swish-se", currency: "SEK", countries: ["SE"] },
    { id: "mobilepay-dk", currency: "DKK", countries: ["DK"] },
    { id: "cards-se-region", currency: "SEK", regions: ["reg_se"] },
    { id: "cards-eur", currency: "EUR" },
  ],
}

describe("choosePaymentProfile", () => {
  it("picks the market's profile by country", () => {
    expect(choosePaymentProfile(nordic, { currency: "nok", countryCode: "no", regionId: "reg_no" })).toEqual({
      ok: true,
      profileId: "vipps-no",
      matchedBy: "country",
    })
    expect(choosePaymentProfile(nordic, { currency: "SEK", countryCode: "SE" })).toMatchObject({ profileId: "swish-se" })
    expect(choosePaymentProfile(nordic, { currency: "DKK", countryCode: "DK" })).toMatchObject({ profileId: "mobilepay-dk" })
  })

  it("country wins over region, region over currency, currency over the default", () => {
    const settings: PaymentProfileSettings = {
      profileId: "default",
      profiles: [
        { id: "by-currency", currency: "SEK" },
        { id: "by-region", currency: "SEK", regions: ["reg_nordics"] },
        { id: "by-country", currency: "SEK", countries: ["SE"] },
      ],
    }
    const choose = (market: { countryCode?: string; regionId?: string; currency?: string }) =>
      choosePaymentProfile(settings, { currency: "SEK", ...market })
    expect(choose({ countryCode: "SE", regionId: "reg_nordics" })).toMatchObject({ profileId: "by-country", matchedBy: "country" })
    expect(choose({ countryCode: "FI", regionId: "reg_nordics" })).toMatchObject({ profileId: "by-region", matchedBy: "region" })
    expect(choose({ countryCode: "FI", regionId: "reg_other" })).toMatchObject({ profileId: "by-currency", matchedBy: "currency" })
    expect(choose({ currency: "NOK", countryCode: "SE", regionId: "reg_nordics" })).toMatchObject({
      profileId: "default",
      matchedBy: "default",
    })
  })

  it("matches an entry only in its own currency: a Danish shopper paying EUR gets the EUR profile", () => {
    expect(choosePaymentProfile(nordic, { currency: "EUR", countryCode: "DK" })).toMatchObject({ profileId: "cards-eur", matchedBy: "currency" })
    expect(choosePaymentProfile(nordic, { currency: "SEK", countryCode: "FI", regionId: "reg_se" })).toMatchObject({
      profileId: "cards-se-region",
    })
  })

  it("refuses a currency or country without a profile, with a message the storefront can show", () => {
    const noDefault = choosePaymentProfile(nordic, { currency: "NOK", countryCode: "SE" })
    expect(noDefault).toEqual({ ok: false, problem: "no_profile", message: expect.stringContaining("NOK for SE") })
    expect(noDefault.ok === false && noDefault.message).toMatch(/choose another payment method/)
    expect(choosePaymentProfile(nordic, { currency: "DKK" })).toMatchObject({ ok: false, problem: "no_profile" })
  })

  it("refuses a currency Dintero does not take, even with a default profile", () => {
    const choice = choosePaymentProfile({ profileId: "default" }, { currency: "usd", countryCode: "US" })
    expect(choice).toEqual({ ok: false, problem: "unsupported_currency", message: expect.stringContaining("USD") })
    expect(choice.ok === false && choice.message).toContain("NOK, SEK, DKK and EUR")
  })

  it("keeps the simple case: one profileId for every currency Dintero takes", () => {
    for (const currency of DINTERO_CURRENCIES) {
      expect(choosePaymentProfile({ profileId: "default" }, { currency })).toEqual({ ok: true, profileId: "default", matchedBy: "default" })
    }
  })
})

describe("profileConflicts", () => {
  it("accepts the Nordic store", () => {
    expect(profileConflicts(nordic.profiles!)).toEqual([])
  })

  it("names a currency Dintero does not take and two entries claiming the same market", () => {
    expect(
      profileConflicts([
        { id: "a", currency: "NOK", countries: ["NO"], regions: ["reg_1"] },
        { id: "b", currency: "USD" },
        { id: "c", currency: "NOK", countries: ["SE", "NO"] },
        { id: "d", currency: "NOK", regions: ["reg_1"] },
        { id: "e", currency: "EUR" },
        { id: "f", currency: "EUR" },
        // The same country in another currency is another market: no conflict.
        { id: "g", currency: "EUR", countries: ["NO"] },
      ])
    ).toEqual([
      [[1, "currency"], expect.stringContaining("must be one of NOK, SEK, DKK and EUR")],
      [[2, "countries", 1], "NO in NOK is already served by profiles[0]"],
      [[3, "regions", 0], "region reg_1 in NOK is already served by profiles[0]"],
      [[5, "currency"], "every market in EUR is already served by profiles[4]"],
    ])
  })
})

describe("profileProbes", () => {
  it("tests each entry in its own currency and the default in the store's currency, each pair once", () => {
    expect(profileProbes({ profileId: "default", profiles: nordic.profiles }, "nok")).toEqual([
      { profileId: "default", currency: "NOK" },
      { profileId: "vipps-no", currency: "NOK" },
      { profileId: "swish-se", currency: "SEK" },
      { profileId: "mobilepay-dk", currency: "DKK" },
      { profileId: "cards-se-region", currency: "SEK" },
      { profileId: "cards-eur", currency: "EUR" },
    ])
    expect(
      profileProbes({ profileId: "default", profiles: [{ id: "default", currency: "NOK", countries: ["NO"] }, { id: "default", currency: "SEK" }] }, "NOK")
    ).toEqual([
      { profileId: "default", currency: "NOK" },
      { profileId: "default", currency: "SEK" },
    ])
  })
})
