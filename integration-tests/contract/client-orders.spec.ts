import { startEmulator, Emulator } from "../../emulator"
import { DinteroClient, DinteroError, OrdersDraftCreate } from "../../src/dintero"
import { countRequests, makeClient, rejectionOf } from "./client-fixtures"
import { guardContract } from "./contract-guard"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"

function draftBody(): OrdersDraftCreate {
  return {
    options: { generate_order_id: "ALPHANUMERIC_9" },
    order: {
      currency: "NOK",
      items: [
        {
          id: "175938",
          line_id: 1,
          quantity: 2,
          gross_amount: 39800,
          tax_lines: [{ amount: 7960, percentage: 25 }],
          description: "Stablestol for utendørsbruk",
        },
      ],
    },
  }
}

describe("Dintero client contract: Orders API", () => {
  let emulator: Emulator
  const guard = guardContract(() => emulator, { requests: "client" })
  let client: DinteroClient

  beforeAll(async () => {
    emulator = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0, callbackRetryDelayMs: 10 })
    client = makeClient(emulator)
  })
  afterAll(async () => {
    client.close()
    await emulator.close()
  })

  async function completedOrder(): Promise<string> {
    const draft = await client.orders.createDraft(draftBody())
    await client.orders.addDraftItem(draft.id, {
      id: "shipping",
      line_id: 2,
      quantity: 1,
      gross_amount: 9900,
      tax_lines: [{ amount: 1980, percentage: 25 }],
      description: "Shipping",
    })
    const { orders } = await client.orders.completeDraft(draft.id)
    return orders[0].order_id
  }

  it("creates, reads, extends and completes a draft into an order", async () => {
    const draft = await client.orders.createDraft(draftBody())
    expect(draft.id).toEqual(expect.any(String))
    expect(draft.order.items?.[0].line_id).toBe(1)

    const got = await client.orders.getDraft(draft.id)
    expect(got.id).toBe(draft.id)

    const extended = await client.orders.addDraftItem(draft.id, {
      id: "shipping",
      line_id: 2,
      quantity: 1,
      gross_amount: 9900,
      tax_lines: [{ amount: 1980, percentage: 25 }],
    })
    expect(extended.order.items?.map((i) => i.line_id)).toEqual([1, 2])

    const completed = await client.orders.completeDraft(draft.id)
    expect(completed.orders).toHaveLength(1)
    const order = completed.orders[0]
    expect(order.order_id).toEqual(expect.any(String))
    expect(order.items.map((i) => i.line_id)).toEqual([1, 2])
    expect(countRequests(emulator, "PUT", `/api/v1/accounts/T12345678/shopping/draft_orders/${draft.id}/complete`)).toBe(1)

    const fetched = await client.orders.getOrder(order.order_id)
    expect(fetched.order_id).toBe(order.order_id)
    expect(fetched.gross_amount).toBe(49700)
  })

  it("records authorizations, captures and refunds, and lists them", async () => {
    const orderId = await completedOrder()
    const payment_details = { payment_id: "T12345678.transaction0000000000000" }

    const auth = await client.orders.createAuthorization(orderId, {
      items: [
        { line_id: 1, amount: 39800 },
        { line_id: 2, amount: 9900 },
      ],
      payment_details,
      success: true,
    })
    expect(auth.id).toEqual(expect.any(String))
    expect(auth.amount).toBe(49700)
    expect((await client.orders.listAuthorizations(orderId)).map((o) => o.id)).toEqual([auth.id])

    const capture = await client.orders.createCapture(orderId, {
      items: [{ line_id: 1, amount: 39800 }],
      payment_details,
      success: true,
    })
    expect(capture.amount).toBe(39800)
    expect((await client.orders.listCaptures(orderId)).map((o) => o.id)).toEqual([capture.id])

    const refund = await client.orders.createRefund(orderId, {
      items: [{ line_id: 1, amount: 10000 }],
      payment_details,
      success: true,
    })
    expect(refund.amount).toBe(10000)
    expect((await client.orders.listRefunds(orderId)).map((o) => o.id)).toEqual([refund.id])

    // Over-refund: more than captured on line 1.
    const err = await rejectionOf(
      client.orders.createRefund(orderId, { items: [{ line_id: 1, amount: 39800 }], payment_details, success: true })
    )
    expect(err).toBeInstanceOf(DinteroError)
    expect(err.status).toBe(400)
    expect(err.dinteroMessage).toEqual(expect.any(String))
  })

  it("records a cancellation and lists it", async () => {
    const orderId = await completedOrder()
    await client.orders.createAuthorization(orderId, {
      items: [
        { line_id: 1, amount: 39800 },
        { line_id: 2, amount: 9900 },
      ],
      success: true,
    })
    const cancellation = await client.orders.createCancellation(orderId, {
      items: [
        { line_id: 1, amount: 39800 },
        { line_id: 2, amount: 9900 },
      ],
      success: true,
    })
    expect(cancellation.id).toEqual(expect.any(String))
    expect((await client.orders.listCancellations(orderId)).map((o) => o.id)).toEqual([cancellation.id])
    expect(await client.orders.listCaptures(orderId)).toEqual([])
  })

  it("surfaces Orders validation errors and unknown ids", async () => {
    guard.sendsBadRequestsOnPurpose()
    const bad = draftBody()
    ;(bad.order.items![0] as unknown as { line_id: string }).line_id = "1"
    const err = await rejectionOf(client.orders.createDraft(bad))
    expect(err).toBeInstanceOf(DinteroError)
    expect(err.status).toBe(400)
    expect(err.path).toBe("/api/v1/accounts/T12345678/shopping/draft_orders")

    const missing = await rejectionOf(client.orders.getOrder("NOSUCHORDER"))
    expect(missing.status).toBe(404)
    const missingDraft = await rejectionOf(client.orders.getDraft("00000000-0000-0000-0000-000000000000"))
    expect(missingDraft.status).toBe(404)
  })

  it("refuses to complete a draft twice", async () => {
    const draft = await client.orders.createDraft(draftBody())
    await client.orders.completeDraft(draft.id)
    const err = await rejectionOf(client.orders.completeDraft(draft.id))
    expect(err).toBeInstanceOf(DinteroError)
    expect(err.status).toBe(400)
  })
})
