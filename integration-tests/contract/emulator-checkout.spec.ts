import { guardContract } from "./contract-guard"
// The emulator's own behaviour over real HTTP: auth, session validation, updates, cancel, hosted page.
import { type Emulator, formatAmount } from "../../emulator"
import { ACCOUNT, AUDIENCE, BASIC, type Api, api, client, sessionBody, sleep, start, token } from "./emulator-helpers"

let em: Emulator
guardContract(() => em, { requests: "emulator" })
let a: Api

beforeAll(async () => {
  em = await start()
})
beforeEach(async () => {
  em.reset()
  em.options.tokenExpiresIn = 14400
  a = await api(em)
})
afterAll(async () => {
  await em.close()
})

describe("auth token", () => {
  const http = client()
  const tokenUrl = (base: string, aid = ACCOUNT) => `${base}/accounts/${aid}/auth/token`
  const body = { grant_type: "client_credentials", audience: AUDIENCE }

  it("issues a bearer token on both API bases and counts requests", async () => {
    em.reset()
    for (const base of [em.apiBaseUrl, em.checkoutBaseUrl]) {
      const res = await http.post(tokenUrl(base), body, { headers: { authorization: BASIC } })
      expect(res.status).toBe(200)
      expect(res.data).toEqual({ access_token: expect.any(String), token_type: "Bearer", expires_in: 14400 })
    }
    expect(em.tokenRequests()).toBe(2)
  })

  it("reads expires_in at request time", async () => {
    em.options.tokenExpiresIn = 60
    const res = await http.post(tokenUrl(em.apiBaseUrl), body, { headers: { authorization: BASIC } })
    expect(res.data.expires_in).toBe(60)
  })

  it("refuses bad credentials (401), a wrong audience or account (403), a wrong grant (400)", async () => {
    const wrong = "Basic " + Buffer.from("emulator-client:nope").toString("base64")
    let res = await http.post(tokenUrl(em.apiBaseUrl), body, { headers: { authorization: wrong } })
    expect(res.status).toBe(401)
    expect(res.data.error).toEqual({ code: "UNAUTHORIZED", message: expect.any(String) })
    res = await http.post(tokenUrl(em.apiBaseUrl), body)
    expect(res.status).toBe(401)
    res = await http.post(tokenUrl(em.apiBaseUrl), { ...body, audience: "https://api.dintero.com/v1/accounts/T99999999" }, { headers: { authorization: BASIC } })
    expect(res.status).toBe(403)
    res = await http.post(tokenUrl(em.apiBaseUrl, "T99999999"), { ...body, audience: "https://api.dintero.com/v1/accounts/T99999999" }, { headers: { authorization: BASIC } })
    expect(res.status).toBe(403)
    res = await http.post(tokenUrl(em.apiBaseUrl), { ...body, grant_type: "password" }, { headers: { authorization: BASIC } })
    expect(res.status).toBe(400)
  })

  it("rejects missing, unknown and expired bearer tokens with Dintero's 401 body", async () => {
    const url = `${em.checkoutBaseUrl}/transactions`
    const expected = { error: { code: "UNAUTHORIZED", message: "Access forbidden, invalid JWT token" } }
    let res = await http.get(url)
    expect(res.status).toBe(401)
    expect(res.data).toEqual(expected)
    res = await http.get(url, { headers: { authorization: "Bearer not-a-token" } })
    expect(res.status).toBe(401)
    em.options.tokenExpiresIn = 1
    const short = await token(em)
    res = await http.get(url, { headers: { authorization: `Bearer ${short}` } })
    expect(res.status).toBe(200)
    await sleep(1100)
    res = await http.get(url, { headers: { authorization: `Bearer ${short}` } })
    expect(res.status).toBe(401)
    expect(res.data).toEqual(expected)
  })

  it("never stores Authorization, Basic credentials or tokens in the request log", async () => {
    const t = await token(em)
    await http.get(`${em.checkoutBaseUrl}/transactions`, { headers: { authorization: `Bearer ${t}` } })
    const log = JSON.stringify(em.requests) + JSON.stringify((await http.get(`${em.url}/__emulator/requests`)).data)
    expect(log).not.toContain(t)
    expect(log).not.toContain("emulator-secret")
    expect(log).not.toContain(BASIC.slice(6))
    expect(em.requests.find((r) => r.path.endsWith("/auth/token"))?.responseBody).toMatchObject({ access_token: "[REDACTED]" })
  })
})

