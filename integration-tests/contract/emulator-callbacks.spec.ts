import { guardContract } from "./contract-guard"
// Callbacks as Dintero sends them, to a real local receiver: GET/POST, signature, retries, options, ON_HOLD.
import type { Emulator } from "../../emulator"
import { verifyCallbackSignature } from "../../src/dintero/signature"
import { ACCOUNT, type Api, CallbackReceiver, api, sessionBody, start } from "./emulator-helpers"

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
  em.options.signatureSecret = undefined
  em.options.callbackRetries = 3
  em.options.callbackTimeoutMs = 10000
  rx.clear()
  a = await api(em)
})
afterAll(async () => {
  await em.close()
  await rx.close()
})

const withCallback = (query: string, overrides: Record<string, unknown> = {}) =>
  sessionBody({ url: { return_url: "https://shop.example/return", callback_url: `${rx.url}/hooks/dintero${query}` }, ...overrides })

async function payWith(query: string, outcome: "AUTHORIZED" | "ON_HOLD" | "DECLINED" | "FAILED" | "CANCELLED" = "AUTHORIZED") {
  const s = await a.createSession(withCallback(query))
  const result = await em.pay(s.id, outcome)
  await em.waitForCallbacks()
  return { session: s, result }
}

describe("payment callback", () => {
  it("GET with transaction_id, session_id, merchant_reference, time and the registered params", async () => {
    const { session, result } = await payWith("?method=GET&foo=bar")
    expect(rx.received).toHaveLength(1)
    const cb = rx.received[0]
    expect(cb.method).toBe("GET")
    expect(cb.path).toBe("/hooks/dintero")
    expect(cb.query.get("foo")).toBe("bar")
    expect(cb.query.get("method")).toBe("GET")
    expect(cb.query.get("transaction_id")).toBe(result.transaction!.id)
    expect(cb.query.get("session_id")).toBe(session.id)
    expect(cb.query.get("merchant_reference")).toBe("cart_1")
    expect(Number.isNaN(Date.parse(cb.query.get("time")!))).toBe(false)
    expect(cb.query.has("error")).toBe(false)
    expect(cb.headers["event-delivery"]).toMatch(/^[0-9a-f-]{36}$/)
    expect(cb.headers["dintero-signature"]).toBeUndefined()
    const s = em.state.sessions[0]
    expect(s.events.find((e) => e.name === "AUTH_CALLBACK_SENT")?.details?.transaction_event_id).toBe(result.transaction!.events.at(-1)!.id)
    expect(em.callbacks[0]).toMatchObject({ delivered: true, method: "GET", transaction_id: result.transaction!.id, attempts: [{ status: 200 }] })
  })

  it("POST with the transaction as body (and the session with includes=session)", async () => {
    const { result } = await payWith("?method=POST&includes=session")
    const cb = rx.received[0]
    expect(cb.method).toBe("POST")
    expect(cb.body).toMatchObject({ id: result.transaction!.id, status: "AUTHORIZED", amount: 33890, session: { id: result.transaction!.session_id } })
  })

  it("signs with Dintero-Signature, verifiable with verifyCallbackSignature over the exact URL", async () => {
    em.options.signatureSecret = "sig-secret"
    await payWith("?method=GET&report_event=CAPTURE")
    const cb = rx.received[0]
    const header = cb.headers["dintero-signature"] as string
    expect(header).toMatch(/^t=\d+,v0-hmac-sha256=[0-9a-f]{64}$/)
    const verify = (secret: string) =>
      verifyCallbackSignature({ secret, accountId: ACCOUNT, method: cb.method, url: `${rx.url}${cb.url}`, header })
    expect(verify("sig-secret")).toEqual({ valid: true, timestamp: expect.any(Number) })
    expect(verify("other")).toEqual({ valid: false, reason: "mismatch" })
    expect(JSON.stringify(em.callbacks)).not.toContain("sig-secret")
  })

  it("uses sid instead of session_id with sid_parameter_name=sid", async () => {
    const { session } = await payWith("?sid_parameter_name=sid")
    const q = rx.received[0].query
    expect(q.get("sid")).toBe(session.id)
    expect(q.has("session_id")).toBe(false)
  })

  it("retries on 5xx and stops on 4xx", async () => {
    rx.statuses = [500, 503, 200]
    await payWith("")
    expect(rx.received).toHaveLength(3)
    expect(em.callbacks[0].attempts.map((x) => x.status)).toEqual([500, 503, 200])
    expect(em.callbacks[0].delivered).toBe(true)
    expect(new Set(rx.received.map((r) => r.headers["event-delivery"])).size).toBe(1)

    rx.clear()
    em.reset()
    a = await api(em)
    rx.statuses = [502, 404, 200]
    await payWith("")
    expect(rx.received).toHaveLength(2)
    expect(em.callbacks[0]).toMatchObject({ delivered: false, attempts: [{ status: 502 }, { status: 404 }] })
    expect(em.state.sessions[0].events.some((e) => e.name === "AUTH_CALLBACK_SENT")).toBe(false)
  })

  it("gives up after callbackRetries, retries timeouts and connection errors", async () => {
    rx.statuses = [500, 500, 500, 500, 500]
    em.options.callbackRetries = 2
    await payWith("")
    expect(rx.received).toHaveLength(3)
    rx.clear()
    rx.hang = true
    em.options.callbackTimeoutMs = 100
    em.options.callbackRetries = 1
    await payWith("")
    expect(rx.received).toHaveLength(2)
    expect(em.callbacks.at(-1)!.attempts.map((x) => x.error)).toEqual(["timeout", "timeout"])
    // connection refused: a port nothing listens on
    const s = await a.createSession(sessionBody({ url: { return_url: "https://shop.example/r", callback_url: "http://127.0.0.1:9/cb" } }))
    await em.pay(s.id, "AUTHORIZED")
    await em.waitForCallbacks()
    expect(em.callbacks.at(-1)!.attempts).toHaveLength(2)
    expect(em.callbacks.at(-1)!.attempts[0].error).toEqual(expect.any(String))
  })

  it("honours delay_callback (seconds)", async () => {
    const started = Date.now()
    await payWith("?delay_callback=1")
    expect(rx.received[0].at - started).toBeGreaterThanOrEqual(950)
  })
})

