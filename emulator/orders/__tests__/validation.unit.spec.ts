import { alphanumeric9 } from "../order-id"
import { checkDraftLines, validateDraftCreate, validateItem, validateOperation } from "../validation"
import type { OrderItem } from "../types"

const chair = {
  id: "175938",
  line_id: 1,
  quantity: 2,
  gross_amount: 39800,
  tax_lines: [{ amount: 7960, percentage: 25 }],
  description: "Stablestol for utendørsbruk",
  description_alias: "Staplestol",
}
const reversal = {
  ...chair,
  line_id: 2,
  gross_amount: -39800,
  tax_lines: [{ amount: -7960, percentage: 25 }],
  reversed_reason: "Replace item",
  related_item: { line_id: 1, type: "reversed" },
}

const messages = (r: { errors: { message: string }[] }) => r.errors.map((e) => e.message)

describe("validateItem", () => {
  it("accepts the seed's lines and keeps unknown fields", () => {
    expect(validateItem(chair, "item")).toEqual({ value: chair, errors: [] })
    expect(validateItem(reversal, "item").errors).toEqual([])
    expect(validateItem({ ...chair, discount_lines: [{ amount: 1 }] }, "item").value?.discount_lines).toEqual([{ amount: 1 }])
  })

  it.each([
    [{ ...chair, line_id: "1" }, /line_id must be an integer, got the string "1"/],
    [{ ...chair, line_id: 1.5 }, /line_id must be an integer/],
    [{ ...chair, line_id: undefined }, /line_id must be an integer, got undefined/],
    [{ ...chair, gross_amount: "39800" }, /gross_amount must be an integer/],
    [{ ...chair, gross_amount: 398.5 }, /gross_amount must be an integer/],
    [{ ...chair, quantity: 0 }, /quantity must be a number greater than 0/],
    [{ ...chair, gross_amount: -100, tax_lines: [] }, /must not be negative.*related_item/],
    [{ ...chair, tax_lines: [{ amount: -1, percentage: 25 }] }, /must not be negative/],
    [{ ...chair, tax_lines: [{ amount: 7960 }] }, /percentage must be a number/],
    [{ ...chair, tax_lines: [{ amount: 50000, percentage: 25 }] }, /tax_lines total 50000 exceeds the gross_amount 39800/],
    [{ ...reversal, gross_amount: 100, tax_lines: [] }, /reversal line must be 0 or negative/],
    [{ ...reversal, related_item: { line_id: 1, type: "replaced" } }, /related_item.type must be "reversed"/],
    [{ ...reversal, related_item: { line_id: "1", type: "reversed" } }, /related_item.line_id must be an integer/],
    [{ ...chair, description: 5 }, /description must be a string/],
    ["x", /must be an object/],
  ])("refuses %j", (item, message) => {
    const r = validateItem(item, "item")
    expect(r.value).toBeUndefined()
    expect(messages(r).join("\n")).toMatch(message)
  })
})

describe("checkDraftLines", () => {
  const order: OrderItem[] = [chair as OrderItem]
  const rev = reversal as OrderItem

  it("accepts the seed's reversal draft against the order", () => {
    expect(checkDraftLines([rev, { ...chair, line_id: 3 }], order)).toEqual([])
  })

  it("refuses duplicate line ids in the draft and line ids the order already uses", () => {
    expect(messages({ errors: checkDraftLines([chair, chair] as OrderItem[], []) })).toEqual([
      "line_id 1 is used more than once in the draft",
    ])
    expect(messages({ errors: checkDraftLines([{ ...chair, line_id: 1 }], order) })[0]).toMatch(/already used by a line of the order/)
  })

  it("refuses reversals of unknown, reversal or already reversed lines and over-reversals", () => {
    const rel = (line_id: number) => ({ line_id, type: "reversed" as const })
    expect(checkDraftLines([{ ...rev, related_item: rel(9) }], order)[0].message).toMatch(/reverses line_id 9, which does not exist/)
    expect(checkDraftLines([rev], [...order, { ...rev, line_id: 5 }])[0].message).toMatch(/already reversed by line_id 5/)
    expect(checkDraftLines([rev, { ...rev, line_id: 3 }], order)[0].message).toMatch(/only once/)
    expect(checkDraftLines([{ ...rev, line_id: 3, related_item: rel(2) }], [...order, rev])[0].message).toMatch(/itself a reversal/)
    expect(checkDraftLines([{ ...rev, gross_amount: -39801 }], order)[0].message).toMatch(/gives back 39801, more than/)
    // A reversal inside a new order's own draft may point at a line of that draft.
    expect(checkDraftLines([chair as OrderItem, rev], [])).toEqual([])
  })
})

