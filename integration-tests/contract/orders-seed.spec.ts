/**
 * Dintero's Orders guide "Update order (reversing)" executed through the plugin's DinteroClient against the
 * in-process emulator. The request bodies are the guide's, verbatim; only `{order_id}` is substituted.
 *
 * The guide's "Authorize and capture the new item" and "Refund remaining" sections are alternatives for the
 * same step (the replacement costs the same as / less than the original authorization), and both capture 39800
 * on line 3. Sending both to one order would capture line 3 twice its value, so:
 *  - flow A (the chain) takes the "Refund remaining" branch and then the part authorization;
 *  - flow B takes the plain branch ("Authorize and capture the new item") and shows the other one is refused there.
 * The guide only says "an additional item is included in the draft update" for the refund line; it gives no body,
 * so flow A adds line 4 (REFUND_REMAINING_LINE below, ours) to the reversal draft with addDraftItem.
 */
import { DinteroClient, DinteroError, OrdersOrder, OrdersPaymentOperation } from "../../src/dintero"
import { startEmulator, type Emulator } from "../../emulator"
import { guardContract } from "./contract-guard"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"

/* ------------------------------------------------------------------ the guide's bodies (verbatim) */

const CREATE_ORDER = {
  "options": {
    "generate_order_id": "ALPHANUMERIC_9"
  },
  "order": {
    "currency": "NOK",
    "items": [
      {
        "id": "175938",
        "line_id": 1,
        "quantity": 2,
        "gross_amount": 39800,
        "tax_lines": [
          {
            "amount": 7960,
            "percentage": 25
          }
        ],
        "description": "Stablestol for utendørsbruk",
        "description_alias": "Staplestol"
      }
    ]
  }
}

const AUTHORIZE_AND_CAPTURE_THE_ORDER = {
  "items": [
    {
      "amount": 39800,
      "line_id": 1
    }
  ],
  "payment_details": {
    "payment_id": "PID_123"
  },
  "success": true
}

const REVERSE_ORDER_ITEM_AND_ADD_NEW_ITEM = (orderId: string) => ({
  "options": {
    "order_id": orderId
  },
  "order": {
    "currency": "NOK",
    "items": [
      {
        "id": "175938",
        "line_id": 2,
        "quantity": 2,
        "gross_amount": -39800,
        "tax_lines": [
          {
            "amount": -7960,
            "percentage": 25
          }
        ],
        "description": "Stablestol for utendørsbruk",
        "description_alias": "Staplestol",
        "reversed_reason": "Replace item",
        "related_item": {
          "line_id": 1,
          "type": "reversed"
        }
      },
      {
        "id": "003929",
        "line_id": 3,
        "quantity": 1,
        "gross_amount": 39800,
        "tax_lines": [
          {
            "amount": 7960,
            "percentage": 25
          }
        ],
        "description": "Stablestol for innendørsbruk",
        "description_alias": "Staplestol Lux"
      }
    ]
  }
})

const AUTHORIZE_AND_CAPTURE_REVERSED_ITEM = {
  "items": [
    {
      "amount": -39800,
      "line_id": 2
    }
  ],
  "payment_details": {
    "payment_id": "PID_123"
  },
  "success": true
}

const AUTHORIZE_AND_CAPTURE_THE_NEW_ITEM = {
  "items": [
    {
      "amount": 39800,
      "line_id": 3
    }
  ],
  "payment_details": {
    "payment_id": "PID_123"
  },
  "success": true
}

const AUTHORIZE_AND_CAPTURE_THE_NEW_ITEM_AND_REFUND_LINE = {
  "items": [
    {
      "amount": 39800,
      "line_id": 3
    },
    {
      "amount": 1000,
      "line_id": 4
    }
  ],
  "payment_details": {
    "payment_id": "PID_123"
  },
  "success": true
}

const REFUND_REMAINING_AUTHORIZATION = {
  "items": [
    {
      "amount": 1000,
      "line_id": 4
    }
  ],
  "payment_details": {
    "payment_id": "PID_123"
  },
  "success": true
}

