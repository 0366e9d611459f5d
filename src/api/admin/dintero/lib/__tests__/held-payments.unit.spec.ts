import { NEXT_STEP, heldPaymentViews, type HeldCollectionRecord } from "../held-payments"

const base = {
  dintero_session_id: "T11223344.sess1",
  checkout_url: "https://checkout.dintero.com/v1/view/T11223344.sess1",
  merchant_reference: "cart_1",
  amount: 39800,
  currency: "NOK",
  transaction_id: "T11223344.tx1",
}

function collection(session: { status: string; data: Record<string, unknown> }, extra: Partial<HeldCollectionRecord> = {}): HeldCollectionRecord {
  return {
    id: "pay_col_1",
    status: "awaiting",
    payment_sessions: [{ id: "payses_1", provider_id: "pp_dintero_dintero", ...session }],
    payments: [],
    ...extra,
  }
}

describe("heldPaymentViews", () => {
  it("an order placed while the payment is ON_HOLD: on hold, with what to do, and no checkout URL", () => {
    const [view] = heldPaymentViews([collection({ status: "pending_authorization", data: { ...base, dintero_status: "ON_HOLD" } })], ["T11223344"])
    expect(view).toEqual({
      payment_session_id: "payses_1",
      payment_collection_id: "pay_col_1",
      payment_collection_status: "awaiting",
      state: "on_hold",
      dintero_session_id: "T11223344.sess1",
      transaction_id: "T11223344.tx1",
      dintero_status: "ON_HOLD",
      amount: 39800,
      currency: "NOK",
      reason: null,
      next_step: NEXT_STEP.on_hold,
      environment: "test",
      backoffice_url: "https://backoffice.dintero.com/T11223344/payments/transactions/T11223344.tx1",
    })
    expect(JSON.stringify(view)).not.toContain("checkout_url")
    expect(JSON.stringify(view)).not.toContain("/view/")
  })

  it("the hold ended FAILED: hold_failed with Dintero's reason and the next step", () => {
    const data = { ...base, dintero_status: "FAILED", declined_transaction_id: "T11223344.tx1", dintero_error: "payment failed at Dintero (RISK: refused)" }
    const [view] = heldPaymentViews([collection({ status: "error", data }, { status: "failed" })], ["T11223344"])
    expect(view).toMatchObject({ state: "hold_failed", payment_collection_status: "failed", reason: "payment failed at Dintero (RISK: refused)", dintero_status: "FAILED" })
    expect(view.next_step).toBe(NEXT_STEP.hold_failed)
    expect(view.next_step).toMatch(/contact the customer.*cancel the order/)
  })

  it("leaves out what Medusa already holds a payment for, a failed attempt of a paid order, and other sessions", () => {
    const failed = { status: "error", data: { ...base, dintero_status: "FAILED", dintero_error: "payment failed at Dintero" } }
    // The session's payment exists (authorized after the hold): shown by the payments list, not here.
    expect(heldPaymentViews([collection({ status: "pending_authorization", data: base }, { payments: [{ id: "pay_1", payment_session_id: "payses_1" }] })], [])).toEqual([])
    // A live payment from another session: the failed attempt does not make the order unpaid.
    expect(heldPaymentViews([collection(failed, { payments: [{ id: "pay_2", payment_session_id: "payses_2", canceled_at: null }] })], [])).toEqual([])
    // An error that is not an ended hold (a refused transaction), a pending session, another provider.
    expect(heldPaymentViews([collection({ status: "error", data: { ...base, dintero_status: "AUTHORIZED", dintero_error: "amount mismatch" } })], [])).toEqual([])
    expect(heldPaymentViews([collection({ status: "pending", data: base })], [])).toEqual([])
    expect(
      heldPaymentViews([{ id: "c", status: "awaiting", payment_sessions: [{ id: "s", provider_id: "pp_system_default", status: "pending_authorization", data: {} }], payments: [] }], [])
    ).toEqual([])
    // With the payment's own canceled payment only, a failed hold still shows.
    expect(heldPaymentViews([collection(failed, { payments: [{ id: "pay_3", payment_session_id: "payses_9", canceled_at: "2026-01-01" }] })], [])).toHaveLength(1)
  })
})
