// Issue 8 section 2, the emulator's and the client's side: each switch of the emulator that makes it behave as
// Dintero's published sources say (docs/dintero-contract.md), and how the real client copes with it.
import axios from "axios"
import http from "node:http"
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator"
import { DinteroError, capturedAmount } from "../../src/dintero"
import { guardContract } from "./contract-guard"
import { CallbackReceiver, CONTRACT_TEST_OPTIONS } from "./emulator-helpers"
import { makeClient, rejectionOf, sessionBody } from "./client-fixtures"

jest.setTimeout(30_000)

let emulator: Emulator | undefined
const guard = guardContract(() => emulator, { requests: "client" })
const started: Emulator[] = []

async function emulatorWith(opts: EmulatorOptions = {}): Promise<Emulator> {
  const em = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0, callbackRetryDelayMs: 10, ...opts })
  started.push(em)
  emulator = em
  return em
}

afterAll(async () => {
  await Promise.all(started.map((em) => em.close()))
})

/** Polls `read` until `done` holds (bounded): waits for the emulator's own asynchronous steps, asserts no durations. */
async function eventually<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read()
    if (done(value)) return value
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

const noKeepAlive = axios.create({ validateStatus: () => true, maxRedirects: 0, httpAgent: new http.Agent({ keepAlive: false }) })

describe("item 1: custom session metadata is not on the transaction; the session is", () => {
  it("Dintero's reading (the default): only Dintero's keys reach the transaction; includes=session and GET /sessions/{id} carry ours", async () => {
    const em = await emulatorWith()
    const client = makeClient(em)
    const body = { ...sessionBody(), metadata: { medusa_payment_session_id: "payses_1" } }
    const created = await client.checkout.createSession(body)
    const paid = await em.pay(created.id, "AUTHORIZED")
    const tx = await client.checkout.getTransaction(paid.transaction!.id)
    expect(tx.metadata).toEqual({ "session:profile_id": "default" })
    const withSession = await client.checkout.getTransaction(tx.id, { includes: ["session"] })
    expect(withSession.session?.metadata?.medusa_payment_session_id).toBe("payses_1")
    const session = await client.checkout.getSession(tx.session_id!)
    expect(session.metadata?.medusa_payment_session_id).toBe("payses_1")
    client.close()
  })

  it("the other reading can be switched on: the custom keys are copied onto the transaction", async () => {
    const em = await emulatorWith({ copySessionMetadataToTransaction: true })
    const client = makeClient(em)
    const created = await client.checkout.createSession({ ...sessionBody(), metadata: { medusa_payment_session_id: "payses_2" } })
    const paid = await em.pay(created.id, "AUTHORIZED")
    expect((await client.checkout.getTransaction(paid.transaction!.id)).metadata?.medusa_payment_session_id).toBe("payses_2")
    client.close()
  })
})

