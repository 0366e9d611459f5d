// Issue 8 section 3: anything Dintero might answer that the contract does not allow is a clear DinteroError
// (`contract_violation`, naming the field), never a crash later on `undefined` and never a silent success.
import { startEmulator, type Emulator } from "../../emulator"
import { DinteroError, contract } from "../../src/dintero"

const { CallbackQuery } = contract
import { guardContract } from "./contract-guard"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"
import { makeClient, rejectionOf, sessionBody } from "./client-fixtures"

let emulator: Emulator
guardContract(() => emulator, { requests: "client" })

beforeAll(async () => {
  emulator = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0, callbackRetryDelayMs: 10 })
})
afterEach(() => emulator.reset())
afterAll(async () => {
  await emulator.close()
})

/** Dintero answering 200 with `body` for the next matching request. */
function answer200(method: string, path: string, body: object): void {
  emulator.faults.add({ kind: "status", method, path, status: 200, body })
}

async function paid(client: ReturnType<typeof makeClient>) {
  const created = await client.checkout.createSession(sessionBody())
  return (await emulator.pay(created.id, "AUTHORIZED")).transaction!.id
}

describe("answers outside the contract", () => {
  it("an unknown transaction status names the field", async () => {
    const client = makeClient(emulator)
    answer200("GET", "/checkout/v1/transactions/:id", { id: "T12345678.x", amount: 100, currency: "NOK", status: "SETTLED_SOMEHOW" })
    const err = await rejectionOf(client.checkout.getTransaction("T12345678.x"))
    expect(err).toBeInstanceOf(DinteroError)
    expect(err).toMatchObject({ kind: "contract", code: "contract_violation", status: 200, retryable: false })
    expect(err.dinteroMessage).toMatch(/^the transaction does not match Dintero's contract: status /)
    expect(err.errors).toEqual([expect.objectContaining({ path: "status" })])
    // The received value is not echoed (answers can carry personal data).
    expect(JSON.stringify(err)).not.toContain("SETTLED_SOMEHOW")
    client.close()
  })

  it("a session without its order, a list that is not a list, a draft completion without orders", async () => {
    const client = makeClient(emulator)
    answer200("GET", "/checkout/v1/sessions/:id", { id: "T12345678.s" })
    expect((await rejectionOf(client.checkout.getSession("T12345678.s"))).dinteroMessage).toMatch(/the session .*: order /)
    answer200("GET", "/checkout/v1/transactions", { transactions: "nope" })
    expect((await rejectionOf(client.checkout.listTransactions({ session_id: "x" }))).dinteroMessage).toMatch(/transaction list/)
    answer200("PUT", "/api/v1/accounts/T12345678/shopping/draft_orders/:id/complete", { orders: [] })
    expect((await rejectionOf(client.orders.completeDraft("d1"))).dinteroMessage).toMatch(/completed draft .*: orders /)
    answer200("PUT", "/api/v1/accounts/T12345678/shopping/draft_orders/:id/complete", { orders: [{ currency: "NOK", items: [] }] })
    expect((await rejectionOf(client.orders.completeDraft("d1"))).dinteroMessage).toMatch(/order_id/)
    client.close()
  })

  it("a token answer without access_token is a contract violation that does not echo the body", async () => {
    const client = makeClient(emulator)
    emulator.faults.add({ kind: "status", method: "POST", path: "/api/v1/accounts/T12345678/auth/token", status: 200, body: { token_type: "Bearer", expires_in: 10, secretish: "s3cr3t-value" } })
    const err = await rejectionOf(client.getAccessToken())
    expect(err).toMatchObject({ kind: "contract", code: "contract_violation" })
    expect(err.dinteroMessage).toMatch(/access_token/)
    expect(JSON.stringify(err) + err.message).not.toContain("s3cr3t-value")
    client.close()
  })

  it("a 200 capture without our event is not taken as success", async () => {
    const client = makeClient(emulator)
    const txId = await paid(client)
    const tx = await client.checkout.getTransaction(txId)
    answer200("POST", "/checkout/v1/transactions/:id/capture", { ...tx, status: "CAPTURED" })
    const err = await rejectionOf(client.checkout.captureTransaction(txId, { amount: 33890, capture_reference: "cap-x" }))
    expect(err).toMatchObject({ kind: "contract", code: "contract_violation" })
    expect(err.dinteroMessage).toMatch(/no CAPTURE event with our reference/)
    client.close()
  })

  it("a callback query without our merchant_reference or without any session id is refused by the schema", () => {
    const ok = CallbackQuery.safeParse({ transaction_id: "T1.x", session_id: "T1.s", merchant_reference: "cart_1", time: "2026-01-01T00:00:00Z" })
    expect(ok.success).toBe(true)
    const noRef = CallbackQuery.safeParse({ transaction_id: "T1.x", session_id: "T1.s" })
    expect(noRef.success).toBe(false)
    expect(noRef.error!.issues[0].path).toEqual(["merchant_reference"])
    const noSession = CallbackQuery.safeParse({ transaction_id: "T1.x", merchant_reference: "cart_1" })
    expect(noSession.error!.issues.map((i) => i.path.join("."))).toContain("session_id")
    const sid = CallbackQuery.safeParse({ transaction_id: "T1.x", sid: "T1.s", merchant_reference: "cart_1" })
    expect(sid.success).toBe(true)
  })
})

describe("the contract guard itself (positive control)", () => {
  it("records an emulator answer that drifted from the contract", async () => {
    const client = makeClient(emulator)
    const txId = await paid(client)
    const before = emulator.contractViolations.length
    // Drift the emulator's own state: a transaction without a currency and with an event kind Dintero does not have.
    const live = emulator.state.transactions.find((t) => t.id === txId)!
    delete (live as Record<string, unknown>).currency
    ;(live.events[0] as { event: string }).event = "MADE_UP"
    await rejectionOf(client.checkout.getTransaction(txId))
    const recorded = emulator.contractViolations.slice(before)
    expect(recorded).toEqual([
      expect.objectContaining({ route: "GET /checkout/v1/transactions/:id", side: "response", status: 200 }),
    ])
    expect(recorded[0].issues.map((i) => i.path)).toEqual(expect.arrayContaining(["currency", "events[0].event"]))
    // Consumed here so the guard does not fail this test: the recording is what is under test.
    emulator.contractViolations.splice(before)
    client.close()
  })
})
