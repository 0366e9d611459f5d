import {
  capturedNotRefunded,
  checkOperation,
  emptyOperations,
  lineTotals,
  orderAmounts,
  paymentStatus,
  remainingAuthorization,
} from "../bookkeeping"
import type { OperationKind, OrderItem, OrderOperations, PaymentOperation } from "../types"

const line = (line_id: number, gross_amount: number, tax = 0, reverses?: number): OrderItem => ({
  line_id,
  gross_amount,
  tax_lines: [{ amount: tax, percentage: 25 }],
  ...(reverses !== undefined ? { related_item: { line_id: reverses, type: "reversed" as const } } : {}),
})

let seq = 0
function op(items: [number, number][], payment_id = "PID_123", success = true): PaymentOperation {
  return {
    id: `op-${++seq}`,
    created_at: "2024-01-01T00:00:00.000Z",
    amount: items.reduce((s, [, a]) => s + a, 0),
    success,
    items: items.map(([line_id, amount]) => ({ line_id, amount })),
    payment_details: { payment_id },
    processed_at: "2024-01-01T00:00:00.000Z",
    metadata: {},
  }
}

function record(ops: OrderOperations, kind: OperationKind, o: PaymentOperation) {
  ops[kind].push(o)
  return ops
}

// The seed's order after the reversal draft: 1 (original), 2 (reverses 1), 3 (replacement), 4 (refund remaining).
const seedLines = [line(1, 39800, 7960), line(2, -39800, -7960, 1), line(3, 39800, 7960), line(4, 1000, 200)]

describe("lineTotals", () => {
  it("sums successful operations per line and ignores failed ones", () => {
    const ops = emptyOperations()
    record(ops, "authorizations", op([[1, 39800]]))
    record(ops, "captures", op([[1, 30000]]))
    record(ops, "captures", op([[1, 9800]], "PID_123", false))
    record(ops, "refunds", op([[1, 100]]))
    record(ops, "cancellations", op([[1, 500]]))
    expect(lineTotals([line(1, 39800)], ops)).toEqual([
      { line_id: 1, gross_amount: 39800, authorized: 39800, captured: 30000, refunded: 100, cancelled: 500 },
    ])
  })
})

