/**
 * Crash test (issue 9, "every payment ends right"): Medusa SIGKILLed inside an order edit's move of a kept
 * authorization, after Medusa cancelled the kept payment and before the move reused or released it, then restarted.
 * The scenario runs in its own process (integration-tests/crash/crash-move-scenario.ts: the real store, `medusa start`
 * from source, the emulator); the kill is placed by the move's test fault point (src/lib/test-fault-point.ts). Within
 * the reconciliation (at boot, every 3 s there) the order is paid by the kept authorization, nobody retrying anything,
 * and after the capture Medusa, the Checkout transaction and the Orders API agree to the øre.
 */
import { runCrashScenario } from "../crash/run-scenario"

jest.setTimeout(900_000)

describe("crash: SIGKILL inside an order edit's move of a kept authorization", () => {
  it("after the restart, the reconciliation reuses the kept authorization for the edited order; the three ledgers agree", async () => {
    const result = await runCrashScenario<any>("crash-move-scenario.ts", "CRASH_MOVE_RESULT")
    // Positive control: the kill came inside the hole. Medusa had cancelled the payment and the provider kept its
    // authorization; the collection Medusa opened for the new total had no payment; no reuse or release was recorded.
    expect(result.at_kill.transaction_status).toBe("AUTHORIZED")
    expect(result.at_kill.kept_payments).toEqual([{ canceled: true, kept_for_order_id: expect.stringMatching(/^order_/) }])
    expect(result.at_kill.grants).toEqual([])
    expect(result.at_kill.open_collections).toEqual([{ status: "not_paid", amount: 248, payments: 0 }])

    // The reconciliation moved it: one payment of the open collection reuses the kept authorization for 248.00 NOK,
    // and the shopper was not asked to pay again (no second Dintero session).
    expect(result.reused).toEqual({ amount: 248, data_amount: 24800, reused_authorization: true, collection_status: "authorized", collection_amount: 248 })
    expect(result.repaired).toContainEqual(expect.objectContaining({ what: "moved", ref: expect.stringContaining(result.transaction_id) }))
    expect(result.sessions).toBe(1)
    // Running it again (the admin Retry's run for the order) changes nothing: still the one payment, nothing repaired.
    expect(result.again).toEqual({ status: "done", repaired: [], findings: [], live_payments: [[result.transaction_id, 248]] })

    // Captured: the 199.00 the edit removed is released with the final capture; Medusa, Checkout and the Orders API
    // agree to the øre on the order's new total.
    expect(result.capture_status).toBe(200)
    expect(result.transaction_after_capture).toBe("CAPTURED")
    expect(result.ledgers).toEqual({ medusa: 24800, checkout: 24800, orders: 24800 })
    expect(result.order_total).toBe(24800)
    expect(result.needs_action).toEqual([])
  })
})
