import fc from "fast-check"
import { scaledToString, toMinorUnits } from "../money"
import {
  CartForSession,
  LineItemInput,
  ShippingMethodInput,
  buildSessionOrder,
  toOrderAddress,
} from "../session"

function item(overrides: Partial<LineItemInput> & Pick<LineItemInput, "id">): LineItemInput {
  return {
    title: "Stablestol",
    quantity: 1,
    total: "299.90",
    tax_total: "59.98",
    tax_lines: [{ rate: 25 }],
    ...overrides,
  }
}

function shipping(overrides: Partial<ShippingMethodInput> & Pick<ShippingMethodInput, "id">): ShippingMethodInput {
  return { name: "Standard", total: 39, tax_total: "7.80", tax_lines: [{ rate: 25 }], ...overrides }
}

function cart(overrides: Partial<CartForSession> = {}): CartForSession {
  return {
    id: "cart_01",
    currency_code: "nok",
    total: "338.90",
    items: [item({ id: "cali_1", variant_sku: "chair-1" })],
    shipping_methods: [shipping({ id: "casm_1", shipping_option_id: "so_std" })],
    ...overrides,
  }
}

/** The contract Dintero enforces (strict-session-amounts) and we guarantee. */
function linesSum(order: ReturnType<typeof buildSessionOrder>): number {
  return order.items.reduce((sum, line) => sum + line.amount, 0) + (order.shipping_option?.amount ?? 0)
}