describe("validateDraftCreate", () => {
  it("accepts the seed body and defaults options and items", () => {
    const r = validateDraftCreate({ options: { generate_order_id: "ALPHANUMERIC_9" }, order: { currency: "NOK", items: [chair] } })
    expect(r.errors).toEqual([])
    expect(validateDraftCreate({ order: { currency: "NOK" } }).value).toEqual({ options: {}, order: { currency: "NOK", items: [] } })
  })

  it.each([
    [{}, /order is required/],
    [{ order: { currency: "nok" } }, /3-letter/],
    [{ options: { generate_order_id: "NUMERIC_5" }, order: { currency: "NOK" } }, /not supported/],
    [{ options: { generate_order_id: "ALPHANUMERIC_9", order_id: "X" }, order: { currency: "NOK" } }, /exclude each other/],
    [{ options: { order_id: "X" }, order: { currency: "NOK", order_id: "Y" } }, /cannot be combined/],
    [{ order: { currency: "NOK", order_id: "a/b" } }, /order.order_id must be/],
    [{ order: { currency: "NOK", items: [{ ...chair, line_id: "1" }] } }, /order.items\[0\].line_id must be an integer/],
  ])("refuses %j", (body, message) => {
    expect(messages(validateDraftCreate(body)).join("\n")).toMatch(message)
  })
})

describe("validateOperation", () => {
  const seedOp = { items: [{ amount: 39800, line_id: 1 }], payment_details: { payment_id: "PID_123" }, success: true }

  it("accepts the seed body", () => {
    expect(validateOperation("captures", seedOp).value).toEqual({ ...seedOp, metadata: {}, processed_at: undefined, processed_by: undefined, authorization_id: undefined })
  })

  it("requires items for captures and refunds only", () => {
    const { items: _items, ...noItems } = seedOp
    expect(messages(validateOperation("captures", noItems))[0]).toMatch(/items is required for captures/)
    expect(messages(validateOperation("refunds", noItems))[0]).toMatch(/items is required for refunds/)
    expect(validateOperation("authorizations", noItems).errors).toEqual([])
    expect(validateOperation("cancellations", noItems).errors).toEqual([])
  })

  it.each([
    [{ ...seedOp, items: [] }, /non-empty array/],
    [{ ...seedOp, items: [{ amount: 1, line_id: "1" }] }, /line_id must be an integer/],
    [{ ...seedOp, items: [{ amount: 0, line_id: 1 }] }, /non-zero integer/],
    [{ ...seedOp, items: [{ amount: 1.5, line_id: 1 }] }, /non-zero integer/],
    [{ ...seedOp, items: [{ amount: 1, line_id: 1 }, { amount: 2, line_id: 1 }] }, /appears more than once/],
    [{ ...seedOp, success: "true" }, /success is required and must be a boolean/],
    [{ ...seedOp, processed_at: "yesterday" }, /processed_at/],
    [{ ...seedOp, payment_details: { payment_id: 5 } }, /payment_id must be a string/],
  ])("refuses %j", (body, message) => {
    expect(messages(validateOperation("captures", body)).join("\n")).toMatch(message)
  })
})

describe("alphanumeric9", () => {
  it("makes 9 upper-case letters and digits, different each time", () => {
    const ids = new Set(Array.from({ length: 50 }, alphanumeric9))
    for (const id of ids) expect(id).toMatch(/^[A-Z0-9]{9}$/)
    expect(ids.size).toBe(50)
  })
})