const PART_AUTHORIZATION = {
  "items": [
    {
      "amount": 1000,
      "line_id": 3
    }
  ],
  "payment_details": {
    "payment_id": "PID_321"
  },
  "success": true
}

/** Ours, not the guide's: the "additional item" that carries the remaining authorization to refund (25 % VAT incl.). */
const REFUND_REMAINING_LINE = {
  id: "refund-remaining",
  line_id: 4,
  quantity: 1,
  gross_amount: 1000,
  tax_lines: [{ amount: 200, percentage: 25 }],
  description: "Refund remaining authorization",
}

/* ------------------------------------------------------------------ helpers */

let emu: Emulator

guardContract(() => emu, { requests: "emulator" })
let client: DinteroClient

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
})

afterAll(async () => {
  client?.close()
  await emu?.close()
})

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Records the same body as an authorization and as a capture ("Authorize and capture ..."). */
async function authorizeAndCapture(orderId: string, body: typeof AUTHORIZE_AND_CAPTURE_THE_ORDER) {
  const authorization = await client.orders.createAuthorization(orderId, body)
  const capture = await client.orders.createCapture(orderId, body)
  return { authorization, capture }
}

/** The guide's first two steps: create the order and authorize + capture it. */
async function createPaidOrder(): Promise<OrdersOrder> {
  const draft = await client.orders.createDraft(CREATE_ORDER)
  expect(draft).toMatchObject({ status: "open", options: CREATE_ORDER.options })
  expect(draft.id).toMatch(UUID)
  expect(draft.order).toMatchObject({ currency: "NOK", gross_amount: 39800, net_amount: 31840, items: CREATE_ORDER.order.items })

  const { orders } = await client.orders.completeDraft(draft.id)
  expect(orders).toHaveLength(1)
  const [order] = orders
  expect(order.order_id).toMatch(/^[A-Z0-9]{9}$/)
  expect(order).toMatchObject({ currency: "NOK", status: "open", payment_status: "pending", gross_amount: 39800, net_amount: 31840 })
  expect(order.events).toEqual([{ id: expect.stringMatching(UUID), created_at: expect.any(String), draft_id: draft.id, version: 1 }])

  const { authorization, capture } = await authorizeAndCapture(order.order_id, AUTHORIZE_AND_CAPTURE_THE_ORDER)
  for (const op of [authorization, capture]) {
    expect(op).toMatchObject({
      amount: 39800,
      success: true,
      items: AUTHORIZE_AND_CAPTURE_THE_ORDER.items,
      payment_details: { payment_id: "PID_123" },
      metadata: {},
    })
    expect(op.id).toMatch(UUID)
    expect(Date.parse(op.created_at!)).not.toBeNaN()
    expect(Date.parse(op.processed_at!)).not.toBeNaN()
  }
  expect((await client.orders.getOrder(order.order_id)).payment_status).toBe("paid")
  return order
}

/** Reversal draft (+ optional extra lines), completed onto the existing order. */
async function reverseAndReplace(orderId: string, extraLines: (typeof REFUND_REMAINING_LINE)[] = []): Promise<OrdersOrder> {
  const draft = await client.orders.createDraft(REVERSE_ORDER_ITEM_AND_ADD_NEW_ITEM(orderId))
  for (const line of extraLines) await client.orders.addDraftItem(draft.id, line)
  const { orders } = await client.orders.completeDraft(draft.id)
  expect(orders.map((o) => o.order_id)).toEqual([orderId])
  expect((await client.orders.getDraft(draft.id)).status).toBe("completed")
  const order = orders[0]
  expect(order.events?.map((e) => [e.draft_id, e.version])).toEqual([
    [expect.any(String), 1],
    [draft.id, 2],
  ])
  return order
}

type LineSums = Record<number, number>

