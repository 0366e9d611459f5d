import http from "node:http"
import { AddressInfo } from "node:net"
import { inspect } from "node:util"
import { startEmulator, Emulator } from "../../emulator"
import { DinteroClient, DinteroClientConfig, DinteroError } from "../../src/dintero"
import { CLIENT_ID, CLIENT_SECRET, captureLogger, clientConfig, countRequests, makeClient, paidTransaction, rejectionOf, sessionBody } from "./client-fixtures"
import { DinteroTransport } from "../../src/dintero/http"
import { guardContract } from "./contract-guard"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"

describe("Dintero client contract: retries, lost answers, secrets", () => {
  let emulator: Emulator
  guardContract(() => emulator, { requests: "client" })
  const clients: DinteroClient[] = []
  const client = (overrides: Partial<DinteroClientConfig> = {}) => {
    const c = makeClient(emulator, overrides)
    clients.push(c)
    return c
  }
  const count = (method: string, path: string) => countRequests(emulator, method, path)
  const events = (transactionId: string, kind: string) =>
    (emulator.state.transactions.find((t) => t.id === transactionId)?.events ?? []).filter((e) => e.event === kind)

  beforeAll(async () => {
    emulator = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0, callbackRetryDelayMs: 10 })
  })
  afterEach(() => {
    emulator.reset()
    clients.splice(0).forEach((c) => c.close())
  })
  afterAll(async () => {
    await emulator.close()
  })

  describe("reads", () => {
    it("retries a GET after 503 and succeeds, logging each retry", async () => {
      const { lines, logger } = captureLogger()
      const c = client({ logger })
      const created = await c.checkout.createSession(sessionBody())
      const path = `/checkout/v1/sessions/${created.id}`
      emulator.faults.add({ kind: "status", status: 503, method: "GET", path, times: 2 })
      const session = await c.checkout.getSession(created.id)
      expect(session.id).toBe(created.id)
      expect(count("GET", path)).toBe(3)
      const retries = lines.filter((l) => l.includes("retrying"))
      expect(retries).toHaveLength(2)
      expect(retries[0]).toContain(`GET ${path} attempt 1/4 failed (503`)
    })

    it("honours Retry-After on 429", async () => {
      // An injected sleep records what the client waits (no wall-clock timing on a loaded CI machine).
      const waits: number[] = []
      const c = new DinteroClient(
        clientConfig(emulator),
        { sleep: async (ms) => void waits.push(ms), random: () => 0 }
      )
      clients.push(c)
      await c.getAccessToken()
      emulator.faults.add({ kind: "status", status: 429, method: "GET", path: "/checkout/v1/transactions", retryAfter: 1 })
      const list = await c.checkout.listTransactions()
      expect(Array.isArray(list)).toBe(true)
      expect(waits).toEqual([1000]) // the server's Retry-After, not the (here zero) computed backoff
      expect(count("GET", "/checkout/v1/transactions")).toBe(2)
    })

    it("does not wait for a Retry-After above the cap", async () => {
      // The injected sleep records every wait: none at all, instead of a wall-clock bound on a loaded CI machine.
      const waits: number[] = []
      const c = new DinteroClient(
        { ...clientConfig(emulator), retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 500 } },
        { sleep: async (ms) => void waits.push(ms), random: () => 0 }
      )
      clients.push(c)
      await c.getAccessToken()
      emulator.faults.add({ kind: "status", status: 429, method: "GET", path: "/checkout/v1/transactions", retryAfter: 30 })
      const err = await rejectionOf(c.checkout.listTransactions())
      expect(waits).toEqual([])
      expect(count("GET", "/checkout/v1/transactions")).toBe(1)
      expect(err).toMatchObject({ status: 429, retryable: true, retryAfterMs: 30000 })
    })

    it("bounds the number of attempts", async () => {
      const c = client({ retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 50 } })
      await c.getAccessToken()
      emulator.faults.add({ kind: "status", status: 502, method: "GET", path: "/checkout/v1/transactions", times: 10 })
      const err = await rejectionOf(c.checkout.listTransactions())
      expect(err).toMatchObject({ kind: "http", status: 502, retryable: true })
      expect(count("GET", "/checkout/v1/transactions")).toBe(3)
    })

    it("retries a GET that hangs past the client timeout", async () => {
      const c = client({ timeoutMs: 300 })
      const { transactionId } = await paidTransaction(c, emulator)
      const path = `/checkout/v1/transactions/${transactionId}`
      emulator.faults.add({ kind: "hang", method: "GET", path })
      const started = Date.now()
      const tx = await c.checkout.getTransaction(transactionId)
      expect(tx.id).toBe(transactionId)
      expect(Date.now() - started).toBeGreaterThanOrEqual(280)
    })

    it("reports a timeout as kind timeout once retries are exhausted", async () => {
      const c = client({ timeoutMs: 200, retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 50 } })
      await c.getAccessToken()
      emulator.faults.add({ kind: "hang", method: "GET", path: "/checkout/v1/transactions", times: 2 })
      const err = await rejectionOf(c.checkout.listTransactions())
      expect(err).toBeInstanceOf(DinteroError)
      expect(err).toMatchObject({ kind: "timeout", retryable: true, method: "GET", path: "/checkout/v1/transactions" })
      expect(err.status).toBeUndefined()
      expect(err.message).toBe("Dintero GET /checkout/v1/transactions timed out after 200ms")
    })

    it("retries a GET whose connection is reset", async () => {
      const c = client()
      const { transactionId } = await paidTransaction(c, emulator)
      emulator.faults.add({ kind: "reset", method: "GET", path: `/checkout/v1/transactions/${transactionId}` })
      const tx = await c.checkout.getTransaction(transactionId)
      expect(tx.id).toBe(transactionId)
    })

    it("retries the token request after 503", async () => {
      const c = client()
      emulator.faults.add({ kind: "status", status: 503, method: "POST", path: "/api/v1/accounts/:aid/auth/token" })
      await expect(c.getAccessToken()).resolves.toEqual(expect.any(String))
      expect(emulator.tokenRequests()).toBe(1) // the faulted attempt never reached the token handler
      expect(count("POST", "/api/v1/accounts/T12345678/auth/token")).toBe(2)
    })
  })

  describe("non-idempotent writes", () => {
    it("does not retry a session create after 503 (it could create a second session)", async () => {
      const c = client()
      await c.getAccessToken()
      emulator.faults.add({ kind: "status", status: 503, method: "POST", path: "/checkout/v1/sessions-profile" })
      const err = await rejectionOf(c.checkout.createSession(sessionBody()))
      expect(err).toMatchObject({ status: 503, retryable: true })
      expect(count("POST", "/checkout/v1/sessions-profile")).toBe(1)
    })

    it("does not retry a session create whose answer is lost", async () => {
      const c = client()
      await c.getAccessToken()
      emulator.faults.add({ kind: "lose-response", method: "POST", path: "/checkout/v1/sessions-profile" })
      const err = await rejectionOf(c.checkout.createSession(sessionBody()))
      expect(err).toMatchObject({ kind: "network", retryable: true })
      expect(count("POST", "/checkout/v1/sessions-profile")).toBe(1)
    })

    it("retries a session create after 429 (refused before processing)", async () => {
      const c = client()
      await c.getAccessToken()
      emulator.faults.add({ kind: "status", status: 429, method: "POST", path: "/checkout/v1/sessions-profile", retryAfter: 0 })
      const created = await c.checkout.createSession(sessionBody())
      expect(created.id).toBeDefined()
      expect(count("POST", "/checkout/v1/sessions-profile")).toBe(2)
    })

    it("does not retry an Orders API POST after 503", async () => {
      const c = client()
      await c.getAccessToken()
      emulator.faults.add({ kind: "status", status: 503, method: "POST", path: "/api/v1/accounts/:aid/shopping/draft_orders" })
      const err = await rejectionOf(c.orders.createDraft({ order: { currency: "NOK", items: [] } }))
      expect(err.status).toBe(503)
      expect(count("POST", "/api/v1/accounts/T12345678/shopping/draft_orders")).toBe(1)
    })
  })

  describe("money-moving writes", () => {
    it("applies a capture whose answer is lost exactly once and reports success", async () => {
      const { lines, logger } = captureLogger()
      const c = client({ logger })
      const { transactionId } = await paidTransaction(c, emulator)
      const path = `/checkout/v1/transactions/${transactionId}/capture`
      emulator.faults.add({ kind: "lose-response", method: "POST", path })
      const result = await c.checkout.captureTransaction(transactionId, { amount: 20000, capture_reference: "cap-lost-1" })
      expect(result.reconciled).toBe(true)
      expect(result.transaction.status).toBe("PARTIALLY_CAPTURED")
      expect(events(transactionId, "CAPTURE")).toHaveLength(1)
      expect(count("POST", path)).toBe(1)
      expect(lines.some((l) => l.includes(`POST ${path}`) && l.includes("found applied on re-read"))).toBe(true)
    })

    it("applies a refund whose answer is lost exactly once and reports success", async () => {
      const c = client()
      const { transactionId } = await paidTransaction(c, emulator)
      await c.checkout.captureTransaction(transactionId, { amount: 33890, capture_reference: "cap-all" })
      const path = `/checkout/v1/transactions/${transactionId}/refund`
      emulator.faults.add({ kind: "lose-response", method: "POST", path })
      const result = await c.checkout.refundTransaction(transactionId, { amount: 5000, refund_reference: "ref-lost-1" })
      expect(result.reconciled).toBe(true)
      expect(result.transaction.status).toBe("PARTIALLY_REFUNDED")
      expect(events(transactionId, "REFUND")).toHaveLength(1)
      expect(count("POST", path)).toBe(1)
    })

    it("re-sends a capture that failed with 503 before being applied, once", async () => {
      const c = client()
      const { transactionId } = await paidTransaction(c, emulator)
      const path = `/checkout/v1/transactions/${transactionId}/capture`
      emulator.faults.add({ kind: "status", status: 503, method: "POST", path })
      const result = await c.checkout.captureTransaction(transactionId, { amount: 33890, capture_reference: "cap-503" })
      expect(result.reconciled).toBe(false)
      expect(result.transaction.status).toBe("CAPTURED")
      expect(events(transactionId, "CAPTURE")).toHaveLength(1)
      expect(count("POST", path)).toBe(2)
    })

    it("re-sends a capture that hung past the timeout without being applied, once", async () => {
      const c = client({ timeoutMs: 300 })
      const { transactionId } = await paidTransaction(c, emulator)
      const path = `/checkout/v1/transactions/${transactionId}/capture`
      emulator.faults.add({ kind: "hang", method: "POST", path })
      const result = await c.checkout.captureTransaction(transactionId, { amount: 1000, capture_reference: "cap-hang" })
      expect(result.transaction.status).toBe("PARTIALLY_CAPTURED")
      expect(events(transactionId, "CAPTURE")).toHaveLength(1)
    })

    it("does not count a different capture with another reference as applied", async () => {
      const c = client()
      const { transactionId } = await paidTransaction(c, emulator)
      await c.checkout.captureTransaction(transactionId, { amount: 1000, capture_reference: "cap-a" })
      const path = `/checkout/v1/transactions/${transactionId}/capture`
      emulator.faults.add({ kind: "status", status: 500, method: "POST", path })
      const result = await c.checkout.captureTransaction(transactionId, { amount: 1000, capture_reference: "cap-b" })
      expect(result.reconciled).toBe(false)
      expect(events(transactionId, "CAPTURE")).toHaveLength(2)
    })

    it("treats a void whose answer is lost as done when the re-read shows AUTHORIZATION_VOIDED", async () => {
      const c = client()
      const { transactionId } = await paidTransaction(c, emulator)
      const path = `/checkout/v1/transactions/${transactionId}/void`
      emulator.faults.add({ kind: "lose-response", method: "POST", path })
      const result = await c.checkout.voidTransaction(transactionId)
      expect(result.reconciled).toBe(true)
      expect(result.transaction.status).toBe("AUTHORIZATION_VOIDED")
      expect(events(transactionId, "VOID")).toHaveLength(1)
    })

    it("treats a session cancel whose answer is lost as done", async () => {
      const c = client()
      const created = await c.checkout.createSession(sessionBody())
      emulator.faults.add({ kind: "lose-response", method: "POST", path: `/checkout/v1/sessions/${created.id}/cancel` })
      const session = await c.checkout.cancelSession(created.id)
      expect(session.cancelled_at).toEqual(expect.any(String))
    })
  })

  describe("keep-alive connections", () => {
    // A server that announces `Keep-Alive: timeout=2` and drops a connection that was idle for longer than that
    // minus a margin, the moment a request arrives on it: the close race a load balancer's idle timeout causes.
    it("drops an idle connection before the server's announced keep-alive timeout, so a session create is not reset", async () => {
      let connections = 0
      const idleSince = new WeakMap<object, number>()
      const server = http.createServer((req, res) => {
        const since = idleSince.get(req.socket)
        if (since !== undefined && Date.now() - since > 1200) {
          req.socket.destroy()
          return
        }
        req.resume()
        req.on("end", () => {
          res.setHeader("Content-Type", "application/json")
          res.end(JSON.stringify({ id: "s-1" }), () => idleSince.set(req.socket, Date.now()))
        })
      })
      server.keepAliveTimeout = 2000
      server.on("connection", () => connections++)
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      const transport = new DinteroTransport({ accountId: "T12345678", clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, checkoutBaseUrl: base })
      const create = () =>
        transport.request<{ id: string }>({ method: "POST", host: "checkout", path: "/sessions-profile", body: {}, auth: "basic", retry: "unsafe" })
      try {
        await expect(create()).resolves.toMatchObject({ data: { id: "s-1" } })
        await new Promise((resolve) => setTimeout(resolve, 1500))
        await expect(create()).resolves.toMatchObject({ data: { id: "s-1" } })
        expect(connections).toBe(2)
      } finally {
        transport.close()
        await new Promise((resolve) => server.close(resolve))
      }
    })
  })

  describe("secrets", () => {
    it("never shows the client secret, the Basic credentials or the token in errors or log lines", async () => {
      const { lines, logger } = captureLogger()
      const c = client({ logger, timeoutMs: 200, retry: { retries: 1, baseDelayMs: 5, maxDelayMs: 50 } })
      const token = await c.getAccessToken()
      const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString("base64")
      const secrets = [CLIENT_SECRET, basic, token]

      const errors: unknown[] = []
      emulator.faults.add({ kind: "hang", method: "GET", path: "/checkout/v1/transactions", times: 2 })
      errors.push(await rejectionOf(c.checkout.listTransactions())) // timeout
      emulator.faults.add({ kind: "reset", method: "GET", path: "/checkout/v1/transactions", times: 2 })
      errors.push(await rejectionOf(c.checkout.listTransactions())) // network
      emulator.faults.add({ kind: "status", status: 401, method: "GET", path: "/checkout/v1/transactions", times: 2 })
      errors.push(await rejectionOf(c.checkout.listTransactions())) // 401 after re-auth
      errors.push(await rejectionOf(c.checkout.createSession({ ...sessionBody(), profile_id: "nope" }))) // 400
      const badSecret = "super-secret-value-123"
      const bad = client({ clientSecret: badSecret, logger })
      errors.push(await rejectionOf(bad.getAccessToken())) // token 401
      secrets.push(badSecret, Buffer.from(`${CLIENT_ID}:${badSecret}`).toString("base64"))
      const token2 = await c.getAccessToken()
      secrets.push(token2)

      expect(errors.map((e) => (e as DinteroError).kind)).toEqual(["timeout", "network", "http", "http", "http"])
      expect(lines.length).toBeGreaterThan(0)
      const renderings = [
        ...errors.flatMap((e) => [
          JSON.stringify(e),
          inspect(e, { depth: Infinity, showHidden: true }),
          String(e),
          (e as Error).stack ?? "",
          JSON.stringify(Object.getOwnPropertyNames(e).map((k) => (e as Record<string, unknown>)[k])),
        ]),
        lines.join("\n"),
        inspect(c, { depth: Infinity, showHidden: true }),
        JSON.stringify(emulator.requests),
      ]
      for (const text of renderings) {
        for (const secret of secrets) {
          expect(text.includes(secret)).toBe(false)
        }
        expect(text).not.toMatch(/authorization/i)
      }
    })
  })
})
