import { startEmulator, Emulator } from "../../emulator"
import { DinteroClient, DinteroClientConfig, DinteroError } from "../../src/dintero"
import { ACCOUNT_ID, captureLogger, countRequests, makeClient, rejectionOf, sessionBody } from "./client-fixtures"
import { guardContract } from "./contract-guard"
import { CONTRACT_TEST_OPTIONS } from "./emulator-helpers"
import pkg from "../../package.json"

describe("Dintero client contract: auth", () => {
  let emulator: Emulator
  guardContract(() => emulator, { requests: "client" })
  const clients: DinteroClient[] = []
  const client = (overrides: Partial<DinteroClientConfig> = {}) => {
    const c = makeClient(emulator, overrides)
    clients.push(c)
    return c
  }

  beforeAll(async () => {
    emulator = await startEmulator({ ...CONTRACT_TEST_OPTIONS, port: 0, callbackRetryDelayMs: 10 })
  })
  afterEach(() => {
    emulator.options.tokenExpiresIn = 14400
    emulator.reset()
    clients.splice(0).forEach((c) => c.close())
  })
  afterAll(async () => {
    await emulator.close()
  })

  it("gets a token once and caches it", async () => {
    const c = client()
    const t1 = await c.getAccessToken()
    const t2 = await c.getAccessToken()
    expect(typeof t1).toBe("string")
    expect(t1.length).toBeGreaterThan(10)
    expect(t2).toBe(t1)
    expect(emulator.tokenRequests()).toBe(1)
  })

  it("surfaces bad credentials as a 401 DinteroError without retrying", async () => {
    const c = client({ clientSecret: "wrong-secret" })
    const err = await rejectionOf(c.checkout.listTransactions())
    expect(err).toBeInstanceOf(DinteroError)
    expect(err).toMatchObject({
      kind: "http",
      status: 401,
      method: "POST",
      path: `/api/v1/accounts/${ACCOUNT_ID}/auth/token`,
      retryable: false,
    })
    expect(err.dinteroMessage).toEqual(expect.any(String))
    expect(emulator.tokenRequests()).toBe(1)
  })

  it("surfaces a wrong audience as 403", async () => {
    const c = client({ audience: "https://api.dintero.com/v1/accounts/T99999999" })
    const err = await rejectionOf(c.getAccessToken())
    expect(err).toBeInstanceOf(DinteroError)
    expect(err.status).toBe(403)
    expect(err.retryable).toBe(false)
  })

  it("surfaces a wrong account as 403", async () => {
    const c = client({ accountId: "T99999999" })
    const err = await rejectionOf(c.getAccessToken())
    expect(err.status).toBe(403)
    expect(err.path).toBe("/api/v1/accounts/T99999999/auth/token")
  })

  it("shares one token request between 50 concurrent calls", async () => {
    const c = client()
    const results = await Promise.all(Array.from({ length: 50 }, () => c.checkout.listTransactions({ limit: 1 })))
    expect(results).toHaveLength(50)
    results.forEach((r) => expect(Array.isArray(r)).toBe(true))
    expect(emulator.tokenRequests()).toBe(1)
  })

  it("refreshes the token before it expires", async () => {
    emulator.options.tokenExpiresIn = 2
    const c = client()
    const t1 = await c.getAccessToken()
    expect(await c.getAccessToken()).toBe(t1)
    // Margin = min(2/2, 60) = 1 s: after 1.1 s the client must have fetched a new token, and calls still succeed.
    await new Promise((r) => setTimeout(r, 1100))
    await c.checkout.listTransactions({ limit: 1 })
    const t2 = await c.getAccessToken()
    expect(t2).not.toBe(t1)
    expect(emulator.tokenRequests()).toBe(2)
  })

  it("re-authenticates exactly once when an API call answers 401", async () => {
    const { lines, logger } = captureLogger()
    const c = client({ logger })
    const created = await c.checkout.createSession(sessionBody())
    expect(emulator.tokenRequests()).toBe(1)
    emulator.faults.add({ kind: "status", status: 401, method: "GET", path: "/checkout/v1/sessions/:id", times: 1 })
    const session = await c.checkout.getSession(created.id)
    expect(session.id).toBe(created.id)
    expect(emulator.tokenRequests()).toBe(2)
    expect(lines.filter((l) => l.includes("re-authenticating"))).toHaveLength(1)
    expect(lines.join("\n")).toContain(`GET /checkout/v1/sessions/${created.id}`)
  })

  it("gives up after one re-authentication when 401 persists", async () => {
    const c = client()
    await c.getAccessToken()
    emulator.faults.add({ kind: "status", status: 401, method: "GET", path: "/checkout/v1/transactions", times: 5 })
    const err = await rejectionOf(c.checkout.listTransactions())
    expect(err).toBeInstanceOf(DinteroError)
    expect(err.status).toBe(401)
    expect(err.path).toBe("/checkout/v1/transactions")
    expect(emulator.tokenRequests()).toBe(2)
    // Two GETs: the first attempt and the one re-sent with the fresh token.
    expect(countRequests(emulator, "GET", "/checkout/v1/transactions")).toBe(2)
  })

  it("sends the Dintero-System-* headers on every request", async () => {
    const c = client({ system: { version: "2.21.2" } })
    const created = await c.checkout.createSession(sessionBody(), { includeSession: true })
    const session = await c.checkout.getSession(created.id)
    expect(session.initiating_system_request_headers).toMatchObject({
      "dintero-system-name": "medusa",
      "dintero-system-version": "2.21.2",
      "dintero-system-plugin-name": "medusa-payment-dintero",
      "dintero-system-plugin-version": pkg.version,
    })
  })
})
