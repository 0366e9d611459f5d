import { MedusaError } from "@medusajs/framework/utils"
import { DinteroError } from "../../../dintero"
import { callDintero, toMedusaError } from "../errors"

const answered = (status: number, extra: Partial<ConstructorParameters<typeof DinteroError>[0]> = {}) =>
  new DinteroError({ kind: "http", method: "POST", path: "/v1/transactions/T1.x/capture", status, retryable: status >= 500, ...extra })

describe("Dintero failures as the merchant reads them", () => {
  it("names what was being done and Dintero's own message and code", () => {
    const e = toMedusaError("capture the Dintero transaction", answered(400, { code: "BAD_AMOUNT", dinteroMessage: "amount too large" }))
    expect(e).toBeInstanceOf(MedusaError)
    expect((e as MedusaError).type).toBe(MedusaError.Types.NOT_ALLOWED)
    expect(e.message).toBe("Could not capture the Dintero transaction: [BAD_AMOUNT] amount too large")
  })

  it("keeps Dintero's message without a code, and falls back to the client's message", () => {
    expect(toMedusaError("refund", answered(404, { dinteroMessage: "not found" })).message).toBe("Could not refund: not found")
    expect(toMedusaError("refund", answered(409)).message).toBe(
      `Could not refund (${answered(409).message})`
    )
  })

  it("treats Dintero refusing the request as NOT_ALLOWED and the rest as UNEXPECTED_STATE", () => {
    const type = (e: unknown) => (toMedusaError("x", e) as MedusaError).type
    expect(type(answered(400))).toBe(MedusaError.Types.NOT_ALLOWED)
    expect(type(answered(422))).toBe(MedusaError.Types.NOT_ALLOWED)
    expect(type(answered(401))).toBe(MedusaError.Types.UNEXPECTED_STATE) // our credentials, not the merchant's request
    expect(type(answered(429))).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(type(answered(503))).toBe(MedusaError.Types.UNEXPECTED_STATE)
    expect(type(new DinteroError({ kind: "timeout", method: "GET", path: "/v1/x", retryable: true, timeoutMs: 50 }))).toBe(
      MedusaError.Types.UNEXPECTED_STATE
    )
  })

  it("passes a MedusaError through and wraps anything else", () => {
    const medusa = new MedusaError(MedusaError.Types.INVALID_DATA, "bad")
    expect(toMedusaError("x", medusa)).toBe(medusa)
    const other = toMedusaError("read the session", new Error("socket closed")) as MedusaError
    expect([other.type, other.message]).toEqual([MedusaError.Types.UNEXPECTED_STATE, "Could not read the session: socket closed"])
  })

  it("callDintero returns the result, or throws the translated error", async () => {
    await expect(callDintero("read", async () => 42)).resolves.toBe(42)
    await expect(
      callDintero("void the Dintero transaction", async () => {
        throw answered(400, { dinteroMessage: "already captured" })
      })
    ).rejects.toThrow("Could not void the Dintero transaction: already captured")
  })
})
