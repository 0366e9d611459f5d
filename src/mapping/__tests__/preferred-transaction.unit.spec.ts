import type { TransactionStatus } from "../../dintero/types"
import { heldStatus, preferredTransaction } from "../status"

const tx = (id: string, status: TransactionStatus, created_at: string) => ({ id, status, created_at })

describe("which of a session's transactions counts", () => {
  it("takes the one holding money over a declined attempt, whatever the listing order", () => {
    const declined = tx("a", "DECLINED", "2026-01-01T10:00:00Z")
    const authorized = tx("b", "AUTHORIZED", "2026-01-01T10:01:00Z")
    expect(preferredTransaction([declined, authorized])?.id).toBe("b")
    expect(preferredTransaction([authorized, declined])?.id).toBe("b")
  })

  it("takes the newest of several failed attempts, and a capture made at once (Swish) as held", () => {
    expect(preferredTransaction([tx("a", "FAILED", "2026-01-01T10:00:00Z"), tx("b", "DECLINED", "2026-01-01T10:05:00Z")])?.id).toBe("b")
    expect(preferredTransaction([tx("a", "DECLINED", "2026-01-01T10:00:00Z"), tx("c", "CAPTURED", "2026-01-01T09:00:00Z")])?.id).toBe("c")
    expect(heldStatus("CAPTURED")).toBe(true)
    expect(heldStatus("ON_HOLD")).toBe(true)
    expect(heldStatus("DECLINED")).toBe(false)
    expect(preferredTransaction([])).toBeNull()
  })
})
