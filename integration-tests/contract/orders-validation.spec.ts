/**
 * The emulator's Orders API validation over real HTTP: the plugin's DinteroClient where it has a method,
 * axios with a client-issued token for the draft item PUT/DELETE routes the client does not wrap.
 * Every refusal must be a Dintero error body: 400 INVALID_REQUEST or 404 NOT_FOUND with a specific message.
 */
import axios, { type AxiosInstance } from "axios"
import { DinteroClient, DinteroError, OrdersItem, OrdersPaymentOperationCreate } from "../../src/dintero"
import { startEmulator, type Emulator } from "../../emulator"
import { guardContract } from "./contract-guard"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"

let emu: Emulator

guardContract(() => emu, { requests: "emulator" })
let client: DinteroClient
let http: AxiosInstance

beforeAll(async () => {
  emu = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0, logRequests: false })
  client = new DinteroClient({
    accountId: "T12345678",
    clientId: "emulator-client",
    clientSecret: "emulator-secret",
    checkoutBaseUrl: emu.checkoutBaseUrl,
    apiBaseUrl: emu.apiBaseUrl,
    retry: { retries: 0 },
  })
  http = axios.create({
    baseURL: `${emu.apiBaseUrl}/accounts/T12345678/shopping`,
    headers: { Authorization: `Bearer ${await client.getAccessToken()}` },
    validateStatus: () => true,
  })
})

afterAll(async () => {
  client?.close()
  await emu?.close()
})

const chair = (line_id: number, gross_amount = 39800): OrdersItem => ({
  id: "175938",
  line_id,
  quantity: 2,
  gross_amount,
  tax_lines: [{ amount: gross_amount / 5, percentage: 25 }],
  description: "Stablestol for utendørsbruk",
})
const reversalOf = (line_id: number, target: number, gross_amount = -39800): OrdersItem => ({
  ...chair(line_id, gross_amount),
  reversed_reason: "Replace item",
  related_item: { line_id: target, type: "reversed" },
})
const op = (items: [number, number][], payment_id = "PID_123"): OrdersPaymentOperationCreate => ({
  items: items.map(([line_id, amount]) => ({ line_id, amount })),
  payment_details: { payment_id },
  success: true,
})

/** An order (ALPHANUMERIC_9 id) with the given lines; returns its order_id. */
async function newOrder(items: OrdersItem[] = [chair(1)]): Promise<string> {
  const draft = await client.orders.createDraft({ options: { generate_order_id: "ALPHANUMERIC_9" }, order: { currency: "NOK", items } })
  const { orders } = await client.orders.completeDraft(draft.id)
  return orders[0].order_id
}