describe("item 2: auto-capture is asynchronous, may fail and is retried", () => {
  it("AUTHORIZED first, failed attempts as success:false events, CAPTURED later; the callback only after CAPTURED", async () => {
    const rx = await new CallbackReceiver().start()
    try {
      const em = await emulatorWith({ autoCaptureDelayMs: 20, autoCaptureFailures: 2 })
      const client = makeClient(em)
      const body = sessionBody()
      body.url.callback_url = `${rx.url}/cb?report_event=CAPTURE`
      body.configuration = { auto_capture: true }
      const created = await client.checkout.createSession(body)
      const paid = await em.pay(created.id, "AUTHORIZED")
      // No timer has run yet (same tick): the shopper's return sees AUTHORIZED and no callback was scheduled.
      expect(paid.transaction!.status).toBe("AUTHORIZED")
      expect(em.callbacks).toHaveLength(0)

      const tx = await eventually(() => client.checkout.getTransaction(paid.transaction!.id), (t) => t.status === "CAPTURED", "CAPTURED")
      const captures = (tx.events ?? []).filter((e) => e.event === "CAPTURE")
      expect(captures.map((e) => e.success)).toEqual([false, false, true])
      expect(captures[0].error?.message).toEqual(expect.any(String))
      expect(capturedAmount(tx)).toBe(tx.amount)

      await em.waitForCallbacks()
      const payment = em.callbacks.find((c) => c.kind === "payment")!
      expect(payment.delivered).toBe(true)
      // The payment callback was prepared after the successful capture (its session event names that event).
      const sent = (await client.checkout.getSession(created.id)).events!.find((e) => e.name === "AUTH_CALLBACK_SENT")
      expect(sent?.details?.transaction_event_id).toBe(captures[2].id)
      client.close()
    } finally {
      await rx.close()
    }
  })

  it("a manual capture stops the pending auto-capture (one capture in all)", async () => {
    const rx = await new CallbackReceiver().start()
    try {
      const em = await emulatorWith({ autoCaptureDelayMs: 30 })
      const client = makeClient(em)
      const body = sessionBody()
      body.url.callback_url = `${rx.url}/cb`
      body.configuration = { auto_capture: true }
      const created = await client.checkout.createSession(body)
      const paid = await em.pay(created.id, "AUTHORIZED")
      await client.checkout.captureTransaction(paid.transaction!.id, { amount: 33890, capture_reference: "manual-1" })
      // The auto-capture step has run once the payment callback exists (it is sent when auto-capture ends).
      await eventually(() => em.callbacks.filter((c) => c.kind === "payment").length, (n) => n === 1, "the payment callback")
      await em.waitForCallbacks()
      const tx = await client.checkout.getTransaction(paid.transaction!.id)
      const captures = (tx.events ?? []).filter((e) => e.event === "CAPTURE")
      expect(captures).toHaveLength(1)
      expect(captures[0].event_reference).toBe("manual-1")
      client.close()
    } finally {
      await rx.close()
    }
  })

  it("each attempt runs when the test says (runAutoCapture); a failed attempt is reported as error=captured with report_error", async () => {
    const rx = await new CallbackReceiver().start()
    try {
      // A delay no test waits for: every attempt is run explicitly.
      const em = await emulatorWith({ autoCaptureDelayMs: 3_600_000, autoCaptureFailures: 1 })
      const client = makeClient(em)
      const body = sessionBody()
      body.url.callback_url = `${rx.url}/cb?report_error=true`
      body.configuration = { auto_capture: true }
      const created = await client.checkout.createSession(body)
      const txId = (await em.pay(created.id, "AUTHORIZED")).transaction!.id
      expect(em.runAutoCapture("T12345678.nosuchtransaction")).toBe(false)

      expect(em.runAutoCapture(txId)).toBe(true)
      await em.waitForCallbacks()
      expect((await client.checkout.getTransaction(txId)).status).toBe("AUTHORIZED")
      expect(em.callbacks.map((c) => [c.kind, c.error, c.transaction_id])).toEqual([["error", "captured", txId]])
      expect(rx.received[0].query.get("error")).toBe("captured")

      expect(em.runAutoCapture(txId)).toBe(true)
      await em.waitForCallbacks()
      const tx = await client.checkout.getTransaction(txId)
      expect(tx.status).toBe("CAPTURED")
      expect((tx.events ?? []).filter((e) => e.event === "CAPTURE").map((e) => e.success)).toEqual([false, true])
      expect(em.callbacks.map((c) => c.kind)).toEqual(["error", "payment"])
      // Nothing is pending once the capture succeeded.
      expect(em.runAutoCapture(txId)).toBe(false)

      // The other reading: no callback until the capture succeeds.
      em.options.autoCaptureFailureCallbacks = false
      const second = await client.checkout.createSession(body)
      const secondTx = (await em.pay(second.id, "AUTHORIZED")).transaction!.id
      expect(em.runAutoCapture(secondTx)).toBe(true)
      await em.waitForCallbacks()
      expect(em.callbacks.filter((c) => c.transaction_id === secondTx)).toEqual([])
      client.close()
    } finally {
      await rx.close()
    }
  })
})

describe("item 3: a 2xx capture/refund whose event says success:false moved no money", () => {
  it("the client surfaces Dintero's reason as a DinteroError (kind rejected), the status stays, nothing is captured", async () => {
    const em = await emulatorWith()
    const client = makeClient(em)
    const created = await client.checkout.createSession(sessionBody())
    const txId = (await em.pay(created.id, "AUTHORIZED")).transaction!.id
    em.faults.add({ kind: "operation-failure", operation: "capture", code: "INSUFFICIENT_FUNDS", message: "Card has insufficient funds" })
    const err = await rejectionOf(client.checkout.captureTransaction(txId, { amount: 33890, capture_reference: "cap-1" }))
    expect(err).toBeInstanceOf(DinteroError)
    expect(err).toMatchObject({ kind: "rejected", status: 200, code: "INSUFFICIENT_FUNDS", dinteroMessage: "Card has insufficient funds" })
    expect(err.message).toMatch(/Dintero reports the operation failed \(INSUFFICIENT_FUNDS\): Card has insufficient funds/)
    const tx = await client.checkout.getTransaction(txId)
    expect(tx.status).toBe("AUTHORIZED")
    expect(capturedAmount(tx)).toBe(0)
    // Positive control: without the fault the same capture succeeds.
    const ok = await client.checkout.captureTransaction(txId, { amount: 33890, capture_reference: "cap-2" })
    expect(ok.transaction.status).toBe("CAPTURED")

    em.faults.add({ kind: "operation-failure", operation: "refund", message: "Refund refused by the acquirer" })
    const refundErr = await rejectionOf(client.checkout.refundTransaction(txId, { amount: 100, refund_reference: "ref-1" }))
    expect(refundErr).toMatchObject({ kind: "rejected", dinteroMessage: "Refund refused by the acquirer" })
    client.close()
  })
})

