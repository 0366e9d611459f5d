/**
 * The Orders mirror's recorded ledger (src/workflows/outbox/orders-recorder.ts) against the emulator's Orders API:
 * a first attempt plans from the ledger without listing records and counts what it creates; any later attempt drops
 * the ledger before sending and reads Dintero's records instead. The progress and ledger stores are the runner's
 * database rows in the app; here they are plain objects (what is under test is the recorder's use of them).
 */
import { startEmulator, Emulator } from "../../emulator"
import type { DinteroClient } from "../../src/dintero"
import { buildPaymentOperation, type OrdersDraftBody } from "../../src/mapping/orders"
import { perLine, totalsOf, type RecordedTotals } from "../../src/mapping/orders-mirror/ledger"
import type { Progress } from "../../src/workflows/outbox/operation"
import { OrdersRecorder, type LedgerStore, type ProgressStore } from "../../src/workflows/outbox/orders-recorder"
import { makeClient } from "./client-fixtures"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"

const TX = "T12345678.ledger"

function draft(): OrdersDraftBody {
  return {
    options: { generate_order_id: "ALPHANUMERIC_9" },
    order: {
      currency: "NOK",
      items: [1, 2].map((line_id) => ({ id: `SKU${line_id}`, line_id, quantity: 1, gross_amount: 1000, tax_lines: [{ amount: 200, percentage: 25 }], description: `Item ${line_id}` })),
    },
  }
}

function progressStore(): ProgressStore {
  let progress: Progress = {}
  return {
    get progress() {
      return progress
    },
    async set(key, value) {
      progress = { ...progress, [key]: value }
    },
  }
}

function ledgerStore(initial: RecordedTotals | null = null): LedgerStore & { writes: (RecordedTotals | null)[] } {
  let current = initial
  const writes: (RecordedTotals | null)[] = []
  return {
    writes,
    read: () => current,
    async write(totals) {
      current = totals
      writes.push(totals)
    },
  }
}

describe("Orders recorder: the recorded ledger", () => {
  let emulator: Emulator
  let client: DinteroClient

  beforeAll(async () => {
    emulator = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0, callbackRetryDelayMs: 10 })
    client = makeClient(emulator)
  })
  afterAll(async () => {
    client.close()
    await emulator.close()
  })

  const ordersRequests = (from: number) => emulator.requests.slice(from).filter((r) => r.path.includes("/shopping/orders/")).map((r) => `${r.method} ${r.route}`)

  it("a first attempt plans from the ledger with no Orders request and counts what it sends", async () => {
    const ledger = ledgerStore()
    const placing = new OrdersRecorder(client.orders, "order_placed:o1", 1, progressStore(), ledger)
    const completed = await placing.createAndCompleteDraft(draft(), null)
    if (!completed.ok) throw new Error(completed.needsAction)
    const orderId = completed.orderId
    await placing.recordAuthorization(orderId, "authorization", buildPaymentOperation([{ line_id: 1, amount: 1000 }, { line_id: 2, amount: 1000 }], TX))
    expect(ledger.writes).toHaveLength(1) // the new order's ledger starts with its first record

    const capturing = new OrdersRecorder(client.orders, "capture:c1", 1, progressStore(), ledger)
    const before = emulator.requests.length
    const planned = await capturing.plannedRecords(orderId)
    expect(planned.from).toBe("ledger")
    expect(perLine(planned.records, "authorizations", TX)).toEqual(new Map([[1, 1000], [2, 1000]]))
    await capturing.recordCapture(orderId, "capture", buildPaymentOperation([{ line_id: 1, amount: 600 }], TX))
    expect(ordersRequests(before)).toEqual(["POST /api/v1/accounts/:aid/shopping/orders/:order_id/captures"])

    // The ledger is what Dintero holds.
    expect(ledger.read()).toEqual(totalsOf(await capturing.readRecords(orderId)))
  })

  it("a later attempt drops the ledger before sending, reads Dintero's records, and does not rebuild the ledger", async () => {
    const ledger = ledgerStore()
    const placing = new OrdersRecorder(client.orders, "order_placed:o2", 1, progressStore(), ledger)
    const completed = await placing.createAndCompleteDraft(draft(), null)
    if (!completed.ok) throw new Error(completed.needsAction)
    const orderId = completed.orderId
    await placing.recordAuthorization(orderId, "authorization", buildPaymentOperation([{ line_id: 1, amount: 1000 }], TX))
    expect(ledger.read()).not.toBeNull()

    // Attempt 2 of a capture whose first attempt may have sent it: the ledger cannot say; Dintero's records can.
    const retry = new OrdersRecorder(client.orders, "capture:c2", 2, progressStore(), ledger)
    const before = emulator.requests.length
    const planned = await retry.plannedRecords(orderId)
    expect(planned.from).toBe("dintero")
    expect(ledger.read()).toBeNull()
    expect(ordersRequests(before)).toHaveLength(4)
    await retry.recordCapture(orderId, "capture", buildPaymentOperation([{ line_id: 1, amount: 400 }], TX))
    expect(ledger.read()).toBeNull()

    // The next first attempt reads Dintero once and keeps what it read (with the capture above) as the ledger.
    const next = new OrdersRecorder(client.orders, "refund:r1", 1, progressStore(), ledger)
    const again = await next.plannedRecords(orderId)
    expect(again.from).toBe("dintero")
    expect(perLine(again.records, "captures", TX)).toEqual(new Map([[1, 400]]))
    expect(ledger.read()?.captures).toEqual({ [TX]: { 1: 400 } })
  })

  it("a retry finds the record an earlier attempt sent by its marker and sends nothing again", async () => {
    const ledger = ledgerStore()
    const placing = new OrdersRecorder(client.orders, "order_placed:o3", 1, progressStore(), ledger)
    const completed = await placing.createAndCompleteDraft(draft(), null)
    if (!completed.ok) throw new Error(completed.needsAction)
    const orderId = completed.orderId
    const auth = buildPaymentOperation([{ line_id: 1, amount: 1000 }], TX)
    await placing.recordAuthorization(orderId, "authorization", auth)
    // The first attempt's capture reached Dintero, but its answer was lost (nothing saved in its progress).
    await new OrdersRecorder(client.orders, "capture:c3", 1, progressStore(), ledgerStore()).recordCapture(orderId, "capture", buildPaymentOperation([{ line_id: 1, amount: 300 }], TX))

    const retry = new OrdersRecorder(client.orders, "capture:c3", 2, progressStore(), ledger)
    await retry.recordCapture(orderId, "capture", buildPaymentOperation([{ line_id: 1, amount: 300 }], TX))
    const captures = await client.orders.listCaptures(orderId)
    expect(captures).toHaveLength(1)
    expect(ledger.read()).toBeNull()
  })
})
