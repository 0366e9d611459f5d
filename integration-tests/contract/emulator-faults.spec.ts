import { guardContract } from "./contract-guard"
// Fault injection, the control API and reset, over real HTTP.
import type { Emulator } from "../../emulator"
import { type Api, CallbackReceiver, api, client, sessionBody, sleep, start } from "./emulator-helpers"

let em: Emulator
guardContract(() => em, { requests: "emulator" })
let a: Api
let rx: CallbackReceiver

beforeAll(async () => {
  em = await start()
  rx = await new CallbackReceiver().start()
})
beforeEach(async () => {
  em.reset()
  rx.clear()
  a = await api(em)
})
afterAll(async () => {
  await em.close()
  await rx.close()
})

const list = (timeout?: number) => a.http.get(`${em.checkoutBaseUrl}/transactions`, { headers: a.headers, timeout })

describe("HTTP faults", () => {
  it("status: answers the status with Retry-After, `times` times, then normally; :param patterns", async () => {
    const tx = await a.paidTransaction()
    em.faults.add({ kind: "status", status: 429, retryAfter: 7, method: "POST", path: "/checkout/v1/transactions/:id/capture", times: 2 })
    const cap = () => a.http.post(`${em.checkoutBaseUrl}/transactions/${tx.id}/capture`, { amount: 100 }, { headers: a.headers })
    let res = await cap()
    expect(res.status).toBe(429)
    expect(res.headers["retry-after"]).toBe("7")
    expect(res.data.error.message).toEqual(expect.any(String))
    expect((await a.http.get(`${em.checkoutBaseUrl}/transactions/${tx.id}`, { headers: a.headers })).status).toBe(200) // other route untouched
    expect((await cap()).status).toBe(429)
    res = await cap()
    expect(res.status).toBe(200)
    expect(em.state.transactions[0].events.filter((e) => e.event === "CAPTURE")).toHaveLength(1)
  })

  it("status with a custom body, via the control API", async () => {
    const http = client()
    const added = await http.post(`${em.url}/__emulator/faults`, { kind: "status", status: 503, path: "/checkout/v1/transactions", body: { error: { message: "Processor temporarily unavailable" } } })
    expect(added.status).toBe(200)
    expect((await http.get(`${em.url}/__emulator/faults`)).data).toHaveLength(1)
    const res = await list()
    expect(res.status).toBe(503)
    expect(res.data).toEqual({ error: { message: "Processor temporarily unavailable" } })
    expect((await http.post(`${em.url}/__emulator/faults`, { kind: "bogus", path: "/" })).status).toBe(400)
  })

  it("latency delays every matching request until cleared", async () => {
    em.faults.add({ kind: "latency", ms: 300, path: "/checkout/v1/transactions" })
    for (let i = 0; i < 2; i++) {
      const started = Date.now()
      expect((await list()).status).toBe(200)
      expect(Date.now() - started).toBeGreaterThanOrEqual(280)
    }
    await client().delete(`${em.url}/__emulator/faults`)
    expect((await list()).status).toBe(200)
    // Cleared: the request log, not the wall clock, says the last request was not delayed.
    expect(em.requests.filter((r) => r.path === "/checkout/v1/transactions").map((r) => r.fault)).toEqual(["latency", "latency", undefined])
  })

  it("hang never answers; reset destroys the socket", async () => {
    em.faults.add({ kind: "hang", path: "/checkout/v1/transactions" })
    await expect(list(200)).rejects.toMatchObject({ code: "ECONNABORTED" })
    em.faults.add({ kind: "reset", path: "/checkout/v1/transactions" })
    await expect(list()).rejects.toMatchObject({ code: "ECONNRESET" })
    expect((await list()).status).toBe(200)
    await sleep(20)
    expect(em.requests.filter((r) => r.path === "/checkout/v1/transactions").map((r) => [r.status, r.fault])).toEqual([
      [null, "hang"],
      [null, "reset"],
      [200, undefined],
    ])
  })

  it("lose-response applies the request but drops the answer", async () => {
    const tx = await a.paidTransaction()
    em.faults.add({ kind: "lose-response", method: "POST", path: `/checkout/v1/transactions/${tx.id}/capture` })
    await expect(a.http.post(`${em.checkoutBaseUrl}/transactions/${tx.id}/capture`, { amount: 100, capture_reference: "lost" }, { headers: a.headers })).rejects.toBeDefined()
    const after = await a.http.get(`${em.checkoutBaseUrl}/transactions/${tx.id}`, { headers: a.headers })
    expect(after.data.status).toBe("PARTIALLY_CAPTURED")
    expect(after.data.events.at(-1)).toMatchObject({ event: "CAPTURE", event_reference: "lost" })
  })

  it("faults apply to the token endpoint too (and the faulted call is not counted)", async () => {
    em.reset()
    em.faults.add({ kind: "status", status: 503, method: "POST", path: "/api/v1/accounts/:aid/auth/token" })
    await expect(api(em)).rejects.toThrow("503")
    expect(em.tokenRequests()).toBe(0)
    await api(em)
    expect(em.tokenRequests()).toBe(1)
  })
})

