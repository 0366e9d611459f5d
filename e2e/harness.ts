// A minimal, serial test harness for the real-browser tests (jest's module sandbox broke playwright's clicks into
// iframes here, and these tests share one dev store anyway). `expect` is jest's own matcher library.
export { expect } from "expect"

type Fn = () => Promise<void> | void
interface Test {
  name: string
  fn: Fn
  timeoutMs: number
}

const tests: Test[] = []
const before: Fn[] = []
const after: Fn[] = []
const prefix: string[] = []

export function describe(name: string, body: () => void) {
  prefix.push(name)
  try {
    body()
  } finally {
    prefix.pop()
  }
}

export function it(name: string, fn: Fn, timeoutMs = 240_000) {
  tests.push({ name: [...prefix, name].join(" › "), fn, timeoutMs })
}

export const beforeAll = (fn: Fn) => before.push(fn)
export const afterAll = (fn: Fn) => after.push(fn)

function withTimeout(fn: Fn, ms: number, what: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  return Promise.race([
    Promise.resolve().then(fn),
    new Promise<void>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)
    }),
  ]).finally(() => clearTimeout(timer))
}

export interface Results {
  passed: number
  failed: number
  tests: { name: string; ok: boolean; ms: number; error?: string }[]
}

/** Runs every registered test in order (or those whose name contains `filter`); never throws. */
export async function run(filter?: string): Promise<Results> {
  const results: Results = { passed: 0, failed: 0, tests: [] }
  const selected = tests.filter((t) => !filter || t.name.includes(filter))
  let setupError: unknown
  for (const fn of before) {
    try {
      await withTimeout(fn, 360_000, "setup")
    } catch (e) {
      setupError = e
      break
    }
  }
  for (const t of selected) {
    const started = Date.now()
    try {
      if (setupError) throw setupError
      await withTimeout(t.fn, t.timeoutMs, t.name)
      results.passed++
      results.tests.push({ name: t.name, ok: true, ms: Date.now() - started })
      console.log(`  ✓ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`)
    } catch (e) {
      results.failed++
      const error = (e as Error)?.stack ?? String(e)
      results.tests.push({ name: t.name, ok: false, ms: Date.now() - started, error })
      console.log(`  ✕ ${t.name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n${error.replace(/^/gm, "      ")}`)
    }
  }
  for (const fn of after.reverse()) {
    try {
      await withTimeout(fn, 60_000, "teardown")
    } catch (e) {
      console.log(`teardown failed: ${(e as Error).message}`)
    }
  }
  return results
}
