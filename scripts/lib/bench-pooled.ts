/**
 * Runs of the same plugin code, pooled. On this shared machine one run's throughput ratio lands anywhere within about
 * ±0.1 of the code's (docs/benchmark.md), so each run's paired-window figures are kept in .tmp/bench-runs.jsonl under
 * the plugin code they measured (git's tree id of src/, plus a digest of uncommitted changes to it) and how they were
 * measured (the bench's settings), and the report gives the mean over every kept run of that code, measured the same
 * way, beside the run's own figure. Reported, not judged.
 */
import { createHash } from "node:crypto"
import { execFileSync } from "node:child_process"
import { appendFileSync, mkdirSync, readFileSync } from "node:fs"
import path from "node:path"

export interface PooledRun {
  at: string
  code: string
  topology: string
  /** How the run was measured (warm-up, blocks, concurrency...): runs measured differently are not pooled. */
  method?: string
  /** Dintero minus system, server CPU ms per checkout: the mean of the run's paired windows. */
  difference_ms: number
  system_ms_per_checkout: number
}

/** The plugin code under measurement: src/'s tree at HEAD, and what is changed in it but not committed. */
export function pluginCodeId(root: string): string {
  try {
    const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" })
    const tree = git("rev-parse", "HEAD:src").trim()
    const changed = git("diff", "HEAD", "--", "src") + git("ls-files", "--others", "--exclude-standard", "--", "src")
    return changed ? `${tree}+${createHash("sha256").update(changed).digest("hex").slice(0, 12)}` : tree
  } catch {
    return "unknown (not a git checkout)"
  }
}

/** Keeps `run` and answers the pooled figures over every kept run of the same code and topology. */
export function keepAndPool(file: string, run: PooledRun) {
  mkdirSync(path.dirname(file), { recursive: true })
  appendFileSync(file, JSON.stringify(run) + "\n")
  const runs = readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as PooledRun)
    .filter((r) => r.code === run.code && r.topology === run.topology && r.method === run.method && Number.isFinite(r.difference_ms))
  const n = runs.length
  const mean = runs.reduce((s, r) => s + r.difference_ms, 0) / n
  const system = runs.reduce((s, r) => s + r.system_ms_per_checkout, 0) / n
  const sd = n > 1 ? Math.sqrt(runs.reduce((s, r) => s + (r.difference_ms - mean) ** 2, 0) / (n - 1)) : null
  const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d
  return {
    description: `every run of this plugin code (${run.code}) on this topology, measured the same way, kept in ${path.basename(file)}: the mean difference over the runs, its standard error, and the ratio it gives at the runs' mean system CPU per checkout; not judged`,
    runs: n,
    mean_difference_ms_per_checkout: round(mean),
    standard_error: sd === null ? null : round(sd / Math.sqrt(n)),
    ratio_estimate: round(system / (system + mean), 3),
  }
}

export const pooledRunsFile = (root: string) => path.join(root, ".tmp", "bench-runs.jsonl")
