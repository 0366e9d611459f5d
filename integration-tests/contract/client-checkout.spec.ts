import { startEmulator, Emulator } from "../../emulator"
import { capturedAmount, DinteroClient, DinteroError, findEventByReference, refundedAmount } from "../../src/dintero"
import { countRequests, isLoggedPath, makeClient, paidTransaction, rejectionOf, sessionBody } from "./client-fixtures"
import { guardContract } from "./contract-guard"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"

describe("Dintero client contract: checkout sessions and transactions", () => {
  let emulator: Emulator
  const guard = guardContract(() => emulator, { requests: "client" })
  let client: DinteroClient

  beforeAll(async () => {
    emulator = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0, callbackRetryDelayMs: 10 })
    client = makeClient(emulator)
  })
  afterEach(() => {
    emulator.options.asyncMode = false
    emulator.faults.clear()
  })
  afterAll(async () => {
    client.close()
    await emulator.close()
  })

  describe("sessions", () => {
    it("creates a session and returns id and url", async () => {
      const created = await client.checkout.createSession(sessionBody())
      expect(created.id).toMatch(/^T12345678\./)
      expect(created.url).toContain(created.id)
      expect(created.session).toBeUndefined()
      expect(countRequests(emulator, "POST", "/checkout/v1/sessions-profile")).toBeGreaterThan(0)
    })

    it("returns the session with includeSession", async () => {
      const body = sessionBody()
      const created = await client.checkout.createSession(body, { includeSession: true })
      expect(created.session?.id).toBe(created.id)
      expect(created.session?.order.amount).toBe(33890)
      expect(created.session?.order.merchant_reference).toBe(body.order.merchant_reference)
    })

    it("surfaces a validation error's code, message and errors", async () => {
      guard.sendsBadRequestsOnPurpose()
      const body = sessionBody()
      delete (body as Partial<typeof body>).profile_id
      const err = await rejectionOf(client.checkout.createSession(body))
      expect(err).toBeInstanceOf(DinteroError)
      expect(err.kind).toBe("http")
      expect(err.status).toBe(400)
      expect(err.code).toEqual(expect.any(String))
      expect(err.dinteroMessage).toEqual(expect.any(String))
      expect(Array.isArray(err.errors)).toBe(true)
      expect(err.retryable).toBe(false)
      expect(err.method).toBe("POST")
      expect(err.path).toBe("/checkout/v1/sessions-profile")
      expect(err.message).toBe(
        `Dintero POST /checkout/v1/sessions-profile failed with 400 ${err.code}: ${err.dinteroMessage}`
      )
    })

    it("refuses an amount mismatch with strict amounts (the default), accepts it without", async () => {
      const body = sessionBody({ amount: 33891 })
      const err = await rejectionOf(client.checkout.createSession(body))
      expect(err).toBeInstanceOf(DinteroError)
      expect(err.status).toBe(400)
      expect(err.dinteroMessage).toMatch(/amount/)
      const lenient = await client.checkout.createSession(sessionBody({ amount: 33891 }), { strictAmounts: false })
      expect(lenient.id).toBeDefined()
    })

    it("gets, updates and cancels a session", async () => {
      const created = await client.checkout.createSession(sessionBody())
      const got = await client.checkout.getSession(created.id)
      expect(got.id).toBe(created.id)
      expect(got.order.amount).toBe(33890)

      const updated = await client.checkout.updateSession(created.id, {
        order: {
          amount: 63880,
          currency: "NOK",
          items: [{ id: "chair-1", line_id: "1", description: "Stablestol", quantity: 2, amount: 59980, vat_amount: 11996, vat: 25 }],
          shipping_option: { id: "std", line_id: "shipping-std", amount: 3900, title: "Standard", operator: "Bring" },
        },
        remove_lock: true,
      })
      expect(updated.order.amount).toBe(63880)
      const put = emulator.requests.find((r) => r.method === "PUT" && isLoggedPath(r.path, `/checkout/v1/sessions/${created.id}`))
      expect(put?.query).toMatchObject({ update_without_lock: "true" })

      const cancelled = await client.checkout.cancelSession(created.id)
      expect(cancelled.cancelled_at).toEqual(expect.any(String))
    })

    it("answers 404 for an unknown session", async () => {
      const err = await rejectionOf(client.checkout.getSession("T12345678.doesnotexist00000000000"))
      expect(err).toBeInstanceOf(DinteroError)
      expect(err.status).toBe(404)
      expect(err.retryable).toBe(false)
    })

    it("refuses to update a paid session", async () => {
      const { sessionId } = await paidTransaction(client, emulator)
      const err = await rejectionOf(
        client.checkout.updateSession(sessionId, { order: { amount: 33890, currency: "NOK" } })
      )
      expect(err).toBeInstanceOf(DinteroError)
      expect(err.status).toBe(400)
    })
  })

  describe("transactions", () => {
    it("gets a transaction, with includes=session", async () => {
      const { sessionId, transactionId, merchantReference } = await paidTransaction(client, emulator)
      const tx = await client.checkout.getTransaction(transactionId)
      expect(tx).toMatchObject({ id: transactionId, session_id: sessionId, status: "AUTHORIZED", amount: 33890 })
      expect(tx.merchant_reference).toBe(merchantReference)
      expect(tx.session).toBeUndefined()
      const withSession = await client.checkout.getTransaction(transactionId, { includes: ["session"] })
      expect(withSession.session?.id).toBe(sessionId)
    })

    it("lists transactions by session_id and merchant_reference", async () => {
      const { sessionId, transactionId, merchantReference } = await paidTransaction(client, emulator)
      const bySession = await client.checkout.listTransactions({ session_id: sessionId })
      expect(bySession.map((t) => t.id)).toEqual([transactionId])
      const byRef = await client.checkout.listTransactions({ merchant_reference: merchantReference })
      expect(byRef.map((t) => t.id)).toEqual([transactionId])
      const none = await client.checkout.listTransactions({ merchant_reference: "no-such-reference" })
      expect(none).toEqual([])
    })

    it("lists every transaction created since a moment, page by page", async () => {
      // The emulator runs in this process, on this clock: the earlier tests' transactions are all older than `since`.
      await new Promise((resolve) => setTimeout(resolve, 2))
      const since = new Date()
      const made: string[] = []
      for (let i = 0; i < 5; i++) made.push((await paidTransaction(client, emulator)).transactionId)
      const { transactions, requests } = await client.checkout.listTransactionsCreatedSince(since, 2)
      expect(transactions.map((t) => t.id).sort()).toEqual([...made].sort())
      // Pages of 2: 2 + 2 + 1, the short page ends it.
      expect(requests).toBe(3)
      const none = await client.checkout.listTransactionsCreatedSince(new Date(Date.now() + 60_000))
      expect(none).toEqual({ transactions: [], requests: 1 })
    })

    it("captures partially, refuses an over-capture, captures the rest and refunds", async () => {
      const { transactionId } = await paidTransaction(client, emulator)
      const first = await client.checkout.captureTransaction(transactionId, {
        amount: 29990,
        capture_reference: "fulfillment_1",
        items: [{ line_id: "1", amount: 29990, quantity: 1 }],
      })
      expect(first.async).toBe(false)
      expect(first.reconciled).toBe(false)
      expect(first.transaction.status).toBe("PARTIALLY_CAPTURED")
      expect(capturedAmount(first.transaction)).toBe(29990)
      expect(findEventByReference(first.transaction.events, "CAPTURE", "fulfillment_1")?.amount).toBe(29990)

      const over = await rejectionOf(
        client.checkout.captureTransaction(transactionId, { amount: 5000, capture_reference: "fulfillment_2" })
      )
      expect(over).toBeInstanceOf(DinteroError)
      expect(over.status).toBe(400)
      expect(over.path).toBe(`/checkout/v1/transactions/${transactionId}/capture`)

      const rest = await client.checkout.captureTransaction(transactionId, {
        amount: 3900,
        capture_reference: "fulfillment_2",
        items: [{ line_id: "shipping-std", amount: 3900, quantity: 1 }],
      })
      expect(rest.transaction.status).toBe("CAPTURED")
      expect(capturedAmount(rest.transaction)).toBe(33890)

      const refund = await client.checkout.refundTransaction(transactionId, {
        amount: 10000,
        refund_reference: "return_1",
        reason: "Returned goods",
      })
      expect(refund.transaction.status).toBe("PARTIALLY_REFUNDED")
      expect(refundedAmount(refund.transaction)).toBe(10000)
      expect(findEventByReference(refund.transaction.events, "REFUND", "return_1")).toBeDefined()

      const overRefund = await rejectionOf(
        client.checkout.refundTransaction(transactionId, { amount: 30000, refund_reference: "return_2" })
      )
      expect(overRefund.status).toBe(400)
    })

    it("requires a capture/refund reference", async () => {
      await expect(
        client.checkout.captureTransaction("T12345678.x", { amount: 1, capture_reference: "" })
      ).rejects.toThrow(TypeError)
      await expect(
        client.checkout.refundTransaction("T12345678.x", { amount: 1, refund_reference: undefined as unknown as string })
      ).rejects.toThrow(TypeError)
    })

    it("voids an authorization, refuses a void after capture", async () => {
      const a = await paidTransaction(client, emulator)
      const voided = await client.checkout.voidTransaction(a.transactionId)
      expect(voided.transaction.status).toBe("AUTHORIZATION_VOIDED")

      const b = await paidTransaction(client, emulator)
      await client.checkout.captureTransaction(b.transactionId, { amount: 33890, capture_reference: "all" })
      const err = await rejectionOf(client.checkout.voidTransaction(b.transactionId))
      expect(err).toBeInstanceOf(DinteroError)
      expect(err.status).toBe(400)
    })

    it("cancels a paid (authorized) session, voiding its transaction", async () => {
      const { sessionId, transactionId } = await paidTransaction(client, emulator)
      const session = await client.checkout.cancelSession(sessionId)
      expect(session.cancelled_at).toEqual(expect.any(String))
      expect((await client.checkout.getTransaction(transactionId)).status).toBe("AUTHORIZATION_VOIDED")
    })

    it("updates a Klarna authorization; refuses it for a card and after a void", async () => {
      const { transactionId } = await paidTransaction(client, emulator, "AUTHORIZED", "klarna.klarna")
      const tx = await client.checkout.updateAuthorization(transactionId, {
        amount: 30000,
        reference: "edit-1",
        items: [
          { line_id: "1", amount: 26100, quantity: 1 },
          { line_id: "shipping-std", amount: 3900, quantity: 1 },
        ],
      })
      expect(tx.id).toBe(transactionId)
      expect(tx.amount).toBe(30000)

      const card = await paidTransaction(client, emulator)
      const refused = await rejectionOf(client.checkout.updateAuthorization(card.transactionId, { amount: 30000 }))
      expect(refused).toMatchObject({ status: 400, retryable: false })

      await client.checkout.voidTransaction(transactionId)
      const conflict = await rejectionOf(client.checkout.updateAuthorization(transactionId, { reason: "extend" }))
      expect(conflict).toMatchObject({ status: 409, retryable: false })
    })

    it("exposes a 202 (async) capture with its event-request-id", async () => {
      const { transactionId } = await paidTransaction(client, emulator)
      emulator.options.asyncMode = true
      const result = await client.checkout.captureTransaction(transactionId, { amount: 33890, capture_reference: "async_1" })
      expect(result.async).toBe(true)
      expect(result.eventRequestId).toEqual(expect.any(String))
      // Applied shortly after: poll the transaction.
      let tx = result.transaction
      for (let i = 0; i < 50 && tx.status !== "CAPTURED"; i++) {
        await new Promise((r) => setTimeout(r, 20))
        tx = await client.checkout.getTransaction(transactionId)
      }
      expect(tx.status).toBe("CAPTURED")
      expect(findEventByReference(tx.events, "CAPTURE", "async_1")).toBeDefined()
    })
  })
})
