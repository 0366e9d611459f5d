import { DinteroError } from "../../../dintero"
import { nextAttemptDelayMs } from "../../../mapping/orders-mirror/backoff"
import {
  classifyError,
  classifyOutcome,
  describeError,
  HOLD_WATCH_MAX_DELAY_MS,
  HOLD_WATCH_STEADY_LOOKS,
  holdWatchDelayMs,
  isPermanentDinteroError,
} from "../classify-failure"
import { ordersRetryIntervalMs } from "../../../lib/scheduled-jobs"
import { OrdersMappingError } from "../../../mapping/orders"
import { behind, done, needsAction, retryLater, skipped, waitFor } from "../outcome"

const now = new Date("2026-01-01T00:00:00.000Z")
const ctx = { attempts: 1, maxAttempts: 8, now, random: () => 0.5 }

const http = (status: number) =>
  new DinteroError({ kind: "http", method: "POST", path: "/v1/orders/X/captures", status, retryable: false, dinteroMessage: "nope", code: "E1" })

describe("classifyOutcome", () => {
  it("done: finished, the note kept as last_error, the next operation may run", () => {
    expect(classifyOutcome(done("a note"), ctx)).toEqual({
      status: "done", last_error: "a note", next_attempt_at: null, completed_at: now, proceed: true, log: false,
    })
    expect(classifyOutcome(done(), ctx).last_error).toBeNull()
  })

  it("skipped: finished with the reason", () => {
    expect(classifyOutcome(skipped("not a Dintero payment"), ctx)).toEqual({
      status: "skipped", last_error: "not a Dintero payment", next_attempt_at: null, completed_at: now, proceed: true, log: false,
    })
  })

  it("needs_action: stops the queue, no next attempt, whatever the attempt count", () => {
    const r = classifyOutcome(needsAction("payment p has no Dintero transaction"), { ...ctx, attempts: 1 })
    expect(r).toEqual({ status: "needs_action", last_error: "payment p has no Dintero transaction", next_attempt_at: null, proceed: false, log: true })
    expect(r.completed_at).toBeUndefined()
  })

  it("retry: pending after the backoff delay, failed once the attempts are used up", () => {
    const r = classifyOutcome(retryLater("waiting"), ctx)
    expect(r.status).toBe("pending")
    expect(r.next_attempt_at).toEqual(new Date(now.getTime() + nextAttemptDelayMs(1, () => 0.5)))
    expect(r.next_attempt_at).toEqual(new Date(now.getTime() + 10_000))
    expect(classifyOutcome(retryLater("waiting"), { ...ctx, attempts: 8 })).toMatchObject({ status: "failed", next_attempt_at: null, proceed: false })
  })
})

describe("behind (an authorization behind an edit it enqueued)", () => {
  it("stays pending and due at once, never failed for its attempt count, and asks the pass to list the rows again", () => {
    for (const attempts of [1, 8, 500]) {
      expect(classifyOutcome(behind("the edit first"), { ...ctx, attempts })).toEqual({
        status: "pending", last_error: "the edit first", next_attempt_at: null, proceed: false, log: false, relist: true,
      })
    }
  })
})

