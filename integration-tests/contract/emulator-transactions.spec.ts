import { guardContract } from "./contract-guard"
// The emulator's transaction state machine over real HTTP: capture, refund, void, authorization update, async mode.
import type { Emulator } from "../../emulator"
import { type Api, api, sessionBody, sleep, start } from "./emulator-helpers"

let em: Emulator
guardContract(() => em, { requests: "emulator" })
let a: Api

beforeAll(async () => {
  em = await start()
})
beforeEach(async () => {
  em.reset()
  em.options.asyncMode = false
  a = await api(em)
})
afterAll(async () => {
  await em.close()
})

const op = (id: string, kind: string, body?: unknown) =>
  a.http.post(`${em.checkoutBaseUrl}/transactions/${id}/${kind}`, body, { headers: a.headers })

describe("capture", () => {
  it("partial then full capture with items; events carry reference, items, created_by", async () => {
    const tx = await a.paidTransaction()
    let res = await op(tx.id, "capture", { amount: 20000, capture_reference: "f1", items: [{ line_id: "1", amount: 20000, quantity: 1 }] })
    expect(res.status).toBe(200)
    expect(res.data.status).toBe("PARTIALLY_CAPTURED")
    const ev = res.data.events.at(-1)
    expect(ev).toMatchObject({ event: "CAPTURE", transaction_status: "PARTIALLY_CAPTURED", success: true, amount: 20000, event_reference: "f1", created_by: "emulator-client", items: [{ line_id: "1", amount: 20000, quantity: 1 }] })
    expect(ev.id).toEqual(expect.any(String))
    expect(ev.request_id).toEqual(expect.any(String))
    res = await op(tx.id, "capture", { amount: 13890, items: [{ line_id: "2", amount: 9990 }, { line_id: "shipping", amount: 3900 }] })
    expect(res.status).toBe(200)
    expect(res.data.status).toBe("CAPTURED")
    res = await op(tx.id, "capture", { amount: 1 })
    expect(res.status).toBe(400)
    expect(res.data.error.code).toBe("INVALID_STATE")
  })

  it.each([
    ["amount above the remaining authorization", { amount: 33891 }, "exceeds"],
    ["float amount", { amount: 10.5 }, "amount"],
    ["missing amount", {}, "amount"],
    ["unknown line id", { amount: 100, items: [{ line_id: "nope", amount: 100 }] }, "Unknown line_id"],
    ["items not summing to amount", { amount: 100, items: [{ line_id: "1", amount: 99 }] }, "sum of items"],
    ["more than the line", { amount: 20001, items: [{ line_id: "1", amount: 20001 }] }, "line_id \"1\""],
    ["metadata without ext_ prefix", { amount: 100, metadata: { a: 1 } }, "ext_"],
  ])("400 on %s", async (_n, body, message) => {
    const tx = await a.paidTransaction()
    const res = await op(tx.id, "capture", body)
    expect(res.status).toBe(400)
    expect(res.data.error.code).toBe("INVALID_REQUEST")
    expect(res.data.error.message).toContain(message)
    expect(em.state.transactions[0].events.filter((e) => e.event === "CAPTURE")).toHaveLength(0)
  })

  it("counts earlier captures per line and in total", async () => {
    const tx = await a.paidTransaction()
    expect((await op(tx.id, "capture", { amount: 15000, items: [{ line_id: "1", amount: 15000 }] })).status).toBe(200)
    expect((await op(tx.id, "capture", { amount: 5001, items: [{ line_id: "1", amount: 5001 }] })).status).toBe(400)
    expect((await op(tx.id, "capture", { amount: 18891 })).status).toBe(400)
    expect((await op(tx.id, "capture", { amount: 18890 })).data.status).toBe("CAPTURED")
  })

  it("final_capture closes the authorization", async () => {
    const tx = await a.paidTransaction()
    const res = await op(tx.id, "capture", { amount: 100, final_capture: true })
    expect(res.data.status).toBe("CAPTURED")
  })

  it("404 for an unknown transaction", async () => {
    const res = await op("T12345678.unknownunknownunknown12", "capture", { amount: 1 })
    expect(res.status).toBe(404)
    expect(res.data.error.code).toBe("NOT_FOUND")
  })
})

