// Fails the test during which the client or the emulator broke Dintero's contract (src/dintero/contract): every
// request body the client sent, every 2xx answer and every callback query the emulator produced is checked by the
// emulator's contractCheck; this guard asserts, after each test, that none was recorded.
import type { ContractViolation, Emulator } from "../../emulator"

export interface GuardOptions {
  /**
   * "client": every request was sent by our client, so any request outside the contract counts, whatever the status.
   * "emulator": tests send deliberately bad requests; a request outside the contract only counts when the emulator
   * ACCEPTED it (2xx) - the emulator must refuse what Dintero's contract does not allow.
   */
  requests: "client" | "emulator"
}

export interface Guard {
  /**
   * The current test sends bad input on purpose (to see how an error surfaces): requests outside the contract that
   * the emulator REFUSED are not counted in this test. Accepted ones still are.
   */
  sendsBadRequestsOnPurpose(): void
}

export function guardContract(emulator: () => Emulator | undefined, opts: GuardOptions): Guard {
  let seen = 0
  let onPurpose = false
  afterEach(() => {
    const em = emulator()
    const lenient = onPurpose
    onPurpose = false
    if (!em) return
    const fresh = em.contractViolations.slice(seen)
    seen = em.contractViolations.length
    const counted = fresh.filter((v) => countsAgainst(v, opts.requests === "client" && !lenient))
    expect(counted).toEqual([])
  })
  return { sendsBadRequestsOnPurpose: () => void (onPurpose = true) }
}

function countsAgainst(v: ContractViolation, everyRequest: boolean): boolean {
  if (v.side !== "request") return true
  return everyRequest || (v.status !== null && v.status >= 200 && v.status < 300)
}