describe("buildSessionOrder", () => {
  it("maps a one-item cart with shipping to the documented session order", () => {
    const order = buildSessionOrder(cart())
    expect(order).toEqual({
      amount: 33890,
      currency: "NOK",
      merchant_reference: "cart_01",
      vat_amount: 5998 + 780,
      items: [
        {
          id: "chair-1",
          line_id: "cali_1",
          description: "Stablestol",
          quantity: 1,
          amount: 29990,
          vat_amount: 5998,
          vat: 25,
          type: "physical",
        },
      ],
      shipping_option: {
        id: "so_std",
        line_id: "shipping_casm_1",
        amount: 3900,
        vat_amount: 780,
        vat: 25,
        title: "Standard",
        operator: "",
        delivery_method: "unspecified",
      },
    })
    expect(linesSum(order)).toBe(order.amount)
  })

  it("uses the payment collection amount when given, and the delivery method the glue knows", () => {
    const order = buildSessionOrder(cart({ total: "0" }), {
      amount: { value: "338.90", precision: 20 } as { value: string },
      deliveryMethod: "pick_up",
    })
    expect(order.amount).toBe(33890)
    expect(order.shipping_option?.delivery_method).toBe("pick_up")
  })

  it("takes the item id from SKU, else variant id, else the line id", () => {
    const order = buildSessionOrder(
      cart({
        total: "899.70",
        shipping_methods: [],
        items: [
          item({ id: "cali_1", variant_sku: "SKU-1", variant_id: "variant_1" }),
          item({ id: "cali_2", variant_sku: "  ", variant_id: "variant_2" }),
          item({ id: "cali_3", variant_sku: null, variant_id: null }),
        ],
      })
    )
    expect(order.items.map((line) => [line.id, line.line_id])).toEqual([
      ["SKU-1", "cali_1"],
      ["variant_2", "cali_2"],
      ["cali_3", "cali_3"],
    ])
  })

  it("describes lines by title plus a meaningful variant title", () => {
    const order = buildSessionOrder(
      cart({
        total: "1199.60",
        shipping_methods: [],
        items: [
          item({ id: "a", title: "Chair", variant_title: "Blue" }),
          item({ id: "b", title: "Chair", variant_title: "Default variant" }),
          item({ id: "c", title: "Chair Blue", variant_title: "blue" }),
          item({ id: "d", title: null, product_title: "Table", variant_title: "Oak" }),
        ],
      })
    )
    expect(order.items.map((line) => line.description)).toEqual(["Chair (Blue)", "Chair", "Chair Blue", "Table (Oak)"])
  })

  it("orders lines by creation time so line positions do not depend on query order", () => {
    const order = buildSessionOrder(
      cart({
        total: "599.80",
        shipping_methods: [],
        items: [
          item({ id: "late", created_at: "2026-01-02T00:00:00Z" }),
          item({ id: "early", created_at: new Date("2026-01-01T00:00:00Z") }),
        ],
      })
    )
    expect(order.items.map((line) => line.line_id)).toEqual(["early", "late"])
  })

  it("sums the rates of several tax lines and keeps 2 decimals", () => {
    const order = buildSessionOrder(
      cart({
        currency_code: "USD",
        total: "115.75",
        shipping_methods: [],
        items: [item({ id: "a", total: "115.75", tax_total: "15.75", tax_lines: [{ rate: "12.5" }, { rate: 3.25 }] })],
      })
    )
    expect(order.items[0]).toMatchObject({ amount: 11575, vat_amount: 1575, vat: 15.75 })
  })

  it("derives the effective rate when a taxed line has no tax lines, and 0 when untaxed", () => {
    const order = buildSessionOrder(
      cart({
        total: "225",
        shipping_methods: [],
        items: [
          item({ id: "a", total: "125", tax_total: "25", tax_lines: [] }),
          item({ id: "b", total: "100", tax_total: 0, tax_lines: null }),
        ],
      })
    )
    expect(order.items.map((line) => line.vat)).toEqual([25, 0])
  })

  it("uses line totals after discounts, so a spread order discount needs no extra line", () => {
    // 10% off 299.90 + 99.90 spread on the lines; Medusa's totals are already net of it
    const order = buildSessionOrder(
      cart({
        total: "359.82",
        discount_total: "39.98",
        shipping_methods: [],
        items: [
          item({ id: "a", quantity: 1, total: "269.91", tax_total: "53.982" }),
          item({ id: "b", quantity: 1, total: "89.91", tax_total: "17.982" }),
        ],
      })
    )
    expect(order.items.map((line) => [line.amount, line.vat_amount])).toEqual([
      [26991, 5398],
      [8991, 1798],
    ])
    expect(order.items.some((line) => line.line_id === "rounding")).toBe(false)
    expect(order.vat_amount).toBe(5398 + 1798)
  })

  it("states Medusa's tax_total as the session's vat_amount, not the sum of the lines' rounded VAT", () => {
    // Three lines of 33.33… with 6.666… VAT each: rounded per line 667 × 3 = 2001, Medusa's tax_total is 20.00.
    const third = "33.333333333333333333"
    const order = buildSessionOrder(
      cart({
        total: 100,
        tax_total: "20",
        shipping_methods: [],
        items: ["a", "b", "c"].map((id) => item({ id, total: third, tax_total: "6.666666666666666667" })),
      })
    )
    expect(order.items.slice(0, 3).map((line) => line.vat_amount)).toEqual([667, 667, 667])
    expect(order.vat_amount).toBe(2000)
  })

  it("adds a rounding line for 3 × 33.33… lines of a 100.00 total", () => {
    const third = "33.333333333333333333"
    const order = buildSessionOrder(
      cart({
        total: 100,
        shipping_methods: [],
        items: ["a", "b", "c"].map((id) => item({ id, total: third, tax_total: "6.666666666666666667" })),
      })
    )
    expect(order.items.map((line) => line.amount)).toEqual([3333, 3333, 3333, 1])
    expect(order.items[3]).toEqual({
      id: "rounding",
      line_id: "rounding",
      description: "Rounding",
      quantity: 1,
      amount: 1,
      vat_amount: 0,
      vat: 0,
    })
    expect(linesSum(order)).toBe(10000)
  })

  it("adds a negative rounding line when per-line rounding overshoots", () => {
    const order = buildSessionOrder(
      cart({
        total: "100.01", // 3 × 33.335 rounds to 3 × 33.34 = 100.02
        shipping_methods: [],
        items: ["a", "b", "c"].map((id) => item({ id, total: "33.335", tax_total: "6.667" })),
      })
    )
    expect(order.items.at(-1)).toMatchObject({ line_id: "rounding", amount: -1 })
    expect(linesSum(order)).toBe(10001)
  })

  it("refuses to hide a gap larger than rounding", () => {
    expect(() => buildSessionOrder(cart({ total: "348.90" }))).toThrow(
      /cart_01: the lines add up to 33890 but the amount to pay is 34890 .* more than rounding/
    )
    expect(() => buildSessionOrder(cart(), { amount: "338.94" })).toThrow(/more than rounding/)
  })

  it("accepts a gap up to the number of lines + 1 minor units", () => {
    // 1 item + 1 shipping option → bound 3
    expect(linesSum(buildSessionOrder(cart(), { amount: "338.93" }))).toBe(33893)
    expect(linesSum(buildSessionOrder(cart(), { amount: "338.87" }))).toBe(33887)
  })

  it("lists several shipping methods as shipping items instead of one shipping_option", () => {
    const order = buildSessionOrder(
      cart({
        total: "398.90",
        shipping_methods: [
          shipping({ id: "casm_1", shipping_option_id: "so_home", name: "Home delivery" }),
          shipping({ id: "casm_2", name: "Express surcharge", total: "60", tax_total: "12" }),
        ],
      })
    )
    expect(order.shipping_option).toBeUndefined()
    expect(order.items.slice(1)).toEqual([
      {
        id: "so_home",
        line_id: "shipping_casm_1",
        description: "Home delivery",
        quantity: 1,
        amount: 3900,
        vat_amount: 780,
        vat: 25,
        type: "shipping",
      },
      {
        id: "casm_2",
        line_id: "shipping_casm_2",
        description: "Express surcharge",
        quantity: 1,
        amount: 6000,
        vat_amount: 1200,
        vat: 25,
        type: "shipping",
      },
    ])
    expect(order.vat_amount).toBe(5998 + 780 + 1200)
    expect(linesSum(order)).toBe(39890)
  })

  it("keeps a free shipping option (amount 0)", () => {
    const order = buildSessionOrder(
      cart({ total: "299.90", shipping_methods: [shipping({ id: "casm_1", total: 0, tax_total: 0 })] })
    )
    expect(order.shipping_option).toMatchObject({ id: "casm_1", amount: 0, vat_amount: 0, vat: 25 })
  })

  it("adds store credit and gift cards as one negative gift_card line", () => {
    const order = buildSessionOrder(cart({ total: "238.90", credit_line_total: "75", gift_card_total: { value: "25" } }))
    expect(order.items.at(-1)).toEqual({
      id: "credit_lines",
      line_id: "credit_lines",
      description: "Gift card / store credit",
      quantity: 1,
      amount: -10000,
      vat_amount: 0,
      vat: 0,
      type: "gift_card",
    })
    expect(linesSum(order)).toBe(23890)
    expect(order.vat_amount).toBe(6778)
  })

  it("handles a zero-decimal currency", () => {
    const order = buildSessionOrder({
      id: "cart_jpy",
      currency_code: "JPY",
      total: 1000,
      items: ["a", "b", "c"].map((id) => item({ id, total: "333.3333", tax_total: "30.303", tax_lines: [{ rate: 10 }] })),
    })
    expect(order.currency).toBe("JPY")
    expect(order.items.map((line) => line.amount)).toEqual([333, 333, 333, 1])
    expect(order.items[0].vat_amount).toBe(30)
    expect(order.amount).toBe(1000)
  })

  it("handles a three-decimal currency", () => {
    const order = buildSessionOrder({
      id: "cart_kwd",
      currency_code: "kwd",
      total: "12.3455",
      items: [item({ id: "a", total: "12.3455", tax_total: "0.5875", tax_lines: [{ rate: 5 }] })],
    })
    expect(order).toMatchObject({ amount: 12346, currency: "KWD", vat_amount: 588 })
    expect(order.items).toHaveLength(1)
  })

  it("passes decimal quantities through as numbers", () => {
    const order = buildSessionOrder(
      cart({ total: "299.90", shipping_methods: null, items: [item({ id: "a", quantity: { value: "2.5" } })] })
    )
    expect(order.items[0].quantity).toBe(2.5)
  })

  it("maps both addresses, omitting empty fields, and adds the cart email", () => {
    const order = buildSessionOrder(
      cart({
        email: "john@example.com",
        shipping_address: {
          first_name: "John",
          last_name: "Doe",
          address_1: "Karl Johans gate 1",
          address_2: "",
          company: null,
          postal_code: "0154",
          city: "Oslo",
          country_code: "no",
          phone: "+4799999999",
        },
        billing_address: { first_name: " ", country_code: "se" },
      })
    )
    expect(order.shipping_address).toEqual({
      first_name: "John",
      last_name: "Doe",
      address_line: "Karl Johans gate 1",
      postal_code: "0154",
      postal_place: "Oslo",
      country: "NO",
      phone_number: "+4799999999",
      email: "john@example.com",
    })
    expect(order.billing_address).toEqual({ country: "SE", email: "john@example.com" })
  })

  it("omits addresses that are missing or empty", () => {
    const order = buildSessionOrder(cart({ shipping_address: null, billing_address: { first_name: "" } }))
    expect(order).not.toHaveProperty("shipping_address")
    expect(order).not.toHaveProperty("billing_address")
    expect(toOrderAddress({ company: "Dintero AS", country_code: "NOR" })).toEqual({ business_name: "Dintero AS" })
  })

  it("never puts the payment amount on faith: a cart with no lines cannot pay a positive amount", () => {
    expect(() => buildSessionOrder({ id: "c", currency_code: "NOK", total: 100, items: [] })).toThrow(/more than rounding/)
  })

  it("rejects garbage totals with a clear error", () => {
    expect(() => buildSessionOrder(cart({ items: [item({ id: "a", total: "abc" })] }))).toThrow(/not a decimal number/)
  })
})