describe("checkOperation", () => {
  it("accepts every request of the seed's reversal flow in order", () => {
    const ops = emptyOperations()
    const steps: [OperationKind, PaymentOperation][] = [
      ["authorizations", op([[1, 39800]])],
      ["captures", op([[1, 39800]])],
      ["authorizations", op([[2, -39800]])],
      ["captures", op([[2, -39800]])],
      ["authorizations", op([[3, 39800], [4, 1000]])],
      ["captures", op([[3, 39800], [4, 1000]])],
      ["refunds", op([[4, 1000]])],
      ["authorizations", op([[3, 1000]], "PID_321")],
    ]
    for (const [kind, o] of steps) {
      expect(checkOperation(kind, seedLines, ops, { items: o.items, success: true, payment_id: o.payment_details.payment_id })).toEqual([])
      record(ops, kind, o)
    }
    expect(lineTotals(seedLines, ops).map((t) => [t.line_id, t.authorized, t.captured, t.refunded])).toEqual([
      [1, 39800, 39800, 0],
      [2, -39800, -39800, 0],
      [3, 40800, 39800, 0],
      [4, 1000, 1000, 1000],
    ])
  })

  const check = (kind: OperationKind, ops: OrderOperations, items: [number, number][], payment_id = "PID_123", success = true) =>
    checkOperation(kind, seedLines, ops, { items: items.map(([line_id, amount]) => ({ line_id, amount })), success, payment_id })

  it("refuses unknown lines and amounts against the line's sign", () => {
    expect(check("authorizations", emptyOperations(), [[9, 100]])[0].message).toMatch(/line_id 9 does not exist/)
    expect(check("authorizations", emptyOperations(), [[2, 39800]])[0].message).toMatch(/sign of line_id 2/)
    expect(check("authorizations", emptyOperations(), [[1, -5]])[0].message).toMatch(/sign of line_id 1/)
  })

  it("limits one payment's authorizations on a line to the line's gross_amount, but lets payments stack", () => {
    const ops = record(emptyOperations(), "authorizations", op([[3, 39800]]))
    expect(check("authorizations", ops, [[3, 1]])[0].message).toMatch(/PID_123.*39801.*39800/)
    expect(check("authorizations", ops, [[3, 1000]], "PID_321")).toEqual([])
  })

  it("limits captures to authorized minus cancelled and to the gross_amount, in both directions", () => {
    const ops = emptyOperations()
    expect(check("captures", ops, [[1, 1]])[0].message).toMatch(/more than authorized \(0\)/)
    record(ops, "authorizations", op([[1, 20000]]))
    record(ops, "cancellations", op([[1, 5000]]))
    expect(check("captures", ops, [[1, 15000]])).toEqual([])
    expect(check("captures", ops, [[1, 15001]])[0].message).toMatch(/15001, more than authorized \(20000\) minus cancelled \(5000\)/)
    record(ops, "authorizations", op([[2, -39800]]))
    expect(check("captures", ops, [[2, -39800]])).toEqual([])
    expect(check("captures", ops, [[2, -39801]])).toHaveLength(1)
    // Stacked authorizations beyond the line value still cannot be captured beyond it.
    record(ops, "authorizations", op([[3, 39800]]))
    record(ops, "authorizations", op([[3, 1000]], "PID_321"))
    expect(check("captures", ops, [[3, 39800]])).toEqual([])
    expect(check("captures", ops, [[3, 40800]])[0].message).toMatch(/more than the line's gross_amount 39800/)
  })

  it("limits refunds to captured and cancellations to the uncaptured authorization", () => {
    const ops = record(record(emptyOperations(), "authorizations", op([[1, 39800]])), "captures", op([[1, 30000]]))
    expect(check("refunds", ops, [[1, 30000]])).toEqual([])
    expect(check("refunds", ops, [[1, 30001]])[0].message).toMatch(/refunds would total 30001, more than captured \(30000\)/)
    expect(check("cancellations", ops, [[1, 9800]])).toEqual([])
    expect(check("cancellations", ops, [[1, 9801]])).toHaveLength(1)
  })

  it("checks existence and sign but not amounts for failed operations", () => {
    expect(check("captures", emptyOperations(), [[1, 99999]], "PID_123", false)).toEqual([])
    expect(check("captures", emptyOperations(), [[7, 1]], "PID_123", false)).toHaveLength(1)
  })
})

describe("paymentStatus", () => {
  it("follows the seed flow: pending, paid, partially_paid after the reversal draft, paid, partially_refunded", () => {
    const ops = emptyOperations()
    const status = (lines: OrderItem[]) => paymentStatus(orderAmounts(lines).gross_amount, ops, lineTotals(lines, ops))
    const first = seedLines.slice(0, 1)
    expect(status(first)).toBe("pending")
    record(ops, "authorizations", op([[1, 39800]]))
    expect(status(first)).toBe("pending")
    record(ops, "captures", op([[1, 39800]]))
    expect(status(first)).toBe("paid")
    expect(status(seedLines)).toBe("partially_paid")
    record(ops, "captures", op([[2, -39800]]))
    record(ops, "captures", op([[3, 39800], [4, 1000]]))
    expect(status(seedLines)).toBe("paid")
    record(ops, "refunds", op([[4, 1000]]))
    expect(status(seedLines)).toBe("partially_refunded")
    record(ops, "refunds", op([[1, 39800], [3, 39800]]))
    expect(status(seedLines)).toBe("refunded")
  })
})

describe("amount helpers", () => {
  it("computes gross and net with reversal lines cancelling their originals", () => {
    expect(orderAmounts(seedLines)).toEqual({ gross_amount: 40800, net_amount: 40800 - 8160 })
    expect(orderAmounts([])).toEqual({ gross_amount: 0, net_amount: 0 })
  })

  it("reports uncaptured authorization and captured-not-refunded money", () => {
    const ops = record(record(emptyOperations(), "authorizations", op([[1, 39800]])), "captures", op([[1, 9800]]))
    const [t] = lineTotals(seedLines.slice(0, 1), ops)
    expect(remainingAuthorization(t)).toBe(30000)
    expect(capturedNotRefunded([t])).toBe(9800)
  })
})
