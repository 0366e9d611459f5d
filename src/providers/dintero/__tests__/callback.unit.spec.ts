import { signCallback } from "../../../dintero/signature"
import { callbackUrl, forLog, isDinteroId, readCallback } from "../callback"

const options = { backendUrl: "https://api.shop.example", accountId: "T12345678", callbackSecret: "s3cret" }
const query = "report_error=true&transaction_id=T12345678.tx0000001&session_id=T12345678.se0000001&merchant_reference=cart_1&time=2026-01-01T00%3A00%3A00Z"
const now = 1_800_000_000

function signed(q: string, method = "GET", t = now, secret = "s3cret") {
  return signCallback({ secret, accountId: "T12345678", method, url: `https://api.shop.example/hooks/dintero/callback?${q}`, timestamp: t })
}

describe("callback URL and reading", () => {
  it("registers the plugin's route with report_error and an optional delay", () => {
    expect(callbackUrl({ backendUrl: "https://api.shop.example", callbackDelaySeconds: 0 })).toBe(
      "https://api.shop.example/hooks/dintero/callback?report_error=true"
    )
    expect(callbackUrl({ backendUrl: "https://api.shop.example", callbackDelaySeconds: 20 })).toBe(
      "https://api.shop.example/hooks/dintero/callback?report_error=true&delay_callback=20"
    )
  })

  it("reads a correctly signed callback whatever the order of its query parameters", () => {
    const reordered = query.split("&").reverse().join("&")
    const result = readCallback(
      { data: { dintero_callback: { method: "GET", query: reordered } }, rawData: "", headers: { "dintero-signature": signed(query) } },
      options,
      now
    )
    expect(result).toEqual({
      ok: true,
      value: { transaction_id: "T12345678.tx0000001", session_id: "T12345678.se0000001", merchant_reference: "cart_1", error: undefined, event: undefined },
    })
  })

  it.each([
    ["missing", undefined, "callback signature missing"],
    ["wrong secret", signed(query, "GET", now, "other"), "callback signature mismatch"],
    ["signed for POST, sent as GET", signed(query, "POST"), "callback signature mismatch"],
    ["older than five minutes", signed(query, "GET", now - 301), "callback signature expired"],
    ["malformed", "t=now,v0-hmac-sha256=xyz", "callback signature malformed"],
    ["tampered query", signed(query.replace("cart_1", "cart_2")), "callback signature mismatch"],
  ])("rejects a callback whose signature is %s", (_what, header, reason) => {
    const result = readCallback(
      { data: { dintero_callback: { method: "GET", query } }, rawData: "", headers: header ? { "dintero-signature": header } : {} },
      options,
      now
    )
    expect(result).toEqual({ ok: false, kind: "signature", reason })
  })

  it("reads Medusa's generic route only when no secret is configured (it cannot see the signed URL)", () => {
    const payload = { data: { id: "T12345678.tx0000001", merchant_reference: "cart_1", amount: 1 }, rawData: "", headers: {} }
    expect(readCallback(payload, { ...options, callbackSecret: undefined }, now)).toEqual({
      ok: true,
      value: { transaction_id: "T12345678.tx0000001", session_id: undefined, merchant_reference: "cart_1" },
    })
    expect(readCallback(payload, options, now).ok).toBe(false)
  })
})

describe("ids from callbacks", () => {
  const read = (q: string) =>
    readCallback({ data: { dintero_callback: { method: "GET", query: q } }, rawData: "", headers: {} }, { ...options, callbackSecret: undefined })

  it("accepts Dintero's transaction and session ids", () => {
    expect(isDinteroId("T11223344.4ZwYk6m2f2c5xpS3gzKjPi")).toBe(true)
    expect(isDinteroId("P00000000.46MgvEfeK4d2ytLLuMzXDm")).toBe(true)
    expect(read("transaction_id=T11223344.4ZwYk6m2f2c5xpS3gzKjPi").ok).toBe(true)
  })

  it.each([
    ["a path walk", "T12345678.abc/../../sessions"],
    ["a newline", "T12345678.abcdef\nINFO forged line"],
    ["an ANSI code", "T12345678.abcdef\u001b[31m"],
    ["another shape", "payses_01ABC"],
  ])("refuses %s as a clear invalid callback, escaped for the log", (_what, id) => {
    for (const key of ["transaction_id", "session_id"]) {
      const result = read(`${key}=${encodeURIComponent(id)}`)
      expect(result).toEqual({ ok: false, kind: "invalid", reason: expect.stringContaining(`callback ${key} "`) })
      const reason = (result as { reason: string }).reason
      expect(reason).not.toMatch(new RegExp(`[\n${String.fromCharCode(27)}]`))
    }
  })

  it("keeps one log line printable and short", () => {
    expect(forLog("a\nb\u001b[2Jc")).toBe('"a?b?[2Jc"')
    expect(forLog("x".repeat(200))).toHaveLength(85)
  })
})