describe("sessions", () => {
  const url = () => `${em.checkoutBaseUrl}/sessions-profile`
  const post = (body: unknown, headers: Record<string, string> = {}, query = "") =>
    a.http.post(url() + query, body, { headers: { ...a.headers, ...headers } })

  it("creates a session and answers {id, url}; include_session adds the session", async () => {
    let res = await post(sessionBody())
    expect(res.status).toBe(200)
    expect(res.data).toEqual({ id: expect.stringMatching(/^T12345678\.[1-9A-HJ-NP-Za-km-z]{22}$/), url: `${em.url}/checkout/v1/view/${res.data.id}` })
    res = await post(sessionBody({ metadata: { ext_a: "b" }, configuration: { auto_capture: true } }), { "Dintero-System-Name": "medusa", "Dintero-System-Plugin-Name": "medusa-payment-dintero" }, "?include_session=true")
    const s = res.data.session
    expect(s.id).toBe(res.data.id)
    expect(s.metadata).toEqual({ ext_a: "b", "session:profile_id": "default" })
    expect(s.configuration.auto_capture).toBe(true)
    expect(s.initiating_system_request_headers).toEqual({ "dintero-system-name": "medusa", "dintero-system-plugin-name": "medusa-payment-dintero" })
    expect(s.events.map((e: any) => e.name)).toEqual(["INITIATED"])
    const ttl = Date.parse(s.expires_at) - Date.parse(s.created_at)
    expect(ttl).toBe(4 * 3600 * 1000)
    const got = await a.http.get(`${em.checkoutBaseUrl}/sessions/${s.id}`, { headers: a.headers })
    expect(got.data.order).toEqual(sessionBody().order)
  })

  it.each([
    ["unknown profile", sessionBody({ profile_id: "nope" }), "profile_id"],
    ["missing return_url", sessionBody({ url: {} }), "url.return_url"],
    ["float amount", sessionBody({}, { amount: 338.9 }), "order.amount"],
    ["zero amount", sessionBody({}, { amount: 0 }), "order.amount"],
    ["bad currency", sessionBody({}, { currency: "kr" }), "order.currency"],
    ["empty merchant_reference", sessionBody({}, { merchant_reference: "" }), "order.merchant_reference"],
    ["float item amount", sessionBody({}, { items: [{ line_id: "1", amount: 10.5 }] }), "order.items[0].amount"],
    ["negative goods line", sessionBody({}, { items: [{ line_id: "1", amount: -5, type: "physical" }] }), "order.items[0].amount"],
    ["zero quantity", sessionBody({}, { items: [{ line_id: "1", amount: 5, quantity: 0 }] }), "order.items[0].quantity"],
    ["vat out of range", sessionBody({}, { items: [{ line_id: "1", amount: 5, vat: 125 }] }), "order.items[0].vat"],
    ["missing line_id", sessionBody({}, { items: [{ amount: 5 }] }), "order.items[0].line_id"],
    ["duplicate line_id with shipping", sessionBody({}, { items: [{ line_id: "shipping", amount: 29990 }] }), "order.items"],
    ["shipping without operator", sessionBody({}, { shipping_option: { id: "s", line_id: "s", amount: 3900, title: "S" } }), "order.shipping_option.operator"],
  ])("400 on %s", async (_name, body, path) => {
    const res = await post(body)
    expect(res.status).toBe(400)
    expect(res.data.error.code).toBe("INVALID_REQUEST")
    expect(res.data.error.message).toEqual(expect.any(String))
    expect(res.data.error.errors.map((e: any) => e.path)).toContain(path)
  })

  it("accepts negative gift card / untyped rounding lines", async () => {
    const body = sessionBody({}, {
      amount: 33890,
      items: [
        { line_id: "1", amount: 30000 },
        { line_id: "gc", amount: -5, type: "gift_card" },
        { line_id: "rounding", amount: -5 },
      ],
      shipping_option: { id: "s", line_id: "s", amount: 3900, title: "S", operator: "" },
    })
    expect((await post(body)).status).toBe(200)
  })

  it("enforces the sum rule only under strict-session-amounts", async () => {
    const mismatched = sessionBody({}, { amount: 33891 })
    expect((await post(mismatched)).status).toBe(200)
    const res = await post(mismatched, { "Dintero-Feature-Toggles": "strict-session-amounts" })
    expect(res.status).toBe(400)
    expect(res.data.error.message).toContain("does not match the sum")
    expect((await post(sessionBody(), { "Dintero-Feature-Toggles": "strict-session-amounts" })).status).toBe(200)
  })

  it("refuses http callback urls when requireHttpsCallback is set", async () => {
    em.options.requireHttpsCallback = true
    try {
      const res = await post(sessionBody({ url: { return_url: "https://x.example/r", callback_url: "http://127.0.0.1/cb" } }))
      expect(res.status).toBe(400)
    } finally {
      em.options.requireHttpsCallback = false
    }
  })

  it("404s unknown sessions and unknown routes with the error body", async () => {
    let res = await a.http.get(`${em.checkoutBaseUrl}/sessions/T12345678.xxxxxxxxxxxxxxxxxxxxxx`, { headers: a.headers })
    expect(res.status).toBe(404)
    expect(res.data.error).toMatchObject({ code: "NOT_FOUND", message: expect.any(String) })
    res = await a.http.get(`${em.url}/nothing/here`)
    expect(res.status).toBe(404)
    expect(res.data.error.message).toEqual(expect.any(String))
  })

  describe("update (PUT)", () => {
    const put = (id: string, body: unknown, query = "?update_without_lock=true") =>
      a.http.put(`${em.checkoutBaseUrl}/sessions/${id}${query}`, body, { headers: a.headers })
    const newOrder = {
      amount: 23900,
      currency: "NOK",
      items: [{ line_id: "1", amount: 20000, quantity: 1, description: "Stablestol" }],
      shipping_option: { id: "std", line_id: "shipping", amount: 3900, title: "Standard", operator: "Bring" },
    }

    it("requires update_without_lock, enforces the sum rule, records UPDATE_SESSION", async () => {
      const s = await a.createSession()
      let res = await put(s.id, { order: newOrder, remove_lock: true }, "")
      expect(res.status).toBe(400)
      expect(res.data.error.message).toContain("Session must be locked")
      res = await put(s.id, { order: { ...newOrder, amount: 23901 } })
      expect(res.status).toBe(400)
      expect(res.data.error.message).toContain("does not match the sum")
      res = await put(s.id, { order: newOrder, remove_lock: true })
      expect(res.status).toBe(200)
      expect(res.data.order).toMatchObject({ ...newOrder, merchant_reference: "cart_1" })
      const update = res.data.events.find((e: any) => e.name === "UPDATE_SESSION")
      expect(update.details.previous_order.amount).toBe(33890)
      expect(update.details.updated_order.amount).toBe(23900)
    })

    it("is refused once paid or cancelled", async () => {
      const s = await a.createSession()
      await em.pay(s.id, "AUTHORIZED")
      expect((await put(s.id, { order: newOrder })).status).toBe(400)
      const s2 = await a.createSession()
      expect((await a.http.post(`${em.checkoutBaseUrl}/sessions/${s2.id}/cancel`, undefined, { headers: a.headers })).status).toBe(200)
      const res = await put(s2.id, { order: newOrder })
      expect(res.status).toBe(400)
      expect(res.data.error.code).toBe("INVALID_STATE")
    })
  })

  describe("cancel", () => {
    const cancel = (id: string) => a.http.post(`${em.checkoutBaseUrl}/sessions/${id}/cancel`, undefined, { headers: a.headers })

    it("cancels an unpaid session; a second cancel is 400; paying it is refused", async () => {
      const s = await a.createSession()
      const res = await cancel(s.id)
      expect(res.status).toBe(200)
      expect(res.data).toMatchObject({ cancelled_at: expect.any(String), cancelled_by: "emulator-client" })
      expect(res.data.events.map((e: any) => e.name)).toContain("CANCELLED")
      expect((await cancel(s.id)).status).toBe(400)
      await expect(em.pay(s.id, "AUTHORIZED")).rejects.toThrow("cancelled")
    })

    it("voids an authorized transaction, refuses once captured", async () => {
      const s = await a.createSession()
      const { transaction } = await em.pay(s.id, "AUTHORIZED")
      expect((await cancel(s.id)).status).toBe(200)
      expect(em.state.transactions.find((t) => t.id === transaction!.id)?.status).toBe("AUTHORIZATION_VOIDED")
      const s2 = await a.createSession()
      const paid = await em.pay(s2.id, "AUTHORIZED")
      await a.http.post(`${em.checkoutBaseUrl}/transactions/${paid.transaction!.id}/capture`, { amount: 100 }, { headers: a.headers })
      const res = await cancel(s2.id)
      expect(res.status).toBe(400)
      expect(res.data.error.code).toBe("INVALID_STATE")
    })
  })
})