describe("callback faults", () => {
  const cbBody = () => sessionBody({ url: { return_url: "https://shop.example/r", callback_url: `${rx.url}/cb?report_event=CAPTURE` } })

  it("drop never delivers; duplicate sends twice; late adds delay", async () => {
    em.faults.add({ kind: "callback", mode: "drop" })
    await a.paidTransaction(cbBody())
    await em.waitForCallbacks()
    expect(rx.received).toHaveLength(0)
    expect(em.callbacks[0]).toMatchObject({ dropped: true, delivered: false })

    em.faults.add({ kind: "callback", mode: "duplicate" })
    const tx = await a.paidTransaction(cbBody())
    await em.waitForCallbacks()
    expect(rx.received).toHaveLength(2)
    expect(rx.received[0].query.get("transaction_id")).toBe(tx.id)
    expect(rx.received[1].query.get("transaction_id")).toBe(tx.id)

    rx.clear()
    em.faults.add({ kind: "callback", mode: "late", delayMs: 300 })
    const started = Date.now()
    await a.paidTransaction(cbBody())
    await em.waitForCallbacks()
    expect(rx.received[0].at - started).toBeGreaterThanOrEqual(280)
  })

  it("out-of-order delivers the later of two callbacks first", async () => {
    em.faults.add({ kind: "callback", mode: "out-of-order" })
    const tx = await a.paidTransaction(cbBody())
    await a.http.post(`${em.checkoutBaseUrl}/transactions/${tx.id}/capture`, { amount: 100 }, { headers: a.headers })
    await em.waitForCallbacks()
    expect(rx.received.map((r) => r.query.get("event"))).toEqual(["CAPTURE", null])
    expect(em.faults.list()).toHaveLength(0)
  })
})

describe("control API and reset", () => {
  it("pay, state, requests filter, callbacks, stats, config, reset", async () => {
    const http = client()
    const s = await a.createSession(sessionBody({ url: { return_url: "https://shop.example/r", callback_url: `${rx.url}/cb` } }))
    const paid = await http.post(`${em.url}/__emulator/sessions/${s.id}/pay`, { outcome: "AUTHORIZED", payment_product_type: "vipps" })
    expect(paid.status).toBe(200)
    expect(paid.data.transaction).toMatchObject({ status: "AUTHORIZED", payment_product: "vipps", payment_product_type: "vipps" })
    expect(paid.data.redirect_url).toContain("transaction_id=")
    expect((await http.post(`${em.url}/__emulator/sessions/nope/pay`, { outcome: "AUTHORIZED" })).status).toBe(404)
    expect((await http.post(`${em.url}/__emulator/sessions/${s.id}/pay`, { outcome: "WHATEVER" })).status).toBe(400)

    const state = (await http.get(`${em.url}/__emulator/state`)).data
    expect(state.sessions).toHaveLength(1)
    expect(state.transactions).toHaveLength(1)
    expect(state).toHaveProperty("draft_orders")
    expect(state).toHaveProperty("orders")

    const reqs = (await http.get(`${em.url}/__emulator/requests?method=post&path_prefix=/checkout/v1/sessions`)).data
    expect(reqs).toHaveLength(1)
    expect(reqs[0]).toMatchObject({ method: "POST", path: "/checkout/v1/sessions-profile", status: 200, body: { profile_id: "default" }, responseBody: { id: s.id } })

    const waited = (await http.post(`${em.url}/__emulator/callbacks/wait`)).data
    expect(waited[0].delivered).toBe(true)
    expect((await http.get(`${em.url}/__emulator/callbacks`)).data).toHaveLength(1)

    const stats = (await http.get(`${em.url}/__emulator/stats`)).data
    expect(stats.token_requests).toBe(1)
    expect(stats.requests_by_route["POST /checkout/v1/sessions-profile"]).toBe(1)

    const cfg = await http.post(`${em.url}/__emulator/config`, { asyncMode: true, signatureSecret: "s3cr3t" })
    expect(cfg.status).toBe(200)
    expect(em.options.asyncMode).toBe(true)
    expect(JSON.stringify(cfg.data)).not.toContain("s3cr3t")
    expect((await http.post(`${em.url}/__emulator/config`, { port: 1 })).status).toBe(400)
    em.options.asyncMode = false
    em.options.signatureSecret = undefined

    em.faults.add({ kind: "status", status: 500, path: "/nowhere" })
    expect((await http.post(`${em.url}/__emulator/reset`)).status).toBe(200)
    expect(em.state.sessions).toHaveLength(0)
    expect(em.state.transactions).toHaveLength(0)
    expect(em.requests).toHaveLength(0)
    expect(em.callbacks).toHaveLength(0)
    expect(em.faults.list()).toHaveLength(0)
    expect(em.tokenRequests()).toBe(0)
    // issued tokens survive reset
    expect((await list()).status).toBe(200)
  })

  it("reset cancels pending (delayed) callbacks", async () => {
    // Positive control: the same delayed callback arrives when nothing resets the emulator.
    await a.paidTransaction(sessionBody({ url: { return_url: "https://shop.example/r", callback_url: `${rx.url}/cb?delay_callback=1` } }))
    await em.waitForCallbacks()
    expect(rx.received).toHaveLength(1)
    rx.clear()

    await a.paidTransaction(sessionBody({ url: { return_url: "https://shop.example/r", callback_url: `${rx.url}/cb?delay_callback=1` } }))
    em.reset()
    await em.waitForCallbacks()
    await sleep(1100) // past the delay the control's callback arrived after
    expect(rx.received).toHaveLength(0)
  })
})
