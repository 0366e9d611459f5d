import { validateSessionCreate } from "../validation"
import { DEFAULTS } from "../index"

const body = (profile_id: string, currency: string) => ({
  profile_id,
  url: { return_url: "https://shop.example/return" },
  order: {
    amount: 100,
    currency,
    merchant_reference: "cart_1",
    items: [{ id: "a", line_id: "1", description: "A", quantity: 1, amount: 100, vat_amount: 20, vat: 25 }],
  },
})

describe("emulator: payment profiles per currency", () => {
  const ctx = {
    profiles: [...DEFAULTS.profiles, "any"],
    profileCurrencies: { default: ["NOK"], sweden: ["SEK"], denmark: ["DKK"] },
    requireHttpsCallback: false,
  }

  it("takes a session in the profile's currency, and any currency on a profile without a list", () => {
    expect(validateSessionCreate(body("sweden", "SEK"), ctx)).toEqual([])
    expect(validateSessionCreate(body("any", "EUR"), ctx)).toEqual([])
  })

  it("refuses a currency the profile does not take, naming both", () => {
    expect(validateSessionCreate(body("default", "SEK"), ctx)).toEqual([
      { path: "order.currency", message: "payment profile default does not take SEK (it takes NOK)" },
    ])
  })

  it("still reports an unknown profile as such", () => {
    expect(validateSessionCreate(body("nope", "NOK"), ctx)).toEqual([{ path: "profile_id", message: "payment profile nope not found" }])
  })

  it("starts with the dev store's four profiles, one currency each", () => {
    expect(DEFAULTS.profileCurrencies).toEqual({ default: ["NOK"], sweden: ["SEK"], denmark: ["DKK"], finland: ["EUR"] })
  })
})
