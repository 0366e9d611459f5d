import { inspect } from "node:util"
import { DinteroError } from "../errors"
import { capturedAmount, findEventByReference, refundedAmount } from "../transactions"
import type { Transaction } from "../types"

describe("DinteroError", () => {
  it("has a readable message with method, path, status, code and Dintero's message", () => {
    const err = new DinteroError({
      kind: "http",
      method: "POST",
      path: "/v1/transactions/T1.x/capture",
      status: 400,
      code: "INVALID_REQUEST",
      dinteroMessage: "amount exceeds the remaining authorized amount",
      errors: [{ field: "amount" }],
      requestId: "req-1",
      retryable: false,
    })
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe("DinteroError")
    expect(err.message).toBe(
      "Dintero POST /v1/transactions/T1.x/capture failed with 400 INVALID_REQUEST: amount exceeds the remaining authorized amount"
    )
    expect(err.toJSON()).toMatchObject({
      kind: "http",
      status: 400,
      code: "INVALID_REQUEST",
      method: "POST",
      path: "/v1/transactions/T1.x/capture",
      requestId: "req-1",
      retryable: false,
      errors: [{ field: "amount" }],
    })
  })

  it("describes network failures and timeouts", () => {
    const net = new DinteroError({ kind: "network", method: "GET", path: "/v1/x", retryable: true, networkCode: "ECONNRESET" })
    expect(net.message).toBe("Dintero GET /v1/x failed: network error ECONNRESET")
    expect(net.status).toBeUndefined()
    const timeout = new DinteroError({ kind: "timeout", method: "GET", path: "/v1/x", retryable: true, timeoutMs: 50 })
    expect(timeout.message).toBe("Dintero GET /v1/x timed out after 50ms")
  })

  it("shows only its safe fields in inspect and JSON", () => {
    const err = new DinteroError({ kind: "http", method: "GET", path: "/v1/y", status: 503, retryable: true })
    expect(Object.keys(err).sort()).toEqual(["kind", "method", "name", "path", "retryable", "status"].sort())
    expect(inspect(err)).toContain("Dintero GET /v1/y failed with 503")
    expect(JSON.parse(JSON.stringify(err))).toMatchObject({ status: 503, retryable: true })
  })
})

describe("transaction helpers", () => {
  const tx = {
    id: "T1.a",
    amount: 30000,
    currency: "NOK",
    status: "PARTIALLY_REFUNDED",
    events: [
      { event: "AUTHORIZE", success: true, amount: 30000 },
      { event: "CAPTURE", success: true, amount: 10000, event_reference: "c1" },
      { event: "CAPTURE", success: false, amount: 5000, event_reference: "c2" },
      { event: "CAPTURE", success: true, amount: 20000, event_reference: "c3" },
      { event: "REFUND", success: true, amount: 2500, event_reference: "r1" },
      { event: "REFUND", success: true, amount: 1, event_reference: "r2" },
    ],
  } as Transaction

  it("sums successful captures and refunds as integers", () => {
    expect(capturedAmount(tx)).toBe(30000)
    expect(refundedAmount(tx)).toBe(2501)
    expect(capturedAmount({ events: undefined })).toBe(0)
  })

  it("finds an event by kind and reference, ignoring failed ones", () => {
    expect(findEventByReference(tx.events, "CAPTURE", "c3")?.amount).toBe(20000)
    expect(findEventByReference(tx.events, "CAPTURE", "c2")).toBeUndefined()
    expect(findEventByReference(tx.events, "REFUND", "c1")).toBeUndefined()
    expect(findEventByReference(tx.events, "REFUND", "r2")?.amount).toBe(1)
  })
})
