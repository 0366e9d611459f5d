import { DinteroError } from "../../../dintero"
import { lockedByPage, whenUpdateRefused } from "../session-update"

const refused = (status: number, extra: Partial<ConstructorParameters<typeof DinteroError>[0]> = {}) =>
  new DinteroError({ kind: "http", method: "PUT", path: "/v1/sessions/T1.x", status, retryable: status >= 500, ...extra })

describe("a session update: in place, or a new session", () => {
  it("sees the page's pay lock from the session's events, until an update releases it", () => {
    expect(lockedByPage(undefined)).toBe(false)
    expect(lockedByPage([{ name: "INITIATED" }, { name: "VISITED" }])).toBe(false)
    expect(lockedByPage([{ name: "VISITED" }, { name: "PAY_LOCK_START" }])).toBe(true)
    expect(lockedByPage([{ name: "PAY_LOCK_START" }, { name: "UPDATE_SESSION" }, { name: "PAY_LOCK_END" }])).toBe(false)
    // Locked again for a second cart change.
    expect(lockedByPage([{ name: "PAY_LOCK_START" }, { name: "PAY_LOCK_END" }, { name: "PAY_LOCK_START" }])).toBe(true)
  })

  it("replaces the session when Dintero will not update it (not locked after render, completed, cancelled, gone)", () => {
    expect(whenUpdateRefused(refused(400, { code: "SESSION_NOT_LOCKED", dinteroMessage: "Session must be locked" }))).toBe("replace")
    expect(whenUpdateRefused(refused(400, { code: "INVALID_STATE" }))).toBe("replace")
    for (const status of [404, 409, 410, 423]) expect(whenUpdateRefused(refused(status))).toBe("replace")
  })

  it("fails instead when a new session would fare no better or the failure is not about this session", () => {
    // Our body broke the schema: the same lines would be refused for a new session too.
    expect(whenUpdateRefused(refused(400, { code: "INVALID_REQUEST", errors: [{ path: "order.amount" }] }))).toBe("fail")
    expect(whenUpdateRefused(refused(401))).toBe("fail")
    expect(whenUpdateRefused(refused(403))).toBe("fail")
    expect(whenUpdateRefused(refused(429))).toBe("fail")
    expect(whenUpdateRefused(refused(503))).toBe("fail")
    expect(whenUpdateRefused(new DinteroError({ kind: "timeout", method: "PUT", path: "/v1/sessions/T1.x", retryable: true, timeoutMs: 5 }))).toBe("fail")
    expect(whenUpdateRefused(new Error("boom"))).toBe("fail")
  })
})
