/** Small statistics and load helpers for the benchmark (scripts/bench.ts). */

export interface LatencySummary {
  count: number
  mean_ms: number
  p50_ms: number
  p95_ms: number
  min_ms: number
  max_ms: number
}

/** Nearest-rank percentile (p in 0..100) of an unsorted sample. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]
}

export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value
  const f = 10 ** digits
  return Math.round(value * f) / f
}

export function summarize(values: number[]): LatencySummary {
  const mean = values.reduce((s, v) => s + v, 0) / (values.length || 1)
  return {
    count: values.length,
    mean_ms: round(mean),
    p50_ms: round(percentile(values, 50)),
    p95_ms: round(percentile(values, 95)),
    min_ms: round(values.length ? Math.min(...values) : NaN),
    max_ms: round(values.length ? Math.max(...values) : NaN),
  }
}

/**
 * Runs `count` tasks with at most `concurrency` in flight (a fixed-size worker pool, like N storefront users
 * checking out back to back). Rejects with the first failure after the pool drains.
 */
export async function runPool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count)
  let next = 0
  let failure: unknown
  const worker = async () => {
    while (next < count && failure === undefined) {
      const i = next++
      try {
        results[i] = await task(i)
      } catch (e) {
        failure ??= e
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker))
  if (failure !== undefined) throw failure
  return results
}

export function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

export function envInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name]
  if (raw === undefined || raw === "") return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got ${JSON.stringify(raw)}`)
  return n
}
