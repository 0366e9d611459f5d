import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { keepAndPool, type PooledRun } from "../bench-pooled"

describe("keepAndPool (the bench's pooling of runs of the same code)", () => {
  let dir: string
  let file: string
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "bench-pooled-"))
    file = path.join(dir, "nested", "bench-runs.jsonl")
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  const run = (over: Partial<PooledRun>): PooledRun => ({
    at: "2026-11-30T19:00:00.000Z",
    code: "tree-a",
    topology: "dev",
    method: "m1",
    difference_ms: 40,
    system_ms_per_checkout: 700,
    ...over,
  })

  it("keeps every run in the file (creating its folder) and pools one run alone without a standard error", () => {
    const pooled = keepAndPool(file, run({}))
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(1)
    expect(pooled).toMatchObject({ runs: 1, mean_difference_ms_per_checkout: 40, standard_error: null, ratio_estimate: 0.946 })
  })

  it("pools only runs of the same code, topology and method", () => {
    keepAndPool(file, run({ difference_ms: 20 }))
    keepAndPool(file, run({ code: "tree-b", difference_ms: 1000 }))
    keepAndPool(file, run({ topology: "split", difference_ms: 1000 }))
    // A run measured another way (here: the Orders mirror switched off) is kept but not pooled with the others.
    keepAndPool(file, run({ method: "m1-no-mirror", difference_ms: -1000 }))
    const pooled = keepAndPool(file, run({ difference_ms: 60, system_ms_per_checkout: 900 }))
    // Mean of 20 and 60; standard deviation 28.28 over two runs, so the standard error is 20.
    expect(pooled).toMatchObject({ runs: 2, mean_difference_ms_per_checkout: 40, standard_error: 20 })
    // The ratio at the runs' mean system CPU: 800 / (800 + 40).
    expect(pooled.ratio_estimate).toBe(0.952)
    expect(readFileSync(file, "utf8").trim().split("\n")).toHaveLength(5)
  })

  it("leaves out a kept run whose difference is not a number", () => {
    keepAndPool(file, run({ difference_ms: Number.NaN }))
    expect(keepAndPool(file, run({ difference_ms: 10 }))).toMatchObject({ runs: 1, mean_difference_ms_per_checkout: 10 })
  })
})