describe("item 4: HTTPS callbacks only, unless an explicit, logged opt-out", () => {
  it("refuses http and localhost callback URLs by default; the opt-out is logged", async () => {
    const logged: string[] = []
    const strict = await emulatorWith({ allowInsecureCallbacks: false, log: (m) => logged.push(m) })
    expect(logged).toEqual([])
    const client = makeClient(strict)
    for (const callback_url of ["http://shop.example/cb", "https://localhost/cb", "https://127.0.0.1/cb"]) {
      const body = sessionBody()
      body.url.callback_url = callback_url
      guard.sendsBadRequestsOnPurpose()
      const err = await rejectionOf(client.checkout.createSession(body))
      expect(err).toMatchObject({ status: 400, dinteroMessage: expect.stringContaining("url.callback_url must be https and not localhost") })
    }
    const ok = sessionBody()
    ok.url.callback_url = "https://shop.example/cb"
    await expect(client.checkout.createSession(ok)).resolves.toMatchObject({ id: expect.any(String) })
    client.close()

    const optOut: string[] = []
    await emulatorWith({ allowInsecureCallbacks: true, log: (m) => optOut.push(m) })
    expect(optOut).toEqual([expect.stringMatching(/accepting http\/localhost callback URLs \(allowInsecureCallbacks\)/)])
  })
})

describe("item 5: Orders API identity", () => {
  it.each(["id-and-order_id", "id-only"] as const)("with %s the client mirrors an order whichever id field is filled", async (orderIdentity) => {
    const em = await emulatorWith({ orderIdentity })
    const client = makeClient(em)
    const draft = await client.orders.createDraft({
      options: { generate_order_id: "ALPHANUMERIC_9" },
      order: { currency: "NOK", items: [{ id: "175938", line_id: 1, quantity: 2, gross_amount: 39800, tax_lines: [{ amount: 7960, percentage: 25 }] }] },
    })
    const { orders } = await client.orders.completeDraft(draft.id)
    const raw = em.requests.filter((r) => r.route.endsWith("/complete")).pop()!.responseBody as { orders: Record<string, unknown>[] }
    if (orderIdentity === "id-only") expect(raw.orders[0]).not.toHaveProperty("order_id")
    else expect(raw.orders[0].order_id).toEqual(expect.stringMatching(/^[A-Z0-9]{9}$/))
    expect(orders[0].order_id).toBe(raw.orders[0].order_id ?? raw.orders[0].id)
    const op = await client.orders.createAuthorization(orders[0].order_id, { items: [{ line_id: 1, amount: 39800 }], payment_details: { payment_id: "T12345678.tx" }, success: true })
    expect(op.amount).toBe(39800)
    expect((await client.orders.getOrder(orders[0].order_id)).order_id).toBe(orders[0].order_id)
    client.close()
  })
})

