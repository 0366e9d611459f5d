import { computeSignature, parseSignatureHeader, signCallback, verifyCallbackSignature } from "../signature"

// Dintero's published test vector.
const vector = {
  secret: "123",
  accountId: "P00000000",
  method: "GET",
  url: "https://example.com/callback?B=123&A=992",
  timestamp: 1582236537,
}
const expectedHeader =
  "t=1582236537,v0-hmac-sha256=6bed2ab1b919d460ef7465a20dc6c97260dca73fab6647106ca525f0908df64a"

function verify(overrides: Partial<Parameters<typeof verifyCallbackSignature>[0]> = {}) {
  return verifyCallbackSignature({
    secret: vector.secret,
    accountId: vector.accountId,
    method: vector.method,
    url: vector.url,
    header: expectedHeader,
    now: vector.timestamp,
    ...overrides,
  })
}

describe("Dintero-Signature", () => {
  it("signs the published test vector", () => {
    expect(signCallback(vector)).toBe(expectedHeader)
    expect(computeSignature(vector)).toBe(expectedHeader.split("=").pop())
  })

  it("verifies the published test vector at t", () => {
    expect(verify()).toEqual({ valid: true, timestamp: vector.timestamp })
  })

  it("accepts the query in any order (the payload sorts it)", () => {
    expect(verify({ url: "https://example.com/callback?A=992&B=123" }).valid).toBe(true)
  })

  it("accepts timestamps within ±300 s and refuses them outside", () => {
    expect(verify({ now: vector.timestamp + 300 }).valid).toBe(true)
    expect(verify({ now: vector.timestamp - 300 }).valid).toBe(true)
    expect(verify({ now: vector.timestamp + 301 })).toEqual({ valid: false, reason: "expired" })
    expect(verify({ now: vector.timestamp - 301 })).toEqual({ valid: false, reason: "expired" })
  })

  it("refuses a wrong secret or account", () => {
    expect(verify({ secret: "124" })).toEqual({ valid: false, reason: "mismatch" })
    expect(verify({ accountId: "P00000001" })).toEqual({ valid: false, reason: "mismatch" })
  })

  it("refuses a tampered query, method, host or path", () => {
    expect(verify({ url: "https://example.com/callback?B=124&A=992" }).valid).toBe(false)
    expect(verify({ url: "https://example.com/callback?B=123&A=992&C=1" }).valid).toBe(false)
    expect(verify({ method: "POST" })).toEqual({ valid: false, reason: "mismatch" })
    expect(verify({ url: "https://example.com/callbacks?B=123&A=992" })).toEqual({ valid: false, reason: "mismatch" })
    expect(verify({ url: "https://evil.example.com/callback?B=123&A=992" }).valid).toBe(false)
  })

  it("refuses a tampered timestamp (the signature covers t)", () => {
    const header = expectedHeader.replace("t=1582236537", "t=1582236538")
    expect(verify({ header })).toEqual({ valid: false, reason: "mismatch" })
  })

  it("reports missing and malformed headers", () => {
    expect(verify({ header: undefined })).toEqual({ valid: false, reason: "missing" })
    expect(verify({ header: null })).toEqual({ valid: false, reason: "missing" })
    expect(verify({ header: "" })).toEqual({ valid: false, reason: "missing" })
    expect(verify({ header: "garbage" })).toEqual({ valid: false, reason: "malformed" })
    expect(verify({ header: "t=1582236537" })).toEqual({ valid: false, reason: "malformed" })
    expect(verify({ header: "v0-hmac-sha256=6bed2ab1b919d460ef7465a20dc6c97260dca73fab6647106ca525f0908df64a" })).toEqual({
      valid: false,
      reason: "malformed",
    })
    expect(verify({ header: "t=abc,v0-hmac-sha256=zz" })).toEqual({ valid: false, reason: "malformed" })
  })

  it("accepts any one of several v0 signatures (secret rotation)", () => {
    const other = "0".repeat(64)
    const header = `t=1582236537,v0-hmac-sha256=${other},v0-hmac-sha256=6bed2ab1b919d460ef7465a20dc6c97260dca73fab6647106ca525f0908df64a`
    expect(verify({ header }).valid).toBe(true)
    expect(parseSignatureHeader(header)?.signatures).toHaveLength(2)
  })
})
