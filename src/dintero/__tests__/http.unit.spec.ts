import { backoffDelay } from "../backoff"
import { parseRetryAfter, retryDelay } from "../http"
import { refreshMarginSeconds } from "../auth"
import { packageVersion, systemHeaders } from "../config"
import path from "node:path"
import pkg from "../../../package.json"

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-05T10:00:00Z")

  it("reads delta-seconds", () => {
    expect(parseRetryAfter("2", now)).toBe(2000)
    expect(parseRetryAfter(" 0 ", now)).toBe(0)
    expect(parseRetryAfter("1.5", now)).toBe(1500)
    expect(parseRetryAfter(3, now)).toBe(3000)
  })

  it("reads an HTTP date relative to now", () => {
    expect(parseRetryAfter("Mon, 05 Jan 2026 10:00:07 GMT", now)).toBe(7000)
  })

  it("gives 0 for a date in the past", () => {
    expect(parseRetryAfter("Mon, 05 Jan 2026 09:00:00 GMT", now)).toBe(0)
  })

  it("ignores absent or invalid values", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined()
    expect(parseRetryAfter("", now)).toBeUndefined()
    expect(parseRetryAfter("soon", now)).toBeUndefined()
    expect(parseRetryAfter("-1", now)).toBeUndefined()
  })

  it("takes the first of repeated headers", () => {
    expect(parseRetryAfter(["4", "9"], now)).toBe(4000)
  })
})

describe("backoffDelay (full jitter)", () => {
  const opts = { baseDelayMs: 100, maxDelayMs: 1000 }

  it("grows exponentially up to the cap", () => {
    const top = () => 0.999999
    expect(backoffDelay(0, opts, top)).toBe(99)
    expect(backoffDelay(1, opts, top)).toBe(199)
    expect(backoffDelay(2, opts, top)).toBe(399)
    expect(backoffDelay(3, opts, top)).toBe(799)
    expect(backoffDelay(4, opts, top)).toBe(999)
    expect(backoffDelay(30, opts, top)).toBe(999)
  })

  it("is uniform from zero", () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(0)
    expect(backoffDelay(3, opts, () => 0.5)).toBe(400)
  })

  it("stays within [0, cap] for random draws", () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      for (let i = 0; i < 50; i++) {
        const d = backoffDelay(attempt, opts)
        expect(d).toBeGreaterThanOrEqual(0)
        expect(d).toBeLessThanOrEqual(Math.min(1000, 100 * 2 ** attempt))
      }
    }
  })
})

describe("retryDelay", () => {
  const opts = { baseDelayMs: 100, maxDelayMs: 5000 }

  it("honours Retry-After over the backoff", () => {
    expect(retryDelay(0, opts, 2000, () => 0)).toBe(2000)
    expect(retryDelay(5, opts, 0, () => 0.9)).toBe(0)
  })

  it("refuses to wait longer than the cap", () => {
    expect(retryDelay(0, opts, 5001)).toBeUndefined()
  })

  it("falls back to the backoff without Retry-After", () => {
    expect(retryDelay(2, opts, undefined, () => 0.5)).toBe(200)
  })
})

describe("token refresh margin", () => {
  it("is min(expires_in / 2, 60)", () => {
    expect(refreshMarginSeconds(14400)).toBe(60)
    expect(refreshMarginSeconds(120)).toBe(60)
    expect(refreshMarginSeconds(60)).toBe(30)
    expect(refreshMarginSeconds(2)).toBe(1)
  })
})

describe("system headers", () => {
  it("defaults to medusa + this package and its version from package.json", () => {
    expect(systemHeaders(undefined)).toEqual({
      "Dintero-System-Name": "medusa",
      "Dintero-System-Version": "unknown",
      "Dintero-System-Plugin-Name": "medusa-payment-dintero",
      "Dintero-System-Plugin-Version": pkg.version,
    })
  })

  it("takes overrides", () => {
    expect(systemHeaders({ name: "shop", version: "2.21.2", pluginName: "p", pluginVersion: "9" })).toEqual({
      "Dintero-System-Name": "shop",
      "Dintero-System-Version": "2.21.2",
      "Dintero-System-Plugin-Name": "p",
      "Dintero-System-Plugin-Version": "9",
    })
  })

  it("finds the package.json from a deeper build directory, and says unknown outside the package", () => {
    const root = path.resolve(__dirname, "../../..")
    expect(packageVersion(path.join(root, ".medusa/server/src/dintero"))).toBe(pkg.version)
    expect(packageVersion("/")).toBe("unknown")
  })
})
