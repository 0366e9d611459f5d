import {
  nextCompletionFailure,
  readCompletionFailure,
  releaseDue,
  storableError,
  uncompletableReason,
} from "../completion-failure"

const t0 = new Date("2026-11-29T20:00:00.000Z")
const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)

describe("nextCompletionFailure", () => {
  it("records the first failure's time and keeps it over later failures of the same transaction", () => {
    const first = nextCompletionFailure(undefined, "T1.a", new Error("out of stock").message, t0)
    expect(first).toEqual({ transaction_id: "T1.a", first_failed_at: t0.toISOString(), last_error: "out of stock", attempts: 1 })
    const second = nextCompletionFailure(first, "T1.a", "variant gone", at(12))
    expect(second).toEqual({ transaction_id: "T1.a", first_failed_at: t0.toISOString(), last_error: "variant gone", attempts: 2 })
  })

  it("starts over for another transaction on the same session", () => {
    const first = nextCompletionFailure(undefined, "T1.a", "x", t0)
    expect(nextCompletionFailure(first, "T1.b", "y", at(40))).toEqual({
      transaction_id: "T1.b",
      first_failed_at: at(40).toISOString(),
      last_error: "y",
      attempts: 1,
    })
  })
})

describe("releaseDue", () => {
  const failure = nextCompletionFailure(undefined, "T1.a", "x", t0)

  it.each([
    [0, false],
    [29, false],
    [30, false],
    [30.001, true],
    [31, true],
  ])("%d minutes after the first failure (bound 30): %p", (minutes, due) => {
    expect(releaseDue(failure, at(minutes), 30)).toBe(due)
  })

  it("a first failure recorded in the future (another process's clock ahead) is not due", () => {
    expect(releaseDue(nextCompletionFailure(undefined, "T1.a", "x", at(10)), t0, 5)).toBe(false)
  })
})

describe("readCompletionFailure", () => {
  it("reads back what nextCompletionFailure wrote", () => {
    const written = nextCompletionFailure(undefined, "T1.a", "x", t0)
    expect(readCompletionFailure(JSON.parse(JSON.stringify(written)))).toEqual(written)
  })

  it.each([undefined, null, "2026-11-29", {}, { transaction_id: "T1.a" }, { transaction_id: "T1.a", first_failed_at: "not a date" }])(
    "ignores %p",
    (value) => {
      expect(readCompletionFailure(value)).toBeUndefined()
    }
  )
})

describe("storableError and the reason", () => {
  it("keeps one bounded line", () => {
    expect(storableError("a\nb\u0000c")).toBe("a b c")
    expect(storableError("")).toBe("unknown error")
    expect(storableError("x".repeat(400))).toHaveLength(303)
  })

  it("names the bound, the attempts, the amount in minor units, the transaction and the last error", () => {
    const failure = nextCompletionFailure(nextCompletionFailure(undefined, "T1.a", "x", t0), "T1.a", "Variant v does not have any inventory items", at(31))
    const reason = uncompletableReason(failure, 24800, "NOK", 30)
    expect(reason).toContain("more than 30 minutes")
    expect(reason).toContain("2 attempts since 2026-11-29T20:00:00.000Z")
    expect(reason).toContain("24800 NOK minor units")
    expect(reason).toContain("transaction T1.a")
    expect(reason).toContain("last error: Variant v does not have any inventory items")
  })
})
