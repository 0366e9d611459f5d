import { merchantReferenceKind } from "../../../mapping/merchant-reference"
import { missingIdentities, transactionActions, type SessionView } from "../plan"
import { cursorFrom, idFloor, reconcileDue, sessionLookbackMs, ulidTime, windowFor } from "../window"

describe("reconciliation window", () => {
  it("encodes time as the ULID prefix Medusa ids start with (sorts like time)", () => {
    // ULID spec example: 01ARYZ6S41 is 1469918176385 ms.
    expect(ulidTime(new Date(1469918176385))).toBe("01ARYZ6S41")
    const a = idFloor("order", new Date("2026-11-29T10:00:00.000Z"))
    const b = idFloor("order", new Date("2026-11-29T10:00:00.001Z"))
    expect(a < b).toBe(true)
    expect(`order_${ulidTime(new Date("2026-11-29T10:00:00.000Z"))}ZZZZZZZZZZZZZZZZ` >= a).toBe(true)
  })

  it("starts at the last run's end minus the overlap; the first run looks back", () => {
    const now = new Date("2026-11-29T10:00:00Z")
    const settings = { overlapMs: 60_000, firstRunLookbackMs: 3_600_000 }
    expect(windowFor(now, new Date("2026-11-29T09:55:00Z"), settings)).toEqual({ from: new Date("2026-11-29T09:54:00Z"), to: now })
    expect(windowFor(now, null, settings).from).toEqual(new Date("2026-11-29T09:00:00Z"))
  })
})

describe("reconciliation's session lookback: as long as the longest configured session lifetime, at least a day", () => {
  it("follows sessionLifetimeMinutes above a day and never goes below a day", () => {
    const day = 24 * 3_600_000
    expect(sessionLookbackMs([])).toBe(day)
    expect(sessionLookbackMs([{ sessionLifetimeMinutes: 240 }])).toBe(day)
    expect(sessionLookbackMs([{ sessionLifetimeMinutes: 240 }, { sessionLifetimeMinutes: 3 * 1440 }])).toBe(3 * day)
  })
})

describe("reconciliation cursor: a failed repair is tried again by the next runs, for a bounded time", () => {
  const at = (hhmm: string) => new Date(`2026-11-29T${hhmm}:00Z`)
  const day = 24 * 3_600_000

  it("starts from the last clean run, also when later runs ended incomplete", () => {
    expect(cursorFrom({ clean: at("09:50"), latest: at("09:55") }, day)).toEqual(at("09:50"))
    expect(cursorFrom({ clean: at("09:55"), latest: at("09:55") }, day)).toEqual(at("09:55"))
  })

  it("never more than the retry bound before the last finished run; none at all: the first run's lookback", () => {
    const hour = 3_600_000
    expect(cursorFrom({ clean: at("07:00"), latest: at("09:55") }, hour)).toEqual(at("08:55"))
    expect(cursorFrom({ clean: null, latest: at("09:55") }, hour)).toEqual(at("08:55"))
    expect(cursorFrom({ clean: null, latest: null }, hour)).toBeNull()
  })
})

describe("reconciliation schedule: the job ticks every minute, a run is due an interval after the last one started", () => {
  const at = (mmss: string) => new Date(`2026-11-29T10:${mmss}Z`)
  const interval = 5 * 60_000
  const tick = 60_000

  it("is due with no run recorded, and at the tick an interval after the last start, not a tick before", () => {
    expect(reconcileDue(null, at("00:00"), interval, tick)).toBe(true)
    expect(reconcileDue(at("00:00"), at("04:00"), interval, tick)).toBe(false)
    expect(reconcileDue(at("00:00"), at("05:00"), interval, tick)).toBe(true)
    // A tick that fires a little early is not put off by a whole tick.
    expect(reconcileDue(at("00:00"), at("04:45"), interval, tick)).toBe(true)
  })

  it("a process started 2 minutes after the last run runs at its first tick past the interval, not 5 minutes after its start", () => {
    const started = at("02:00")
    const ticks = [1, 2, 3, 4, 5].map((n) => new Date(started.getTime() + n * tick))
    expect(ticks.map((t) => reconcileDue(at("00:00"), t, interval, tick))).toEqual([false, false, true, true, true])
  })
})