describe("buildSessionOrder properties", () => {
  // Totals in 1/10000 of a major unit: more precision than NOK has, as Medusa's computed totals do.
  const tenThousandths = fc.bigInt({ min: 0n, max: 5_000_000_000n })
  const lineArb = fc.record({ total: tenThousandths, ratePercent: fc.constantFrom(0, 6, 12, 15, 25) })
  const cartArb = fc.record({
    items: fc.array(lineArb, { minLength: 1, maxLength: 12 }),
    methods: fc.array(lineArb, { maxLength: 3 }),
    creditMinor: fc.integer({ min: 0, max: 5000 }),
  })

  const text = (value: bigint) => scaledToString(value, 4)
  const tax = (total: bigint, rate: number) => (total * BigInt(rate)) / BigInt(100 + rate)

  it("amount === Σ items + shipping_option, each line is its own rounded total, rounding stays tiny", () => {
    fc.assert(
      fc.property(cartArb, ({ items, methods, creditMinor }) => {
        const exactSum = [...items, ...methods].reduce((sum, line) => sum + line.total, 0n)
        const credit = BigInt(creditMinor) * 100n
        fc.pre(exactSum >= credit)
        const input: CartForSession = {
          id: "cart_prop",
          currency_code: "NOK",
          total: text(exactSum - credit),
          credit_line_total: text(credit),
          items: items.map((line, i) =>
            item({ id: `cali_${i}`, total: text(line.total), tax_total: text(tax(line.total, line.ratePercent)), tax_lines: [{ rate: line.ratePercent }] })
          ),
          shipping_methods: methods.map((line, i) =>
            shipping({ id: `casm_${i}`, total: text(line.total), tax_total: text(tax(line.total, line.ratePercent)) })
          ),
        }
        const order = buildSessionOrder(input)

        expect(order.amount).toBe(toMinorUnits(text(exactSum - credit), "NOK"))
        expect(linesSum(order)).toBe(order.amount)

        items.forEach((line, i) => {
          expect(order.items[i].amount).toBe(toMinorUnits(text(line.total), "NOK"))
        })
        const rounding = order.items.filter((line) => line.line_id === "rounding")
        const described = linesSum(order) - (rounding[0]?.amount ?? 0)
        expect(rounding.length).toBe(described === order.amount ? 0 : 1)
        if (rounding.length) expect(Math.abs(rounding[0].amount)).toBeLessThanOrEqual(order.items.length)
        expect(new Set(order.items.map((line) => line.line_id)).size).toBe(order.items.length)
        expect(order.vat_amount).toBe(
          order.items.reduce((sum, line) => sum + line.vat_amount, 0) + (order.shipping_option?.vat_amount ?? 0)
        )
      }),
      { numRuns: 300 }
    )
  })
})