describe("refund", () => {
  it("refund ≤ captured − refunded, per line ≤ captured on the line; statuses", async () => {
    const tx = await a.paidTransaction()
    expect((await op(tx.id, "refund", { amount: 100 })).data.error.code).toBe("INVALID_STATE")
    await op(tx.id, "capture", { amount: 33890, items: [{ line_id: "1", amount: 20000 }, { line_id: "2", amount: 9990 }, { line_id: "shipping", amount: 3900 }] })
    let res = await op(tx.id, "refund", { amount: 20000, refund_reference: "rma-1", reason: "Damaged", items: [{ line_id: "1", amount: 20000 }] })
    expect(res.status).toBe(200)
    expect(res.data.status).toBe("PARTIALLY_REFUNDED")
    expect(res.data.events.at(-1)).toMatchObject({ event: "REFUND", event_reference: "rma-1", reason: "Damaged", amount: 20000, transaction_status: "PARTIALLY_REFUNDED" })
    res = await op(tx.id, "refund", { amount: 1, items: [{ line_id: "1", amount: 1 }] })
    expect(res.status).toBe(400)
    res = await op(tx.id, "refund", { amount: 13891 })
    expect(res.status).toBe(400)
    expect(res.data.error.message).toContain("exceeds")
    res = await op(tx.id, "refund", { amount: 13890 })
    expect(res.data.status).toBe("REFUNDED")
  })

  it("PARTIALLY_CAPTURED_REFUNDED after refunding a partial capture; refunds limited by the captured line", async () => {
    const tx = await a.paidTransaction()
    await op(tx.id, "capture", { amount: 9990, items: [{ line_id: "2", amount: 9990 }] })
    expect((await op(tx.id, "refund", { amount: 100, items: [{ line_id: "1", amount: 100 }] })).status).toBe(400)
    const res = await op(tx.id, "refund", { amount: 9990, items: [{ line_id: "2", amount: 9990 }] })
    expect(res.data.status).toBe("PARTIALLY_CAPTURED_REFUNDED")
  })
})

describe("void", () => {
  it("voids only before capture", async () => {
    const tx = await a.paidTransaction()
    const res = await op(tx.id, "void")
    expect(res.status).toBe(200)
    expect(res.data.status).toBe("AUTHORIZATION_VOIDED")
    expect(res.data.events.at(-1)).toMatchObject({ event: "VOID", success: true })
    expect((await op(tx.id, "capture", { amount: 1 })).status).toBe(400)
    const tx2 = await a.paidTransaction()
    await op(tx2.id, "capture", { amount: 1 })
    const refused = await op(tx2.id, "void")
    expect(refused.status).toBe(400)
    expect(refused.data.error.code).toBe("INVALID_STATE")
  })
})

describe("authorization update", () => {
  const update = (id: string, body: unknown) => op(id, "authorization", body)
  const items = [
    { line_id: "1", amount: 20000 },
    { line_id: "2", amount: 9990 },
    { line_id: "shipping", amount: 3900 },
    { line_id: "3", amount: 5000, description: "Upsell" },
  ]

  it("replaces amount and items for klarna and records an AUTHORIZE event", async () => {
    const tx = await a.paidTransaction(undefined, "klarna.klarna")
    expect((await update(tx.id, { amount: 38890 })).status).toBe(400) // items required
    expect((await update(tx.id, { amount: 38891, items })).status).toBe(400) // sum
    const res = await update(tx.id, { amount: 38890, items, reference: "upsell-1" })
    expect(res.status).toBe(200)
    expect(res.data.amount).toBe(38890)
    expect(res.data.items.map((i: any) => i.line_id)).toEqual(["1", "2", "shipping", "3"])
    expect(res.data.events.at(-1)).toMatchObject({ event: "AUTHORIZE", amount: 38890, event_reference: "upsell-1", transaction_status: "AUTHORIZED" })
    expect((await op(tx.id, "capture", { amount: 5000, items: [{ line_id: "3", amount: 5000 }] })).status).toBe(200)
  })

  it("is 400 for other payment products and 409 once fully captured", async () => {
    const card = await a.paidTransaction()
    expect((await update(card.id, { amount: 38890, items })).status).toBe(400)
    const k = await a.paidTransaction(undefined, "klarna.billie")
    await op(k.id, "capture", { amount: 33890 })
    const res = await update(k.id, { amount: 38890, items })
    expect(res.status).toBe(409)
    expect(res.data.error.code).toBe("CONFLICT")
  })

  it("keeps captured lines: new amount below the captured amount is refused", async () => {
    const k = await a.paidTransaction(undefined, "klarna.klarna")
    await op(k.id, "capture", { amount: 20000, items: [{ line_id: "1", amount: 20000 }] })
    expect((await update(k.id, { amount: 9990, items: [{ line_id: "2", amount: 9990 }] })).status).toBe(400)
  })
})