describe("reconciliation plan", () => {
  it("keeps candidates whose identity is not in the outbox, each once", () => {
    const c = [{ identity: "capture:a" }, { identity: "capture:b" }, { identity: "capture:b" }, { identity: "order_placed:o" }]
    expect(missingIdentities(c, ["capture:a"]).map((x) => x.identity)).toEqual(["capture:b", "order_placed:o"])
  })

  const s = (id: string, status: string, dintero: string): SessionView => ({ id, status, dintero_session_id: dintero, amount: 100 })

  it("settles open sessions whose transaction holds money, on hold or ended; leaves settled ones alone", () => {
    const sessions = [s("payses_1", "pending", "T1"), s("payses_2", "authorized", "T2"), s("payses_3", "pending", "T3"), s("payses_4", "requires_more", "T4")]
    const actions = transactionActions(sessions, [
      { id: "tx1", session_id: "T1", status: "AUTHORIZED" },
      { id: "tx2", session_id: "T2", status: "AUTHORIZED" },
      { id: "tx3", session_id: "T3", status: "ON_HOLD" },
      { id: "tx4", session_id: "T4", status: "DECLINED" },
    ])
    expect(actions.map((a) => [a.kind, a.transaction.id])).toEqual([
      ["settle_authorized", "tx1"],
      ["settle_on_hold", "tx3"],
      ["settle_failed", "tx4"],
    ])
  })

  it("settles an order's held payment whose hold ended (authorized or failed), not one still on hold", () => {
    const held = (id: string) => ({ id, status: "pending_authorization", dintero_session_id: `T${id}`, amount: 100 })
    const actions = transactionActions([held("a"), held("b"), held("c")], [
      { id: "txa", session_id: "Ta", status: "AUTHORIZED" },
      { id: "txb", session_id: "Tb", status: "FAILED" },
      { id: "txc", session_id: "Tc", status: "ON_HOLD" },
    ])
    expect(actions.map((a) => [a.kind, a.transaction.id])).toEqual([
      ["settle_authorized", "txa"],
      ["settle_failed", "txb"],
    ])
  })

  it("settles a declined-then-paid session again but does not re-fail a session already in error", () => {
    const sessions = [s("payses_1", "error", "T1"), s("payses_2", "error", "T2")]
    const actions = transactionActions(sessions, [
      { id: "tx1", session_id: "T1", status: "CAPTURED" },
      { id: "tx2", session_id: "T2", status: "DECLINED" },
    ])
    expect(actions.map((a) => [a.kind, a.transaction.id])).toEqual([["settle_authorized", "tx1"]])
  })

  it("counts a partly refunded transaction as holding money: settled for an open session, an orphan for none", () => {
    const actions = transactionActions([s("payses_1", "pending", "T1"), s("payses_2", "pending", "T2")], [
      { id: "tx1", session_id: "T1", status: "PARTIALLY_REFUNDED" },
      { id: "tx2", session_id: "T2", status: "PARTIALLY_CAPTURED_REFUNDED" },
      { id: "tx3", session_id: "T9", status: "PARTIALLY_REFUNDED" },
      { id: "tx4", session_id: "T9", status: "REFUNDED" },
    ])
    expect(actions.map((a) => [a.kind, a.transaction.id])).toEqual([
      ["settle_authorized", "tx1"],
      ["settle_authorized", "tx2"],
      ["orphan", "tx3"],
    ])
  })

  it("leaves a decline it already recorded alone (the session stays pending so the shopper can pay again)", () => {
    const recorded = { ...s("payses_1", "pending", "T1"), declined_transaction_id: "tx1" }
    const tx = { id: "tx1", session_id: "T1", status: "DECLINED" }
    expect(transactionActions([recorded], [tx], { has_order: false })).toEqual([])
    // Another declined attempt on the same page adds nothing the session does not say already.
    expect(transactionActions([recorded], [tx, { id: "tx2", session_id: "T1", status: "FAILED" }], { has_order: false })).toEqual([])
    // Positive control: the same decline not yet recorded is settled.
    expect(transactionActions([s("payses_1", "pending", "T1")], [tx], { has_order: false }).map((a) => a.kind)).toEqual(["settle_failed"])
    // Money after a recorded decline (paid on the second try) is still settled.
    expect(transactionActions([recorded], [tx, { id: "tx3", session_id: "T1", status: "AUTHORIZED" }], { has_order: false }).map((a) => a.kind)).toEqual(["settle_authorized"])
  })

  it("reports money held by a Dintero session no Medusa session owns, not ended ones", () => {
    const actions = transactionActions([s("payses_1", "authorized", "T1")], [
      { id: "tx1", session_id: "T1", status: "AUTHORIZED" },
      { id: "tx9", session_id: "T9", status: "AUTHORIZED" },
      { id: "tx8", session_id: "T8", status: "DECLINED" },
    ])
    expect(actions).toEqual([{ kind: "orphan", transaction: { id: "tx9", session_id: "T9", status: "AUTHORIZED" } }])
  })
  it("settles an authorized session again when its cart never became an order (completion cut off)", () => {
    const sessions = [s("payses_1", "authorized", "T1")]
    const txs = [{ id: "tx1", session_id: "T1", status: "AUTHORIZED" }]
    expect(transactionActions(sessions, txs, { has_order: false }).map((a) => a.kind)).toEqual(["settle_authorized"])
    expect(transactionActions(sessions, txs, { has_order: true })).toEqual([])
  })
})

describe("merchantReferenceKind", () => {
  it("tells the cart of a checkout from the order or payment collection of a payment without a cart", () => {
    expect(merchantReferenceKind("cart_01JABC")).toBe("cart")
    expect(merchantReferenceKind("order_01JABC")).toBe("order")
    expect(merchantReferenceKind("pay_col_01JABC")).toBe("payment_collection")
    expect(merchantReferenceKind("payses_01JABC")).toBe("other")
  })
})