describe("item 6: no unlocked update once the page was rendered", () => {
  it("strictSessionLock: refused after render; lock -> update -> unlocked; the body holds only update-schema fields", async () => {
    const em = await emulatorWith({ strictSessionLock: true })
    const client = makeClient(em)
    const body = sessionBody()
    const created = await client.checkout.createSession(body)
    // The cart changed: the chair is now 25990 (+ 3900 shipping).
    const update = { order: { ...body.order, amount: 29890, items: [{ ...body.order.items![0], amount: 25990 }] } }

    // Before render the server-to-server unlocked update is allowed (SPEC-TS:7578-7584).
    await client.checkout.updateSession(created.id, update)
    const put = em.requests.filter((r) => r.method === "PUT").pop()!
    expect(put.query).toEqual({ update_without_lock: "true" })
    expect(put.body).not.toHaveProperty("order.merchant_reference")
    expect(put.body).toMatchObject({ remove_lock: true })

    // The shopper opens the page: now the unlocked update is refused.
    expect((await noKeepAlive.get(created.url)).status).toBe(200)
    const refused = await rejectionOf(client.checkout.updateSession(created.id, update))
    expect(refused).toMatchObject({ status: 400, code: "SESSION_NOT_LOCKED", dinteroMessage: expect.stringMatching(/before the checkout has been rendered/) })

    // The page locks (Web SDK lockSession); paying is refused while locked; the locked update is applied and unlocks.
    const lockId = em.lockSession(created.id)
    expect(lockId).toEqual(expect.any(String))
    await expect(em.pay(created.id, "AUTHORIZED")).rejects.toThrow(/locked/)
    const updated = await client.checkout.updateSession(created.id, update, { lock: "locked-by-page" })
    expect(updated.order.amount).toBe(29890)
    expect(em.requests.filter((r) => r.method === "PUT").pop()!.query).toEqual({})
    expect(updated.events?.map((e) => e.name)).toEqual(expect.arrayContaining(["PAY_LOCK_START", "PAY_LOCK_END"]))
    await expect(em.pay(created.id, "AUTHORIZED")).resolves.toMatchObject({ transaction: expect.anything() })
    client.close()
  })

  it("the client refuses to send an order field the update schema does not have", async () => {
    const em = await emulatorWith()
    const client = makeClient(em)
    const created = await client.checkout.createSession(sessionBody())
    await expect(
      client.checkout.updateSession(created.id, { order: { amount: 1, not_a_field: true } as never })
    ).rejects.toThrow(/order\.not_a_field is not a field of Dintero's session update/)
    client.close()
  })
})

describe("open: PUT session merges or replaces the order", () => {
  it.each([
    ["merge", true],
    ["replace", false],
  ] as const)("%s: an update without shipping_option %s the stored one", async (sessionUpdateMode, kept) => {
    const em = await emulatorWith({ sessionUpdateMode })
    const client = makeClient(em)
    const body = sessionBody()
    const created = await client.checkout.createSession(body)
    // The client always sends the whole order it wants, so both readings give the same session.
    const whole = { order: { ...body.order } }
    expect((await client.checkout.updateSession(created.id, whole)).order.shipping_option).toEqual(body.order.shipping_option)
    // Without shipping_option (and amount = items only) the readings differ.
    const partial = { order: { amount: 29990, currency: "NOK", items: body.order.items } }
    const after = await client.checkout.updateSession(created.id, partial).catch((e: DinteroError) => e)
    if (kept) {
      // merge keeps shipping (33890 expected): the items-only amount is refused by the sum rule.
      expect(after).toMatchObject({ status: 400, dinteroMessage: expect.stringMatching(/does not match the sum/) })
    } else {
      expect((after as { order: { shipping_option?: unknown; merchant_reference: string } }).order.shipping_option).toBeUndefined()
      expect((after as { order: { merchant_reference: string } }).order.merchant_reference).toBe(body.order.merchant_reference)
    }
    client.close()
  })
})

describe("item 9: scopes per API client", () => {
  it("a checkout-only client works on Checkout and gets a 403 naming admin:shopping on Orders", async () => {
    const em = await emulatorWith({ extraClients: [{ clientId: "checkout-only", clientSecret: "s3cret", scopes: ["admin:checkout"] }] })
    const client = makeClient(em, { clientId: "checkout-only", clientSecret: "s3cret" })
    await expect(client.checkout.createSession(sessionBody())).resolves.toMatchObject({ id: expect.any(String) })
    const err = await rejectionOf(client.orders.createDraft({ order: { currency: "NOK", items: [{ line_id: 1, gross_amount: 100 }] } }))
    expect(err).toMatchObject({ kind: "http", status: 403 })
    expect(err.dinteroMessage).toMatch(/admin:shopping or write:shopping/)
    expect(err.message).toMatch(/missing scope/)
    const read = await rejectionOf(client.orders.getOrder("ABC"))
    expect(read.dinteroMessage).toMatch(/admin:shopping or read:shopping/)
    // Positive control: the default client (both scopes) may use the Orders API.
    const full = makeClient(em)
    await expect(full.orders.createDraft({ order: { currency: "NOK", items: [{ line_id: 1, gross_amount: 100 }] } })).resolves.toMatchObject({ id: expect.any(String) })
    client.close()
    full.close()
  })
})

describe("item 10: Swish is captured at once", () => {
  it.each(["swish.swish", "payex.swish"])("%s: CAPTURED with no AUTHORIZED before it", async (productType) => {
    const em = await emulatorWith()
    const client = makeClient(em)
    const created = await client.checkout.createSession(sessionBody())
    const paid = await em.pay(created.id, "AUTHORIZED", { payment_product_type: productType })
    const tx = await client.checkout.getTransaction(paid.transaction!.id)
    expect(tx.status).toBe("CAPTURED")
    expect((tx.events ?? []).map((e) => e.event)).toEqual(["INITIALIZE", "CAPTURE"])
    expect(capturedAmount(tx)).toBe(tx.amount)
    client.close()
  })
})