/** The DinteroError of a call that must fail, checked to be a Dintero-shaped error with a message. */
async function refusal(call: Promise<unknown>, status: number, message: RegExp): Promise<DinteroError> {
  const err = await call.then(
    (value) => {
      throw new Error(`expected HTTP ${status}, got success: ${JSON.stringify(value)}`)
    },
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(DinteroError)
  const e = err as DinteroError
  expect({ status: e.status, code: e.code }).toEqual({ status, code: status === 404 ? "NOT_FOUND" : "INVALID_REQUEST" })
  expect(e.dinteroMessage).toMatch(message)
  return e
}

describe("draft orders", () => {
  it("refuses a line_id that is not a JSON integer (string, fraction)", async () => {
    const stringId = { ...chair(1), line_id: "1" } as unknown as OrdersItem
    const e = await refusal(
      client.orders.createDraft({ order: { currency: "NOK", items: [stringId] } }),
      400,
      /order\.items\[0\]\.line_id must be an integer, got the string "1"/
    )
    expect(e.errors).toEqual([{ path: "order.items[0].line_id", message: expect.any(String) }])
    await refusal(client.orders.createDraft({ order: { currency: "NOK", items: [chair(1.5)] } }), 400, /line_id must be an integer, got 1.5/)
    const draft = await client.orders.createDraft({ order: { currency: "NOK" } })
    await refusal(client.orders.addDraftItem(draft.id, stringId), 400, /item\.line_id must be an integer/)
  })

  it("refuses duplicate line ids within a draft, on create and on add", async () => {
    await refusal(client.orders.createDraft({ order: { currency: "NOK", items: [chair(1), chair(1)] } }), 400, /line_id 1 is used more than once/)
    const draft = await client.orders.createDraft({ order: { currency: "NOK", items: [chair(1)] } })
    await refusal(client.orders.addDraftItem(draft.id, chair(1)), 400, /line_id 1 is used more than once/)
    expect((await client.orders.getDraft(draft.id)).order.items).toHaveLength(1)
  })

  it("refuses other basic mistakes: currency, negative line without reversal, bad tax line", async () => {
    await refusal(client.orders.createDraft({ order: { currency: "kr", items: [] } }), 400, /3-letter/)
    await refusal(client.orders.createDraft({ order: { currency: "NOK", items: [chair(1, -100)] } }), 400, /must not be negative.*related_item/)
    const noPercentage = { ...chair(1), tax_lines: [{ amount: 7960 }] } as unknown as OrdersItem
    await refusal(client.orders.createDraft({ order: { currency: "NOK", items: [noPercentage] } }), 400, /percentage must be a number/)
  })

  it("ordersNegativeLines: \"reject\" (default) refuses a negative line that reverses nothing; \"accept\" (the permissive reading of the spec's silence) takes it", async () => {
    const giftCard: OrdersItem = { id: "credit_lines", line_id: 2, quantity: 1, gross_amount: -5000, tax_lines: [], description: "Gift card" }
    expect(emu.options.ordersNegativeLines).toBe("reject")
    await refusal(client.orders.createDraft({ order: { currency: "NOK", items: [chair(1), giftCard] } }), 400, /order\.items\[1\]\.gross_amount must not be negative/)
    emu.options.ordersNegativeLines = "accept"
    try {
      const draft = await client.orders.createDraft({ order: { currency: "NOK", items: [chair(1), giftCard] } })
      expect((draft.order.items ?? []).map((i) => i.gross_amount)).toEqual([39800, -5000])
      // A reversal's rules stay: a positive reversal line is refused under either reading.
      await refusal(client.orders.createDraft({ order: { currency: "NOK", items: [chair(1), reversalOf(2, 1, 100)] } }), 400, /reversal line must be 0 or negative/)
    } finally {
      emu.options.ordersNegativeLines = "reject"
    }
  })

  it("adds, updates and deletes draft items and keeps gross/net amounts in step", async () => {
    const draft = await client.orders.createDraft({ order: { currency: "NOK", items: [chair(1)] } })
    const added = await client.orders.addDraftItem(draft.id, chair(2, 10000))
    expect(added.order).toMatchObject({ gross_amount: 49800, net_amount: 49800 - 7960 - 2000 })

    const put = await http.put(`/draft_orders/${draft.id}/items/2`, { ...chair(2, 5000), line_id: undefined })
    expect(put.status).toBe(200)
    expect(put.data.order.items[1]).toMatchObject({ line_id: 2, gross_amount: 5000 })
    expect(put.data.order.gross_amount).toBe(44800)

    const mismatch = await http.put(`/draft_orders/${draft.id}/items/2`, chair(3))
    expect(mismatch.status).toBe(400)
    expect(mismatch.data.error).toMatchObject({ code: "INVALID_REQUEST", message: expect.stringMatching(/differs from the line_id 2 in the path/) })
    expect((await http.put(`/draft_orders/${draft.id}/items/9`, chair(9))).status).toBe(404)

    const del = await http.delete(`/draft_orders/${draft.id}/items/1`)
    expect(del.status).toBe(200)
    expect(del.data.order).toMatchObject({ gross_amount: 5000, items: [{ line_id: 2 }] })
    const missing = await http.delete(`/draft_orders/${draft.id}/items/1`)
    expect(missing.status).toBe(404)
    expect(missing.data).toEqual({ error: { code: "NOT_FOUND", message: `draft order ${draft.id} has no line_id 1` } })
  })

  it("completes a draft once, never an empty one, and freezes it afterwards", async () => {
    const empty = await client.orders.createDraft({ order: { currency: "NOK" } })
    await refusal(client.orders.completeDraft(empty.id), 400, /has no items/)

    const draft = await client.orders.createDraft({ order: { currency: "NOK", items: [chair(1)] } })
    const { orders } = await client.orders.completeDraft(draft.id)
    // Without generate_order_id or order.order_id the emulator assigns a UUID order_id.
    expect(orders[0].order_id).toMatch(/^[0-9a-f-]{36}$/)
    await refusal(client.orders.completeDraft(draft.id), 400, /is completed and can no longer be changed/)
    await refusal(client.orders.addDraftItem(draft.id, chair(2)), 400, /is completed/)
    expect((await http.delete(`/draft_orders/${draft.id}/items/1`)).status).toBe(400)
  })

  it("keeps a custom order.order_id and refuses it twice", async () => {
    const orderId = `custom-${Date.now()}`
    const draft = await client.orders.createDraft({ order: { currency: "NOK", order_id: orderId, items: [chair(1)] } })
    expect((await client.orders.completeDraft(draft.id)).orders[0].order_id).toBe(orderId)
    await refusal(client.orders.createDraft({ order: { currency: "NOK", order_id: orderId, items: [chair(1)] } }), 400, /already in use/)
  })

  it("answers 404 for unknown drafts and for drafts that add to unknown orders", async () => {
    await refusal(client.orders.getDraft("00000000-0000-4000-8000-000000000000"), 404, /draft order .* not found/)
    await refusal(client.orders.completeDraft("nope"), 404, /draft order nope not found/)
    await refusal(client.orders.createDraft({ options: { order_id: "NOSUCHORD" }, order: { currency: "NOK", items: [chair(2)] } }), 404, /order NOSUCHORD not found/)
  })
})

describe("drafts that edit an existing order (options.order_id)", () => {
  it("refuses reusing a line_id the order already has", async () => {
    const orderId = await newOrder()
    await refusal(
      client.orders.createDraft({ options: { order_id: orderId }, order: { currency: "NOK", items: [chair(1)] } }),
      400,
      /line_id 1 is already used by a line of the order/
    )
    const draft = await client.orders.createDraft({ options: { order_id: orderId }, order: { currency: "NOK", items: [] } })
    await refusal(client.orders.addDraftItem(draft.id, chair(1)), 400, /already used by a line of the order/)
  })

  it("refuses a reversal of a line the order does not have, and a currency change", async () => {
    const orderId = await newOrder()
    await refusal(
      client.orders.createDraft({ options: { order_id: orderId }, order: { currency: "NOK", items: [reversalOf(2, 7)] } }),
      400,
      /line_id 2 reverses line_id 7, which does not exist on the order/
    )
    await refusal(
      client.orders.createDraft({ options: { order_id: orderId }, order: { currency: "SEK", items: [chair(2)] } }),
      400,
      /SEK differs from order .*'s currency NOK/
    )
  })

  it("refuses reversing a line twice, also when two open drafts race", async () => {
    const orderId = await newOrder()
    const first = await client.orders.createDraft({ options: { order_id: orderId }, order: { currency: "NOK", items: [reversalOf(2, 1)] } })
    const rival = await client.orders.createDraft({ options: { order_id: orderId }, order: { currency: "NOK", items: [reversalOf(3, 1)] } })
    await client.orders.completeDraft(first.id)
    await refusal(client.orders.completeDraft(rival.id), 400, /line_id 1 is already reversed by line_id 2; a line can be reversed only once/)
    await refusal(
      client.orders.createDraft({ options: { order_id: orderId }, order: { currency: "NOK", items: [reversalOf(4, 1)] } }),
      400,
      /already reversed by line_id 2/
    )
    const order = await client.orders.getOrder(orderId)
    expect(order.items.map((i) => i.line_id)).toEqual([1, 2])
    expect(order).toMatchObject({ gross_amount: 0, net_amount: 0 })
  })
})

describe("payment operations", () => {
  it("answers 404 for an unknown order", async () => {
    await refusal(client.orders.getOrder("NOSUCHORD"), 404, /order NOSUCHORD not found/)
    await refusal(client.orders.createCapture("NOSUCHORD", op([[1, 1]])), 404, /order NOSUCHORD not found/)
    await refusal(client.orders.listRefunds("NOSUCHORD"), 404, /not found/)
  })

  it("refuses unknown lines, amounts against the line's sign, and captures/refunds without items", async () => {
    const orderId = await newOrder()
    await refusal(client.orders.createAuthorization(orderId, op([[5, 100]])), 400, /line_id 5 does not exist on the order/)
    await refusal(client.orders.createAuthorization(orderId, op([[1, -100]])), 400, /must have the sign of line_id 1's gross_amount 39800/)
    const { items: _items, ...noItems } = op([[1, 1]])
    await refusal(client.orders.createCapture(orderId, noItems), 400, /items is required for captures/)
    await refusal(client.orders.createRefund(orderId, noItems), 400, /items is required for refunds/)
    await refusal(client.orders.createCapture(orderId, { ...op([[1, 1]]), success: undefined }), 400, /success is required/)
  })

  it("refuses capturing more than authorized on a line (also across lines of one order)", async () => {
    const orderId = await newOrder([chair(1), chair(2, 10000)])
    await refusal(client.orders.createCapture(orderId, op([[1, 100]])), 400, /line_id 1: captures would total 100, more than authorized \(0\)/)
    await client.orders.createAuthorization(orderId, op([[1, 39800], [2, 5000]]))
    await client.orders.createCapture(orderId, op([[1, 30000]]))
    await refusal(client.orders.createCapture(orderId, op([[1, 9801]])), 400, /captures would total 39801, more than authorized \(39800\)/)
    // Line 2 has only 5000 authorized although it is worth 10000.
    await refusal(client.orders.createCapture(orderId, op([[1, 9800], [2, 5001]])), 400, /line_id 2: captures would total 5001/)
    // A refused request records nothing, not even its valid line.
    expect((await client.orders.listCaptures(orderId)).map((c) => c.amount)).toEqual([30000])
    await client.orders.createCapture(orderId, op([[1, 9800], [2, 5000]]))
    expect((await client.orders.getOrder(orderId)).payment_status).toBe("partially_paid")
  })

  it("refuses one payment authorizing a line beyond its value, but lets another payment add to it", async () => {
    const orderId = await newOrder()
    await client.orders.createAuthorization(orderId, op([[1, 39800]]))
    await refusal(client.orders.createAuthorization(orderId, op([[1, 1]])), 400, /payment_id "PID_123" would total 39801/)
    await client.orders.createAuthorization(orderId, op([[1, 1000]], "PID_321"))
  })

  it("refuses refunding more than captured on a line", async () => {
    const orderId = await newOrder()
    await client.orders.createAuthorization(orderId, op([[1, 39800]]))
    await refusal(client.orders.createRefund(orderId, op([[1, 1]])), 400, /refunds would total 1, more than captured \(0\)/)
    await client.orders.createCapture(orderId, op([[1, 20000]]))
    await client.orders.createRefund(orderId, op([[1, 15000]]))
    await refusal(client.orders.createRefund(orderId, op([[1, 5001]])), 400, /refunds would total 20001, more than captured \(20000\)/)
    expect((await client.orders.getOrder(orderId)).payment_status).toBe("partially_refunded")
    await client.orders.createRefund(orderId, op([[1, 5000]]))
    expect((await client.orders.getOrder(orderId)).payment_status).toBe("refunded")
  })

  it("records failed operations without counting them", async () => {
    const orderId = await newOrder()
    const failed = await client.orders.createCapture(orderId, { ...op([[1, 39800]]), success: false })
    expect(failed).toMatchObject({ success: false, amount: 39800 })
    await refusal(client.orders.createCapture(orderId, op([[1, 1]])), 400, /more than authorized \(0\)/)
    expect(await client.orders.listCaptures(orderId)).toEqual([failed])
    expect((await client.orders.getOrder(orderId)).payment_status).toBe("pending")
  })
})

describe("cancellations", () => {
  it("cancels an authorized, uncaptured order and refuses everything on it afterwards", async () => {
    const orderId = await newOrder()
    await client.orders.createAuthorization(orderId, op([[1, 39800]]))
    const cancellation = await client.orders.createCancellation(orderId, { payment_details: { payment_id: "PID_123" }, success: true })
    // An item-less cancellation releases the whole uncaptured authorization.
    expect(cancellation).toMatchObject({ amount: 39800, items: [{ line_id: 1, amount: 39800 }] })
    const order = await client.orders.getOrder(orderId)
    expect(order).toMatchObject({ status: "cancelled", cancelled_at: expect.any(String) })

    await refusal(client.orders.createCapture(orderId, op([[1, 100]])), 400, new RegExp(`order ${orderId} is cancelled`))
    await refusal(client.orders.createAuthorization(orderId, op([[1, 100]])), 400, /is cancelled/)
    await refusal(client.orders.createCancellation(orderId, { success: true }), 400, /is cancelled/)
    await refusal(
      client.orders.createDraft({ options: { order_id: orderId }, order: { currency: "NOK", items: [chair(2)] } }),
      400,
      /is cancelled; drafts can no longer be added/
    )
    const put = await http.put(`/orders/${orderId}`, { metadata: { note: "x" } })
    expect(put.status).toBe(400)
    expect(await client.orders.listCancellations(orderId)).toEqual([cancellation])
  })

  it("refuses cancelling an order whose captured money is not refunded, but allows releasing the uncaptured rest", async () => {
    const orderId = await newOrder()
    await client.orders.createAuthorization(orderId, op([[1, 39800]]))
    await client.orders.createCapture(orderId, op([[1, 30000]]))
    await refusal(client.orders.createCancellation(orderId, { success: true }), 400, /30000 captured and not refunded; refund it before cancelling/)
    await refusal(client.orders.createCancellation(orderId, op([[1, 9801]])), 400, /cancellations would total 9801, more than authorized \(39800\) minus captured \(30000\)/)
    await client.orders.createCancellation(orderId, op([[1, 9800]]))
    expect((await client.orders.getOrder(orderId)).status).toBe("open")
    // Released authorization can no longer be captured.
    await refusal(client.orders.createCapture(orderId, op([[1, 1]])), 400, /more than authorized \(39800\) minus cancelled \(9800\)/)
    // Refunding everything captured, then cancelling, closes the order.
    await client.orders.createRefund(orderId, op([[1, 30000]]))
    await client.orders.createCancellation(orderId, { success: true })
    expect((await client.orders.getOrder(orderId)).status).toBe("cancelled")
  })
})

describe("orders PUT", () => {
  it("updates free fields and refuses changing lines or computed fields", async () => {
    const orderId = await newOrder()
    const ok = await http.put(`/orders/${orderId}`, { metadata: { ext_note: "gift" }, shipping_address: { first_name: "Kari" } })
    expect(ok.status).toBe(200)
    expect(ok.data).toMatchObject({ order_id: orderId, metadata: { ext_note: "gift" }, shipping_address: { first_name: "Kari" } })
    const bad = await http.put(`/orders/${orderId}`, { items: [], gross_amount: 1 })
    expect(bad.status).toBe(400)
    expect(bad.data.error.message).toMatch(/items cannot be changed with PUT; create a draft with options.order_id/)
    expect(bad.data.error.errors).toHaveLength(2)
    expect((await client.orders.getOrder(orderId)).items).toHaveLength(1)
  })
})
