import { capturedByDinteroItself } from "../transactions"

const capture = (amount: number, extra: Record<string, unknown> = {}) => ({ event: "CAPTURE", success: true, amount, ...extra })

describe("capturedByDinteroItself (issue 8 item 2: Dintero's own auto-capture)", () => {
  it("holds for a transaction CAPTURED in full by events without our capture_reference", () => {
    expect(capturedByDinteroItself({ status: "CAPTURED", amount: 44700, events: [capture(44700)] })).toBe(true)
  })

  it("ignores failed attempts before the capture that went through", () => {
    const failed = { event: "CAPTURE", success: false, amount: 44700 }
    expect(capturedByDinteroItself({ status: "CAPTURED", amount: 44700, events: [failed, failed, capture(44700)] })).toBe(true)
    expect(capturedByDinteroItself({ status: "AUTHORIZED", amount: 44700, events: [failed] })).toBe(false)
  })

  it("does not hold for a capture the plugin sent (it carries our reference), nor before CAPTURED", () => {
    expect(capturedByDinteroItself({ status: "CAPTURED", amount: 44700, events: [capture(44700, { event_reference: "pay_1-c0-44700" })] })).toBe(false)
    expect(capturedByDinteroItself({ status: "PARTIALLY_CAPTURED", amount: 44700, events: [capture(10000)] })).toBe(false)
    expect(capturedByDinteroItself({ status: "CAPTURED", amount: 44700, events: [] })).toBe(false)
  })

  it("does not hold when the events do not add up to the transaction (a part of it released)", () => {
    expect(capturedByDinteroItself({ status: "CAPTURED", amount: 44700, events: [capture(24800)] })).toBe(false)
  })
})
