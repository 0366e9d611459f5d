/**
 * Crash test: Medusa SIGKILLed during a burst of cart completions and captures, then restarted (the scenario runs in
 * its own process, integration-tests/crash/crash-scenario.ts, against the real store: `medusa start` from source, its
 * own database on this tier's PostgreSQL, the emulator). Within the reconciliation's interval (3 s there) plus the
 * outbox's resumption of operations a dead process left behind, every paid order and every capture is mirrored
 * exactly once, and every authorization Dintero holds belongs to a Medusa order.
 */
import { runCrashScenario } from "../crash/run-scenario"

jest.setTimeout(900_000)

describe("crash: SIGKILL during a burst of completions and captures", () => {
  it("after the restart, every paid order and every capture is mirrored exactly once, no authorization is orphaned", async () => {
    const result = await runCrashScenario<any>("crash-scenario.ts", "CRASH_RESULT")
    // Positive control: the crash did cut requests off (otherwise this test shows nothing).
    expect(result.requests_cut_off).toBeGreaterThan(0)
    expect(result.problems).toEqual([])
    // Every shopper who paid has an order (the reconciliation completed the carts whose completion was cut off).
    expect(result.orders).toBe(result.captured_orders + result.paid_carts)
    // Every capture the admin saw succeed is in Medusa (and, by the check above, mirrored once).
    expect(result.captures_seen_ok_not_in_medusa).toEqual([])
    expect(result.reconciliation_runs).toBeGreaterThan(0)
  })
})