describe("error callbacks", () => {
  it("are sent only with report_error=true, with error cancelled/authorization/failed", async () => {
    await payWith("", "DECLINED")
    await payWith("", "CANCELLED")
    expect(rx.received).toHaveLength(0)
    await payWith("?report_error=true", "DECLINED")
    await payWith("?report_error=true", "FAILED")
    const { session } = await payWith("?report_error=true", "CANCELLED")
    expect(rx.received.map((r) => r.query.get("error"))).toEqual(["authorization", "failed", "cancelled"])
    const cancelled = rx.received[2].query
    expect(cancelled.has("transaction_id")).toBe(false)
    expect(cancelled.get("session_id")).toBe(session.id)
    expect(rx.received[0].query.get("transaction_id")).toEqual(expect.any(String))
  })

  it("redirect urls carry the error", async () => {
    const declined = await payWith("", "DECLINED")
    expect(new URL(declined.result.redirect_url).searchParams.get("error")).toBe("authorization")
    const failed = await payWith("", "FAILED")
    expect(new URL(failed.result.redirect_url).searchParams.get("error")).toBe("failed")
  })
})

describe("report_event", () => {
  it("calls back on CAPTURE / REFUND / VOID applied through the API, with event and event_id", async () => {
    const { result } = await payWith("?report_event=CAPTURE&report_event=REFUND")
    const id = result.transaction!.id
    const op = (kind: string, body?: unknown) => a.http.post(`${em.checkoutBaseUrl}/transactions/${id}/${kind}`, body, { headers: a.headers })
    const cap = await op("capture", { amount: 1000 })
    await op("refund", { amount: 500 })
    await em.waitForCallbacks()
    expect(rx.received.map((r) => r.query.get("event"))).toEqual([null, "CAPTURE", "REFUND"])
    expect(rx.received[1].query.get("event_id")).toBe(cap.data.events.at(-1).id)
    expect(rx.received[1].query.get("transaction_id")).toBe(id)

    rx.clear()
    const voided = await payWith("?report_event=VOID")
    await a.http.post(`${em.checkoutBaseUrl}/transactions/${voided.result.transaction!.id}/void`, undefined, { headers: a.headers })
    await em.waitForCallbacks()
    expect(rx.received.map((r) => r.query.get("event"))).toEqual([null, "VOID"])
  })

  it("does not call back for events that were not registered", async () => {
    const { result } = await payWith("?report_event=REFUND")
    await a.http.post(`${em.checkoutBaseUrl}/transactions/${result.transaction!.id}/capture`, { amount: 1000 }, { headers: a.headers })
    await em.waitForCallbacks()
    expect(rx.received).toHaveLength(1)
  })
})

describe("ON_HOLD", () => {
  it("calls back on hold and again when resolved (control API)", async () => {
    const { result } = await payWith("", "ON_HOLD")
    expect(result.transaction!.status).toBe("ON_HOLD")
    const res = await a.http.post(`${em.url}/__emulator/transactions/${result.transaction!.id}/on-hold`, { outcome: "AUTHORIZED" })
    expect(res.status).toBe(200)
    expect(res.data.status).toBe("AUTHORIZED")
    await em.waitForCallbacks()
    expect(rx.received).toHaveLength(2)
    const names = em.state.sessions[0].events.map((e) => e.name)
    expect(names).toContain("ON_HOLD_CALLBACK_SENT")
    expect(names).toContain("AUTH_CALLBACK_SENT")
    const again = await a.http.post(`${em.url}/__emulator/transactions/${result.transaction!.id}/on-hold`, { outcome: "FAILED" })
    expect(again.status).toBe(400)
  })
})
