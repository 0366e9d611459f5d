import {
  capturedAmount,
  eventKindOf,
  eventTotal,
  findEventByReference,
  inRecordOrder,
  isSuccessfulEvent,
  moneyReference,
  perLineTotals,
  recordPosition,
  refundedAmount,
  unattachedReference,
} from "../references"

describe("capture / refund references", () => {
  it("formats <payment>-c<n>-<amount> and <payment>-r<n>-<amount>", () => {
    expect(moneyReference("capture", "pay_1", 1, 29990)).toBe("pay_1-c1-29990")
    expect(moneyReference("refund", "pay_1", 3, 1005)).toBe("pay_1-r3-1005")
  })

  it("refuses a position that is not a whole number from 1", () => {
    expect(() => moneyReference("capture", "pay_1", 0, 1)).toThrow(/position from 1/)
    expect(() => moneyReference("refund", "pay_1", 1.5, 1)).toThrow(/position from 1/)
  })

  it("formats an operation without payment or record apart from every payment reference", () => {
    expect(unattachedReference("refund", undefined, 500)).toBe("refund-x-500")
    expect(unattachedReference("capture", "capt_9", 500)).toBe("capture-capt_9-500")
  })

  it("numbers records oldest first, ties by id, whatever order they are listed in", () => {
    const rows = [
      { id: "b", created_at: "2026-01-01T10:00:00Z" },
      { id: "c", created_at: new Date("2026-01-01T09:00:00Z") },
      { id: "a", created_at: "2026-01-01T10:00:00Z" },
    ]
    expect(inRecordOrder(rows).map((r) => r.id)).toEqual(["c", "a", "b"])
    expect(inRecordOrder(undefined)).toEqual([])
    expect(rows.map((r) => r.id)).toEqual(["b", "c", "a"]) // the input is not reordered in place
  })

  it("gives a retry the place of the deleted row, and a record not listed yet the next place", () => {
    const rows = [{ id: "capt_1" }, { id: "capt_2" }]
    expect(recordPosition(rows, "capt_2")).toBe(2)
    expect(recordPosition(rows, "capt_new")).toBe(3)
    expect(recordPosition([], "capt_new")).toBe(1)
  })

  it("names the event a capture and a refund leave", () => {
    expect(eventKindOf("capture")).toBe("CAPTURE")
    expect(eventKindOf("refund")).toBe("REFUND")
  })
})

describe("transaction events", () => {
  const events = [
    { event: "AUTHORIZE", success: true, amount: 33890 },
    { event: "CAPTURE", success: true, amount: 20000, event_reference: "pay_1-c1-20000", items: [{ line_id: "1", amount: 20000 }] },
    { event: "CAPTURE", success: false, amount: 9990, event_reference: "pay_1-c2-9990", items: [{ line_id: "1", amount: 9990 }] },
    { event: "CAPTURE", amount: 7, event_reference: "pay_1-c3-7" }, // no success flag: not proof of anything
    { event: "INITIATE_CAPTURE", success: true, amount: 9990, event_reference: "pay_1-c2-9990" },
    { event: "CAPTURE", success: true, amount: 13890, items: [{ line_id: "1", amount: 9990 }, { line_id: "ship", amount: 3900 }] },
    { event: "REFUND", success: true, amount: 3905, event_reference: "pay_1-r1-3905", items: [{ line_id: "ship", amount: 3900 }, { line_id: null, amount: 5 }] },
  ]

  it("counts an event only when Dintero says success: true", () => {
    expect(isSuccessfulEvent({ success: true })).toBe(true)
    expect(isSuccessfulEvent({ success: false })).toBe(false)
    expect(isSuccessfulEvent({})).toBe(false)
  })

  it("finds the successful event of the right kind by its reference", () => {
    expect(findEventByReference(events, "CAPTURE", "pay_1-c1-20000")?.amount).toBe(20000)
    expect(findEventByReference(events, "CAPTURE", "pay_1-c2-9990")).toBeUndefined() // failed, and INITIATE_* is not the capture
    expect(findEventByReference(events, "CAPTURE", "pay_1-c3-7")).toBeUndefined()
    expect(findEventByReference(events, "REFUND", "pay_1-c1-20000")).toBeUndefined()
    expect(findEventByReference(events, "REFUND", "pay_1-r1-3905")?.amount).toBe(3905)
    expect(findEventByReference(undefined, "CAPTURE", "x")).toBeUndefined()
  })

  it("sums successful event amounts, amount-only events included", () => {
    expect(eventTotal(events, "CAPTURE")).toBe(33890)
    expect(capturedAmount({ events })).toBe(33890)
    expect(refundedAmount({ events })).toBe(3905)
    expect(capturedAmount({ events: undefined })).toBe(0)
    expect(eventTotal([{ event: "CAPTURE", success: true }], "CAPTURE")).toBe(0)
  })

  it("refuses an amount that is not whole minor units", () => {
    expect(() => eventTotal([{ event: "REFUND", success: true, amount: 10.5 }], "REFUND")).toThrow(/not an integer of minor units/)
  })

  it("sums successful items by line, leaving out what cannot be attributed", () => {
    const withAmountOnly = [...events, { event: "CAPTURE", success: true, amount: 100 }]
    expect(perLineTotals(withAmountOnly, "CAPTURE")).toEqual({ "1": 29990, ship: 3900 })
    expect(perLineTotals(events, "REFUND")).toEqual({ ship: 3900 })
    expect(perLineTotals(undefined, "CAPTURE")).toEqual({})
  })

  it("refuses item amounts that are not whole minor units", () => {
    expect(() => perLineTotals([{ event: "CAPTURE", success: true, items: [{ line_id: "1", amount: 1.5 }] }], "CAPTURE")).toThrow(
      /not an integer amount/
    )
  })
})