/** Per-line sums of the successful operations, as a client reading Dintero's lists would compute them. */
function perLine(ops: OrdersPaymentOperation[]): LineSums {
  const sums: LineSums = {}
  for (const op of ops) {
    if (!op.success) continue
    for (const it of op.items ?? []) sums[it.line_id] = (sums[it.line_id] ?? 0) + it.amount
  }
  return sums
}

async function lineSums(orderId: string) {
  const [authorizations, captures, refunds, cancellations] = await Promise.all([
    client.orders.listAuthorizations(orderId),
    client.orders.listCaptures(orderId),
    client.orders.listRefunds(orderId),
    client.orders.listCancellations(orderId),
  ])
  return {
    lists: { authorizations, captures, refunds, cancellations },
    authorized: perLine(authorizations),
    captured: perLine(captures),
    refunded: perLine(refunds),
  }
}

const ORIGINAL_LINE = CREATE_ORDER.order.items[0]
const [REVERSAL_LINE, REPLACEMENT_LINE] = REVERSE_ORDER_ITEM_AND_ADD_NEW_ITEM("x").order.items

/* ------------------------------------------------------------------ flows */

describe("Orders guide 'Update order (reversing)' against the emulator", () => {
  it("flow A: create, authorize + capture, reverse line 1 with line 2, add line 3 and a refund-remaining line 4, capture, refund line 4, part-authorize line 3 with another payment", async () => {
    const { order_id: orderId } = await createPaidOrder()

    const edited = await reverseAndReplace(orderId, [REFUND_REMAINING_LINE])
    // Line 1 stays, line 2 cancels it, line 3 replaces it, line 4 carries the remainder: 39800 - 39800 + 39800 + 1000.
    expect(edited).toMatchObject({ gross_amount: 40800, payment_status: "partially_paid" })

    await authorizeAndCapture(orderId, AUTHORIZE_AND_CAPTURE_REVERSED_ITEM)
    const both = await authorizeAndCapture(orderId, AUTHORIZE_AND_CAPTURE_THE_NEW_ITEM_AND_REFUND_LINE)
    expect(both.capture.amount).toBe(40800)
    expect((await client.orders.getOrder(orderId)).payment_status).toBe("paid")

    const refund = await client.orders.createRefund(orderId, REFUND_REMAINING_AUTHORIZATION)
    expect(refund).toMatchObject({ amount: 1000, success: true, items: [{ line_id: 4, amount: 1000 }] })

    const part = await client.orders.createAuthorization(orderId, PART_AUTHORIZATION)
    expect(part).toMatchObject({ amount: 1000, payment_details: { payment_id: "PID_321" }, items: [{ line_id: 3, amount: 1000 }] })

    // The order, line by line.
    const order = await client.orders.getOrder(orderId)
    expect(order.items).toEqual([ORIGINAL_LINE, REVERSAL_LINE, REPLACEMENT_LINE, REFUND_REMAINING_LINE])
    expect(order.items.map((i) => [i.line_id, i.gross_amount, i.related_item ?? null])).toEqual([
      [1, 39800, null],
      [2, -39800, { line_id: 1, type: "reversed" }],
      [3, 39800, null],
      [4, 1000, null],
    ])
    expect(order).toMatchObject({
      order_id: orderId,
      status: "open",
      currency: "NOK",
      gross_amount: 40800,
      net_amount: 40800 - (7960 - 7960 + 7960 + 200),
      payment_status: "partially_refunded",
    })

    // The operations, per line and per payment.
    const sums = await lineSums(orderId)
    expect(sums.authorized).toEqual({ 1: 39800, 2: -39800, 3: 39800 + 1000, 4: 1000 })
    expect(sums.captured).toEqual({ 1: 39800, 2: -39800, 3: 39800, 4: 1000 })
    expect(sums.refunded).toEqual({ 4: 1000 })
    expect(sums.lists.authorizations.map((a) => [a.payment_details?.payment_id, a.amount])).toEqual([
      ["PID_123", 39800],
      ["PID_123", -39800],
      ["PID_123", 40800],
      ["PID_321", 1000],
    ])
    expect(sums.lists.captures.map((c) => c.amount)).toEqual([39800, -39800, 40800])
    expect(sums.lists.refunds.map((r) => r.id)).toEqual([refund.id])
    expect(sums.lists.cancellations).toEqual([])

    // The emulator's own view (control API state) keeps the same per-line totals next to the Dintero order.
    const stateEntry = (emu.state.orders as { order_id: string; line_totals: unknown }[]).find((o) => o.order_id === orderId)
    expect(stateEntry?.line_totals).toEqual([
      { line_id: 1, gross_amount: 39800, authorized: 39800, captured: 39800, refunded: 0, cancelled: 0 },
      { line_id: 2, gross_amount: -39800, authorized: -39800, captured: -39800, refunded: 0, cancelled: 0 },
      { line_id: 3, gross_amount: 39800, authorized: 40800, captured: 39800, refunded: 0, cancelled: 0 },
      { line_id: 4, gross_amount: 1000, authorized: 1000, captured: 1000, refunded: 1000, cancelled: 0 },
    ])

    // Bookkeeping now closes the obvious doors: line 4 is fully refunded, line 3 fully captured.
    await expect(client.orders.createRefund(orderId, REFUND_REMAINING_AUTHORIZATION)).rejects.toMatchObject({
      status: 400,
      code: "INVALID_REQUEST",
    })
    const overCapture = await client.orders.createCapture(orderId, PART_AUTHORIZATION).catch((e: unknown) => e)
    expect(overCapture).toBeInstanceOf(DinteroError)
    expect((overCapture as DinteroError).dinteroMessage).toMatch(/line_id 3: captures would total 40800, more than the line's gross_amount 39800/)
  })

  it("flow B: the plain branch - reverse line 1, authorize + capture the reversal and the new item; the refund-remaining capture is then refused", async () => {
    const { order_id: orderId } = await createPaidOrder()
    const edited = await reverseAndReplace(orderId)
    expect(edited.items.map((i) => i.line_id)).toEqual([1, 2, 3])
    expect(edited).toMatchObject({ gross_amount: 39800, net_amount: 31840 })

    await authorizeAndCapture(orderId, AUTHORIZE_AND_CAPTURE_REVERSED_ITEM)
    // Between the two captures the order holds 0 net: the original is given back, the replacement not yet paid.
    expect((await client.orders.getOrder(orderId)).payment_status).toBe("partially_paid")
    await authorizeAndCapture(orderId, AUTHORIZE_AND_CAPTURE_THE_NEW_ITEM)

    const order = await client.orders.getOrder(orderId)
    expect(order.items).toEqual([ORIGINAL_LINE, REVERSAL_LINE, REPLACEMENT_LINE])
    expect(order).toMatchObject({ gross_amount: 39800, net_amount: 31840, payment_status: "paid", status: "open" })

    const sums = await lineSums(orderId)
    expect(sums.authorized).toEqual({ 1: 39800, 2: -39800, 3: 39800 })
    expect(sums.captured).toEqual({ 1: 39800, 2: -39800, 3: 39800 })
    expect(sums.refunded).toEqual({})

    // This order has no line 4, and PID_123 already authorized all of line 3.
    const err = await client.orders.createAuthorization(orderId, AUTHORIZE_AND_CAPTURE_THE_NEW_ITEM_AND_REFUND_LINE).catch((e: unknown) => e)
    expect(err).toMatchObject({ status: 400, code: "INVALID_REQUEST" })
    const messages = ((err as DinteroError).errors as { message: string }[]).map((e) => e.message)
    expect(messages).toEqual([
      'line_id 3: authorizations for payment_id "PID_123" would total 79600, more than the line\'s gross_amount 39800',
      "line_id 4 does not exist on the order",
    ])
    // Refused requests leave no trace.
    expect((await lineSums(orderId)).lists.authorizations).toHaveLength(3)
  })
})
