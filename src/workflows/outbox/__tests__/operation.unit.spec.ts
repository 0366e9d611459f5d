import { classifyOutcome } from "../classify-failure"
import { needsAction } from "../outcome"
import { parseMirrorState, parseOperation, type OperationRow } from "../operation"

const body = (payment = "T1", items = [{ line_id: 1, amount: 100 }]) => ({ items, payment_details: { payment_id: payment }, success: true as const })

const row = (over: Partial<OperationRow>): OperationRow => ({
  id: "diop_1",
  order_id: "order_1",
  identity: "capture:capt_1",
  kind: "capture",
  status: "pending",
  attempts: 1,
  next_attempt_at: null,
  input: { payment_id: "pay_1", record_id: "capt_1" },
  plan: null,
  progress: null,
  ...over,
})

const state = {
  snapshot: { lines: [{ medusa_id: "ordli_1", line_id: 1, id: "SKU", quantity: 1, gross_amount: 100, tax_lines: [{ amount: 20, percentage: 25 }], description: "Shirt" }], next_line_id: 2 },
  lines: [{ line_id: 1, medusa_id: "ordli_1", role: "item", gross_amount: 100, from_edit: false }],
  checkout_lines: { cali_1: "ordli_1" },
  payments: { pay_1: "T1" },
  original_payment_id: "pay_1",
}

describe("parseOperation", () => {
  it("types a capture row and defaults a missing progress to nothing sent", () => {
    const parsed = parseOperation(row({ plan: { body: body(), reference: "pay_1-c1-100", event_found: true } }))
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: "capture", input: { payment_id: "pay_1", record_id: "capt_1" }, progress: {} }),
    })
    if (parsed.ok && (parsed.value.kind === "capture" || parsed.value.kind === "refund")) expect(parsed.value.plan?.body.items).toEqual([{ line_id: 1, amount: 100 }])
  })

  it("keeps keys it does not know (a stored plan is re-sent as it was)", () => {
    const parsed = parseOperation(row({ plan: { body: { ...body(), extra: 1 }, reference: "r", event_found: false, later: "x" } }))
    expect(parsed.ok && parsed.value.plan).toEqual({ body: { ...body(), extra: 1 }, reference: "r", event_found: false, later: "x" })
  })

  it("parses each kind's plan as its handler stores it", () => {
    const draft = { options: { generate_order_id: "ALPHANUMERIC_9" }, order: { currency: "NOK", items: [{ ...state.snapshot.lines[0] }], metadata: { medusa_order_id: "order_1" } } }
    const rows: Partial<OperationRow>[] = [
      { kind: "order_placed", input: { order_id: "order_1" }, plan: { draft, state, authorization: body(), payment_product_type: "vipps" } },
      { kind: "authorization", input: { payment_id: "pay_2" }, plan: { body: body("T2"), unplaced: 0 } },
      { kind: "refund", input: { payment_id: "pay_1", record_id: "ref_1" }, plan: { body: body(), reference: "pay_1-r1-100", event_found: false } },
      { kind: "order_edit", input: { order_change_id: "ordch_1", version: 2, reason: "Item removed" }, plan: { nothing: true } },
      {
        kind: "order_edit",
        input: { reason: "Item removed" },
        plan: { draft, voided: [{ key: "voided-T1", body: body() }], records: [{ kind: "captures", key: "k", payment_id: "T1", items: [{ line_id: 1, amount: -100 }] }], unauthorized: 0, notes: [], state },
      },
      { kind: "cancellation", input: { order_id: "order_1" }, plan: { bodies: [{ key: "cancellation-T1", body: body() }] } },
      { kind: "notice", input: { message: "look" } },
    ]
    for (const r of rows) expect(parseOperation(row(r))).toEqual({ ok: true, value: expect.objectContaining({ kind: r.kind }) })
  })

  it("a malformed input names the field", () => {
    expect(parseOperation(row({ input: { payment_id: 42 } }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/^the operation's input does not have the expected shape \(payment_id: .*\)/),
    })
    expect(parseOperation(row({ input: null }))).toEqual({ ok: false, reason: expect.stringContaining("payment_id") })
  })

  it("a malformed plan names the field (a float amount is not minor units)", () => {
    const parsed = parseOperation(row({ plan: { body: body("T1", [{ line_id: 1, amount: 1.5 }]), reference: "r", event_found: true } }))
    expect(parsed).toEqual({ ok: false, reason: expect.stringContaining("plan") })
    expect(!parsed.ok && parsed.reason).toContain("body.items.0.amount")
  })

  it("a malformed progress is reported", () => {
    expect(parseOperation(row({ progress: { sent: { capture: 7 } } }))).toEqual({ ok: false, reason: expect.stringContaining("progress") })
  })

  it("an unknown kind is reported", () => {
    expect(parseOperation(row({ kind: "teleport" as OperationRow["kind"] }))).toEqual({ ok: false, reason: "unknown operation kind teleport" })
  })
})

describe("parseMirrorState", () => {
  it("accepts no state (not mirrored yet) and a stored state", () => {
    expect(parseMirrorState(null)).toEqual({ ok: true, value: null })
    expect(parseMirrorState(state)).toEqual({ ok: true, value: state })
  })

  it("reports a state that does not parse", () => {
    expect(parseMirrorState({ ...state, lines: [{ line_id: "1" }] })).toEqual({ ok: false, reason: expect.stringMatching(/^the mirror state does not have the expected shape \(lines\.0/) })
  })
})

describe("a row that does not parse", () => {
  it("ends as needs_action with the reason, not as a crash or a retry", () => {
    const parsed = parseOperation(row({ kind: "refund", input: { payment_id: "pay_1" } }))
    expect(parsed.ok).toBe(false)
    if (parsed.ok) return
    const result = classifyOutcome(needsAction(parsed.reason), { attempts: 1, maxAttempts: 8, now: new Date(0) })
    expect(result).toMatchObject({ status: "needs_action", next_attempt_at: null, proceed: false })
    expect(result.last_error).toMatch(/^the operation's input does not have the expected shape \(record_id: /)
  })
})
