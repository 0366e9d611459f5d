import fc from "fast-check"
import { AttemptLedger } from "../attempt-ledger"
import { emptyTotals, heldBy, perLine, recordsOfTotals, totalsOf, withRecord, type OrdersRecordLike, type OrdersRecords, type RecordKind } from "../ledger"

const KINDS: RecordKind[] = ["authorizations", "captures", "refunds", "cancellations"]
const none = (): OrdersRecords => ({ authorizations: [], captures: [], refunds: [], cancellations: [] })
const rec = (payment: string, items: [number, number][], success = true): OrdersRecordLike => ({
  success,
  payment_details: { payment_id: payment },
  items: items.map(([line_id, amount]) => ({ line_id, amount })),
})

/** Whether two record sets read the same through every sum a plan uses. */
function sameSums(a: OrdersRecords, b: OrdersRecords) {
  for (const kind of KINDS) {
    for (const payment of [undefined, "T1", "T2"]) expect(Object.fromEntries(perLine(a, kind, payment))).toEqual(Object.fromEntries(perLine(b, kind, payment)))
  }
  for (const payment of ["T1", "T2"]) expect(heldBy(a, payment)).toBe(heldBy(b, payment))
}

describe("the recorded ledger's sums", () => {
  it("read exactly like Dintero's records; a failed record adds nothing; the input is not changed", () => {
    const read: OrdersRecords = {
      ...none(),
      authorizations: [rec("T1", [[1, 1000], [2, 500]])],
      captures: [rec("T1", [[1, 300]]), rec("T1", [[2, 500]], false)],
      cancellations: [rec("T2", [[2, 100]])],
    }
    const totals = totalsOf(read)
    expect(totals.captures).toEqual({ T1: { 1: 300 } })
    const sent = rec("T1", [[1, 200], [2, 50]])
    const after = withRecord(withRecord(totals, "captures", sent), "captures", { ...sent, success: false })
    sameSums(recordsOfTotals(after), { ...read, captures: [...read.captures, sent] })
    expect(totals.captures).toEqual({ T1: { 1: 300 } })
    expect(recordsOfTotals(emptyTotals())).toEqual(none())
  })

  it("property: records added one by one give the sums of reading them all back", () => {
    const record = fc.record({
      kind: fc.constantFrom(...KINDS),
      payment: fc.constantFrom("T1", "T2"),
      items: fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: -50_000, max: 50_000 })), { maxLength: 4 }),
      success: fc.boolean(),
    })
    fc.assert(
      fc.property(fc.array(record, { maxLength: 30 }), fc.nat(30), (list, split) => {
        const all = none()
        const cut = Math.min(split, list.length)
        // Read back after `cut` records, then the rest added as sent.
        let totals = emptyTotals()
        list.forEach((r, i) => {
          const body = rec(r.payment, r.items, r.success)
          all[r.kind].push(body)
          if (i === cut - 1) totals = totalsOf(all)
          if (i >= cut) totals = withRecord(totals, r.kind, body)
        })
        if (cut === 0) totals = list.reduce((t, r) => withRecord(t, r.kind, rec(r.payment, r.items, r.success)), emptyTotals())
        sameSums(recordsOfTotals(totals), all)
      })
    )
  })
})

describe("AttemptLedger: what an attempt may leave behind", () => {
  const taken = totalsOf({ ...none(), authorizations: [rec("T1", [[1, 1000]])] })
  const capture = rec("T1", [[1, 400]])

  it("a clean attempt on the taken ledger plans from it and leaves it with its own record added", () => {
    const l = new AttemptLedger(taken, false)
    expect(l.plannable()).not.toBeNull()
    expect(l.from).toBe("ledger")
    l.created("captures", capture)
    expect(l.after()).toEqual(withRecord(taken, "captures", capture))
  })

  it("no taken ledger: nothing to plan from and nothing to leave, until Dintero's records are read", () => {
    const l = new AttemptLedger(null, false)
    expect(l.plannable()).toBeNull()
    l.created("captures", capture)
    expect(l.after()).toBeNull()
    const read = { ...none(), authorizations: [rec("T1", [[1, 1000]])], captures: [capture] }
    l.read(read)
    // Read from Dintero: leaves it, but is not "plannable" (that is the ledger taken at the start only).
    expect(l.plannable()).toBeNull()
    const refund = rec("T1", [[1, 100]])
    l.created("refunds", refund)
    expect(l.after()).toEqual(withRecord(totalsOf(read), "refunds", refund))
  })

  it("a taken ledger is not trusted when an earlier attempt of the operation already sent something", () => {
    const l = new AttemptLedger(taken, true)
    expect(l.plannable()).toBeNull()
    expect(l.after()).toBeNull()
  })

  it("a step sent by an earlier attempt keeps the ledger only when Dintero was read in this attempt", () => {
    const onLedger = new AttemptLedger(taken, false)
    onLedger.sentEarlier()
    expect(onLedger.after()).toBeNull()
    expect(onLedger.plannable()).toBeNull()
    const onRead = new AttemptLedger(null, true)
    onRead.read({ ...none(), captures: [capture] })
    onRead.sentEarlier()
    expect(onRead.after()).toEqual(totalsOf({ ...none(), captures: [capture] }))
  })

  it("doubt (a send without an answer, a record found by its marker) leaves no ledger, whatever comes after", () => {
    for (const base of ["ledger", "dintero", "new_order"] as const) {
      const l = new AttemptLedger(base === "ledger" ? taken : null, false)
      if (base === "dintero") l.read(none())
      if (base === "new_order") l.newOrder()
      expect(l.after()).not.toBeNull()
      l.distrust()
      l.read(none())
      l.created("captures", capture)
      expect(l.after()).toBeNull()
      expect(l.plannable()).toBeNull()
    }
  })

  it("a Dintero order this attempt created starts from no records", () => {
    const l = new AttemptLedger(null, false)
    l.newOrder()
    const auth = rec("T1", [[1, 1000], [2, 500]])
    l.created("authorizations", auth)
    expect(l.after()).toEqual(totalsOf({ ...none(), authorizations: [auth] }))
  })
})