describe("queries", () => {
  it("GET /transactions filters by session_id, merchant_reference and status", async () => {
    const t1 = await a.paidTransaction(sessionBody({}, { merchant_reference: "ref-a" }))
    const t2 = await a.paidTransaction(sessionBody({}, { merchant_reference: "ref-b" }))
    await op(t2.id, "capture", { amount: 33890 })
    const list = (q: string) => a.http.get(`${em.checkoutBaseUrl}/transactions${q}`, { headers: a.headers }).then((r) => r.data.map((t: any) => t.id))
    expect(await list("")).toEqual([t1.id, t2.id])
    expect(await list(`?merchant_reference=ref-b`)).toEqual([t2.id])
    expect(await list(`?session_id=${t1.session_id}`)).toEqual([t1.id])
    expect(await list(`?status=CAPTURED`)).toEqual([t2.id])
    expect(await list(`?status=CAPTURED&status=AUTHORIZED`)).toEqual([t1.id, t2.id])
  })

  it("GET /transactions pages by limit and starting_after, filters by created_at, and refuses bad values (SPEC-TS:8163)", async () => {
    const before = new Date(Date.now() - 1000).toISOString()
    const ids: string[] = []
    for (let i = 0; i < 12; i++) ids.push((await a.paidTransaction(sessionBody())).id)
    const get = (q: string) => a.http.get(`${em.checkoutBaseUrl}/transactions${q}`, { headers: a.headers, validateStatus: () => true })
    const idsOf = async (q: string) => (await get(q)).data.map((t: { id: string }) => t.id)
    // Dintero's default page is 10 transactions.
    expect(await idsOf("")).toEqual(ids.slice(0, 10))
    expect(await idsOf(`?limit=5&starting_after=${ids[4]}`)).toEqual(ids.slice(5, 10))
    expect(await idsOf(`?limit=100&starting_after=${ids[10]}`)).toEqual(ids.slice(11))
    expect(await idsOf(`?limit=100&created_at.gte=${encodeURIComponent(before)}`)).toEqual(ids)
    const later = new Date(Date.now() + 60_000).toISOString()
    expect(await idsOf(`?created_at.gte=${encodeURIComponent(later)}`)).toEqual([])
    expect(await idsOf(`?limit=100&created_at.lte=${encodeURIComponent(later)}`)).toEqual(ids)
    for (const bad of ["?limit=0", "?limit=101", "?limit=x", "?created_at.gte=yesterday", "?starting_after=T1.nope"]) {
      expect({ bad, status: (await get(bad)).status }).toEqual({ bad, status: 400 })
    }
  })

  it("auto_capture pays straight to CAPTURED with a CAPTURE event of all lines", async () => {
    const tx = await a.paidTransaction(sessionBody({ configuration: { auto_capture: true } }))
    expect(tx.status).toBe("CAPTURED")
    expect(tx.events.map((e: any) => e.event)).toEqual(["INITIALIZE", "AUTHORIZE", "CAPTURE"])
    expect(tx.events[2].items).toHaveLength(3)
  })
})

describe("async mode (202)", () => {
  it("answers 202 with the unchanged status and event-request-id, then applies the correlated event", async () => {
    const tx = await a.paidTransaction()
    em.options.asyncMode = true
    const res = await op(tx.id, "capture", { amount: 30000, capture_reference: "async-1" })
    expect(res.status).toBe(202)
    expect(res.data.status).toBe("AUTHORIZED")
    const requestId = res.headers["event-request-id"]
    expect(requestId).toEqual(expect.any(String))
    // the reserved amount counts against the remaining authorization while pending
    expect((await op(tx.id, "capture", { amount: 3891 })).status).toBe(400)
    await sleep(200)
    const after = await a.http.get(`${em.checkoutBaseUrl}/transactions/${tx.id}`, { headers: a.headers })
    expect(after.data.status).toBe("PARTIALLY_CAPTURED")
    const names = after.data.events.map((e: any) => e.event)
    expect(names.slice(-2)).toEqual(["INITIATE_CAPTURE", "CAPTURE"])
    expect(after.data.events.at(-2).request_id).toBe(requestId)
    expect(after.data.events.at(-1)).toMatchObject({ correlation_request_id: requestId, amount: 30000, success: true })
  })
})
