import { assertReturnUrlTemplate, fillReturnUrl, returnUrlPlaceholders, returnUrlValuesOf } from "../return-url"

const cart = {
  id: "cart_01ABC",
  shipping_address: { country_code: "NO" },
  billing_address: { country_code: "se" },
}

describe("fillReturnUrl", () => {
  it("returns a URL without placeholders unchanged", () => {
    const url = "https://shop.example/checkout/dintero/return?x=1"
    expect(fillReturnUrl(url, {})).toBe(url)
  })

  it("fills the country (lower case, shipping address first) and the cart id", () => {
    expect(
      fillReturnUrl("https://shop.example/{country_code}/checkout/dintero/return?cart={cart_id}", returnUrlValuesOf(cart))
    ).toBe("https://shop.example/no/checkout/dintero/return?cart=cart_01ABC")
  })

  it("falls back to the billing address country", () => {
    expect(fillReturnUrl("https://s/{country_code}/r", returnUrlValuesOf({ ...cart, shipping_address: null }))).toBe(
      "https://s/se/r"
    )
  })

  it("fills a placeholder used twice", () => {
    expect(fillReturnUrl("https://s/{cart_id}/{cart_id}", { cart_id: "c1" })).toBe("https://s/c1/c1")
  })

  it("URL-encodes the values", () => {
    expect(fillReturnUrl("https://s/r?c={cart_id}", { cart_id: "a b/&c" })).toBe("https://s/r?c=a%20b%2F%26c")
  })

  it("names a placeholder the payment cannot fill", () => {
    expect(() => fillReturnUrl("https://s/{country_code}/r", returnUrlValuesOf(null))).toThrow(
      "returnUrl needs {country_code} (the cart's shipping or billing address country), and this payment has none"
    )
    expect(() => fillReturnUrl("https://s/{country_code}/r", { country_code: "  " })).toThrow("{country_code}")
  })

  it("refuses an unknown placeholder, naming it", () => {
    expect(() => fillReturnUrl("https://s/{countryCode}/r", returnUrlValuesOf(cart))).toThrow(
      "returnUrl has unknown placeholder(s) {countryCode}; known: {country_code}, {cart_id}"
    )
  })
})

describe("returnUrlPlaceholders / assertReturnUrlTemplate", () => {
  it("lists each placeholder once", () => {
    expect(returnUrlPlaceholders("https://s/{country_code}/{cart_id}/{country_code}")).toEqual(["country_code", "cart_id"])
    expect(returnUrlPlaceholders("https://s/r")).toEqual([])
  })

  it("accepts known placeholders and refuses others", () => {
    expect(() => assertReturnUrlTemplate("https://s/{country_code}")).not.toThrow()
    expect(() => assertReturnUrlTemplate("https://s/{}")).toThrow("{}")
  })
})