describe("hosted payment page", () => {
  it("renders lines and total and Pay answers 303 to return_url with transaction_id", async () => {
    const s = await a.createSession()
    const http = client()
    const page = await http.get(s.url)
    expect(page.status).toBe(200)
    expect(page.headers["content-type"]).toContain("text/html")
    expect(page.data).toContain("Stablestol")
    expect(page.data).toContain("Bord &lt;b&gt;")
    expect(page.data).toContain("200.00 NOK")
    expect(page.data).toContain("99.90 NOK")
    expect(page.data).toContain("Standard")
    expect(page.data).toContain("338.90 NOK")
    for (const label of [">Pay<", ">Pay (on hold)<", ">Decline<", ">Cancel<"]) expect(page.data).toContain(label)
    const res = await http.post(`${s.url}/pay`, "payment_product_type=klarna.klarna", { headers: { "content-type": "application/x-www-form-urlencoded" } })
    expect(res.status).toBe(303)
    const location = new URL(res.headers.location)
    expect(location.origin + location.pathname).toBe("https://shop.example/return")
    const tid = location.searchParams.get("transaction_id")
    expect(location.searchParams.get("merchant_reference")).toBe("cart_1")
    const tx = await a.http.get(`${em.checkoutBaseUrl}/transactions/${tid}?includes=session`, { headers: a.headers })
    expect(tx.data).toMatchObject({ status: "AUTHORIZED", payment_product: "klarna", payment_product_type: "klarna.klarna", amount: 33890, session_id: s.id })
    expect(tx.data.session.transaction_id).toBe(tid)
    expect(tx.data.items.map((i: any) => i.line_id)).toEqual(["1", "2", "shipping"])
    expect(tx.data.items[2]).toMatchObject({ description: "Standard", quantity: 1, amount: 3900 })
    // already paid: refused
    const again = await http.post(`${s.url}/pay`)
    expect(again.status).toBe(400)
    expect(again.data).toContain("already paid")
  })

  it("Decline and Cancel redirect with the error", async () => {
    const http = client()
    const s = await a.createSession()
    let res = await http.post(`${s.url}/decline`)
    expect(res.status).toBe(303)
    expect(new URL(res.headers.location).searchParams.get("error")).toBe("authorization")
    res = await http.post(`${s.url}/cancel`)
    expect(res.status).toBe(303)
    const u = new URL(res.headers.location)
    expect(u.searchParams.get("error")).toBe("cancelled")
    expect(u.searchParams.has("transaction_id")).toBe(false)
  })

  it("refuses to pay an expired session", async () => {
    const s = await a.createSession(sessionBody({ expires_at: new Date(Date.now() - 1000).toISOString() }))
    const res = await client().post(`${s.url}/pay`)
    expect(res.status).toBe(400)
    expect(res.data).toContain("expired")
    const ctl = await client().post(`${em.url}/__emulator/sessions/${s.id}/pay`, { outcome: "AUTHORIZED" })
    expect(ctl.status).toBe(400)
    expect(ctl.data.error.message).toContain("expired")
  })

  it("formats zero- and three-decimal currencies with integer math", async () => {
    expect(formatAmount(33890, "NOK")).toBe("338.90 NOK")
    expect(formatAmount(5, "NOK")).toBe("0.05 NOK")
    expect(formatAmount(1234567, "JPY")).toBe("1 234 567 JPY")
    expect(formatAmount(-1005, "KWD")).toBe("-1.005 KWD")
  })
})

