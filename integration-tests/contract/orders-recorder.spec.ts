import { startEmulator, Emulator } from "../../emulator"
import { DinteroClient } from "../../src/dintero"
import type { OrdersDraftBody } from "../../src/mapping/orders"
import { OrdersRecorder, type ProgressStore } from "../../src/workflows/outbox/orders-recorder"
import type { Progress } from "../../src/workflows/outbox/operation"
import { countRequests, makeClient } from "./client-fixtures"
import { guardContract } from "./contract-guard"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"

/**
 * The outbox's exactly-once draft completion against the emulator's Orders API: an attempt that completed a new
 * Dintero order (Dintero generated its id) and ended before the mirror row saved that id is resumed from the
 * operation's progress, with no second order and no request to Dintero.
 */
function placedOrderDraft(): OrdersDraftBody {
  return {
    options: { generate_order_id: "ALPHANUMERIC_9" },
    order: {
      currency: "NOK",
      items: [
        {
          id: "variant_outdoor",
          line_id: 1,
          quantity: 1,
          gross_amount: 19900,
          tax_lines: [{ amount: 3980, percentage: 25 }],
          description: "Stablestol for utendørsbruk",
        },
      ],
    },
  }
}

/** The operation's progress as its row keeps it across attempts (the runner saves it on every change). */
function progressRow(): ProgressStore {
  const progress: Progress = {}
  return {
    progress,
    set: async (key, value) => {
      progress[key] = value
    },
  }
}

describe("OrdersRecorder against the Orders API: a completed draft is resumed, never completed twice", () => {
  let emulator: Emulator
  guardContract(() => emulator, { requests: "client" })
  let client: DinteroClient

  beforeAll(async () => {
    emulator = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0 })
    client = makeClient(emulator)
  })
  afterAll(async () => {
    client.close()
    await emulator.close()
  })

  it("a retry after the completion's answer arrived takes the saved order id", async () => {
    const store = progressRow()
    const first = await new OrdersRecorder(client.orders, "op_placed#1", 1, store).createAndCompleteDraft(placedOrderDraft(), null)
    if (!first.ok) throw new Error(first.needsAction)
    expect(store.progress.completed_order_id).toBe(first.orderId)
    // The attempt ends here (the worker dies before the mirror row saves the id); the next attempt resumes.
    const before = emulator.requests.length

    const retry = await new OrdersRecorder(client.orders, "op_placed#1", 2, store).createAndCompleteDraft(placedOrderDraft(), null)
    expect(retry).toEqual({ ok: true, orderId: first.orderId })
    expect(emulator.requests.slice(before)).toEqual([])
    expect(emulator.state.orders).toHaveLength(1)
    expect(countRequests(emulator, "PUT", `/api/v1/accounts/T12345678/shopping/draft_orders/${store.progress.draft_id}/complete`)).toBe(1)
  })

  it("an attempt's last record saves no progress; a retry after a crash finds it by its marker and sends nothing", async () => {
    const store = progressRow()
    const placed = await new OrdersRecorder(client.orders, "op_placed#2", 1, store).createAndCompleteDraft(placedOrderDraft(), null)
    if (!placed.ok) throw new Error(placed.needsAction)
    const body = { items: [{ line_id: 1, amount: 19900 }], payment_details: { payment_id: "T1" }, success: true as const }
    await new OrdersRecorder(client.orders, "op_placed#2", 1, store).recordAuthorization(placed.orderId, "authorization", body, { lastStep: true })
    expect(store.progress.sent).toBeUndefined()
    const authorizations = () => countRequests(emulator, "POST", `/api/v1/accounts/T12345678/shopping/orders/${placed.orderId}/authorizations`)
    expect(authorizations()).toBe(1)

    // The attempt died before its outcome was saved: the next attempt looks the record up instead of sending it again.
    await new OrdersRecorder(client.orders, "op_placed#2", 2, store).recordAuthorization(placed.orderId, "authorization", body, { lastStep: true })
    expect(authorizations()).toBe(1)
    expect(await client.orders.listAuthorizations(placed.orderId)).toHaveLength(1)
    // Not the last step: the record's id is kept in the progress, and a later attempt asks Dintero nothing.
    await new OrdersRecorder(client.orders, "op_placed#2", 2, store).recordAuthorization(placed.orderId, "authorization", body)
    expect(Object.keys(store.progress.sent ?? {})).toEqual(["authorization"])
    const before = emulator.requests.length
    await new OrdersRecorder(client.orders, "op_placed#2", 3, store).recordAuthorization(placed.orderId, "authorization", body)
    expect(emulator.requests.slice(before)).toEqual([])
  })
})
