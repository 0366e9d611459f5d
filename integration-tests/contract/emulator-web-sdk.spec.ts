// The hosted page as Dintero's Web SDK loads it (emulator/web-sdk-protocol.ts cites the SDK source): the custom
// endpoint URL, the embedded page's event for each outcome, the session re-read for Lock/RefreshSession and
// /embedResult/. The browser side (postMessage with the real SDK) is covered by the e2e and starter tiers.
import { type Emulator } from "../../emulator"
import { type Api, api, client, start } from "./emulator-helpers"

let em: Emulator
let a: Api
const endpoint = () => `${em.checkoutBaseUrl}/view`

beforeAll(async () => {
  em = await start()
  a = await api(em)
})

afterAll(async () => {
  await em.close()
})

describe("the hosted page for the Web SDK", () => {
  it("serves {endpoint}/?sid=…&sdk&ui=inline as the embedded page, with the protocol script", async () => {
    const s = await a.createSession()
    const res = await client().get(`${endpoint()}/?sdk=0.8.30&ui=inline&language=no&sid=${encodeURIComponent(s.id)}`)
    expect(res.status).toBe(200)
    expect(res.data).toContain("338.90 NOK")
    expect(res.data).toContain(`action="/checkout/v1/view/${encodeURIComponent(s.id)}/pay" data-sdk-action="pay"`)
    expect(res.data).toContain('post({ type: "SessionLoaded", session: session })')
    // The same session without the SDK: the plain page, without the protocol script.
    const plain = await client().get(s.url)
    expect(plain.data).toContain(`action="/checkout/v1/view/${encodeURIComponent(s.id)}/pay">`)
    expect(plain.data).not.toContain("SessionLoaded")
  })

  it("names a missing sid or an unknown session", async () => {
    expect((await client().get(`${endpoint()}/?sdk=0.8.30`)).data).toContain("Query parameter sid is missing")
    const unknown = await client().get(`${endpoint()}/?sdk=0.8.30&sid=T12345678.nope`)
    expect(unknown.status).toBe(404)
    expect(unknown.data).toContain("Session not found")
  })

  it.each([
    ["pay", { type: "SessionPaymentAuthorized" }, null],
    ["on-hold", { type: "SessionPaymentOnHold" }, null],
    ["decline", { type: "SessionPaymentError", error: "authorization" }, "authorization"],
    ["fail", { type: "SessionPaymentError", error: "failed" }, "failed"],
    ["cancel", { type: "SessionCancel" }, "cancelled"],
  ])("%s answers the SDK event with the return url as href", async (action, expected, error) => {
    const s = await a.createSession()
    const res = await client().post(`${s.url}/${action}?sdk`)
    expect(res.status).toBe(200)
    const event = res.data.event
    expect(event).toMatchObject({ ...expected, merchant_reference: "cart_1" })
    const href = new URL(event.href)
    expect(href.origin + href.pathname).toBe("https://shop.example/return")
    expect(href.searchParams.get("error")).toBe(error)
    if (action === "cancel") expect(event.transaction_id).toBeUndefined()
    else expect(event.transaction_id).toBe(href.searchParams.get("transaction_id"))
    const again = await client().post(`${s.url}/pay?sdk`)
    if (error === "authorization" || error === "failed") {
      // A declined or failed attempt leaves the session payable (the shopper may try another card).
      expect(again.data.event.type).toBe("SessionPaymentAuthorized")
    } else {
      // Paid or cancelled: a second attempt is refused, as JSON the page can show.
      expect(again.status).toBe(400)
      expect(again.data.message).toEqual(expect.any(String))
    }
  })

  it("reads the session again for LockSession / RefreshSession: payable until paid", async () => {
    const s = await a.createSession()
    let state = await client().get(`${s.url}/state`)
    expect(state.data).toMatchObject({ payable: true, session: { id: s.id, order: { amount: 33890, currency: "NOK" } } })
    expect(state.data.session.url).toEqual({ return_url: "https://shop.example/return" })
    await em.pay(s.id, "AUTHORIZED")
    state = await client().get(`${s.url}/state`)
    expect(state.data.payable).toBe(false)
    expect(state.data.session.transaction_id).toMatch(/^T12345678\./)
    expect((await client().get(`${endpoint()}/T12345678.nope/state`)).status).toBe(404)
  })

  it("LockSession locks the session at Dintero (not only in the page), and the page shows the order again after a refresh", async () => {
    const s = await a.createSession()
    const locked = await client().post(`${s.url}/lock`)
    expect(locked.status).toBe(200)
    expect(locked.data.pay_lock_id).toEqual(expect.any(String))
    // Dintero's side of the lock: the session's events, and no payment while it holds.
    const session = (await a.http.get(`${em.checkoutBaseUrl}/sessions/${s.id}`, { headers: a.headers })).data
    expect(session.events.map((e: { name: string }) => e.name)).toContain("PAY_LOCK_START")
    await expect(em.pay(s.id, "AUTHORIZED")).rejects.toThrow(/locked/)
    const state = await client().get(`${s.url}/state`)
    expect(state.data).toMatchObject({ payable: false, view: { total: "338.90 NOK" } })
    expect(state.data.view.lines).toContain('data-line-id="1"')
    // A paid session cannot be locked: the page answers SessionLockFailed.
    const paid = await a.createSession()
    await em.pay(paid.id, "AUTHORIZED")
    expect((await client().post(`${paid.url}/lock`)).status).toBe(400)
  })

  it("shows the result at {endpoint}/embedResult/", async () => {
    const done = await client().get(`${endpoint()}/embedResult/?sid=x&transaction_id=T1&merchant_reference=c&sdk=0.8.30`)
    expect(done.data).toContain("Payment completed")
    const cancelled = await client().get(`${endpoint()}/embedResult/?sid=x&error=cancelled&sdk=0.8.30`)
    expect(cancelled.data).toContain("Payment cancelled")
  })
})