describe("wait (a payment on hold)", () => {
  it("stays pending, looked at again each minute for its first looks, never failed for its attempt count", () => {
    for (const attempts of [1, 8, HOLD_WATCH_STEADY_LOOKS]) {
      expect(classifyOutcome(waitFor("on hold"), { ...ctx, attempts })).toEqual({
        status: "pending", last_error: "on hold", next_attempt_at: new Date(now.getTime() + 60_000), proceed: false, log: false,
      })
    }
    expect(classifyOutcome(waitFor("on hold"), { ...ctx, attempts: 500 })).toMatchObject({
      status: "pending", next_attempt_at: new Date(now.getTime() + HOLD_WATCH_MAX_DELAY_MS),
    })
  })

  it("a long hold is looked at less and less often: twice as long after each look past the first ones, at most 15 minutes", () => {
    const steady = HOLD_WATCH_STEADY_LOOKS
    expect([steady, steady + 1, steady + 2, steady + 3, steady + 4].map((n) => holdWatchDelayMs(n, 60_000))).toEqual([
      60_000, 120_000, 240_000, 480_000, 900_000,
    ])
    expect(holdWatchDelayMs(10_000, 60_000)).toBe(15 * 60_000)
    // A job interval above the cap is never shortened, and a short one (tests) spaces out the same way.
    expect(holdWatchDelayMs(steady + 5, 20 * 60_000)).toBe(20 * 60_000)
    expect(holdWatchDelayMs(steady + 3, 1000)).toBe(8000)
    // Looks over a day of hold at the defaults: the first ten minutes each minute, then at most four an hour.
    let t = 0
    let looks = 0
    while (t < 24 * 3600_000) t += holdWatchDelayMs(++looks, 60_000)
    expect(looks).toBeLessThan(110)
  })

  it("looks again at the job's next run when the job's interval is configured (DINTERO_ORDERS_RETRY_INTERVAL_MS)", () => {
    const saved = process.env.DINTERO_ORDERS_RETRY_INTERVAL_MS
    try {
      process.env.DINTERO_ORDERS_RETRY_INTERVAL_MS = "1500"
      expect(classifyOutcome(waitFor("on hold"), ctx).next_attempt_at).toEqual(new Date(now.getTime() + 1500))
      for (const bad of ["0", "-5", "soon", ""]) {
        process.env.DINTERO_ORDERS_RETRY_INTERVAL_MS = bad
        expect(ordersRetryIntervalMs()).toBe(60_000)
      }
    } finally {
      if (saved === undefined) delete process.env.DINTERO_ORDERS_RETRY_INTERVAL_MS
      else process.env.DINTERO_ORDERS_RETRY_INTERVAL_MS = saved
    }
  })
})

describe("classifyError", () => {
  it("a Dintero 4xx a resend cannot change is failed at once", () => {
    for (const status of [400, 403, 404, 422]) {
      expect(isPermanentDinteroError(http(status))).toBe(true)
      expect(classifyError(http(status), ctx)).toMatchObject({ status: "failed", next_attempt_at: null })
    }
  })

  it("401, 408, 409, 429, 5xx and network errors are retried with backoff", () => {
    for (const status of [401, 408, 409, 429, 500, 503]) expect(classifyError(http(status), ctx).status).toBe("pending")
    const network = new DinteroError({ kind: "network", method: "GET", path: "/v1/orders/X", retryable: true })
    expect(classifyError(network, ctx).status).toBe("pending")
    expect(classifyError(new Error("socket hang up"), ctx)).toMatchObject({ status: "pending", last_error: "socket hang up" })
  })

  it("data the mirror cannot place (OrdersMappingError) needs action at once: a retry would give the same answer", () => {
    const refused = new OrdersMappingError("the gift card takes off more than the lines can carry")
    expect(classifyError(refused, { ...ctx, attempts: 1 })).toEqual({
      status: "needs_action", last_error: "the gift card takes off more than the lines can carry", next_attempt_at: null, proceed: false, log: true,
    })
  })

  it("the last attempt turns a transient error into failed", () => {
    expect(classifyError(new Error("timeout"), { ...ctx, attempts: 7 }).status).toBe("pending")
    expect(classifyError(new Error("timeout"), { ...ctx, attempts: 8 }).status).toBe("failed")
  })

  it("the delay doubles per attempt from 10 s and is capped at one hour (±20 % jitter)", () => {
    const delay = (attempts: number, random: number) =>
      classifyError(new Error("x"), { ...ctx, attempts, maxAttempts: 100, random: () => random }).next_attempt_at!.getTime() - now.getTime()
    expect([1, 2, 3, 4].map((a) => delay(a, 0.5))).toEqual([10_000, 20_000, 40_000, 80_000])
    expect(delay(30, 0.5)).toBe(3_600_000)
    expect(delay(1, 0)).toBe(8_000)
    expect(delay(1, 1)).toBe(12_000)
  })
})

describe("describeError", () => {
  it("names Dintero's request, status, code and message", () => {
    expect(describeError(http(422))).toBe("Dintero POST /v1/orders/X/captures answered 422: [E1] nope")
  })

  it("is at most 2000 characters", () => {
    expect(describeError(new Error("x".repeat(5000)))).toHaveLength(2000)
  })
})
