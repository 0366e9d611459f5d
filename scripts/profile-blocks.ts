/**
 * Where a checkout's CPU goes, per provider: reads the V8 CPU profile(s) `npm run bench` wrote with
 * BENCH_CPU_PROF_DIR=<dir> and the block windows it logged there (blocks.jsonl), splits the samples by the block
 * they fall in (Dintero blocks, system blocks) and prints milliseconds per checkout for each provider and their
 * difference: in all, by package/source file, and by function (self time, and inclusive time for the plugin's own
 * frames). Samples outside every block (boot, warm-up) are left out.
 *
 *   npx ts-node --transpile-only scripts/profile-blocks.ts <dir> [profile-file] [top=40]
 *
 * Inclusive times follow V8's synchronous stacks only: work an `await` resumed is charged to the frames that resumed
 * it, not to its caller. Compare the same figure between the providers, not across figures.
 */
import { readdirSync, readFileSync } from "node:fs"
import path from "node:path"

interface Node {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: Node[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}
interface Window {
  provider: string
  checkouts: number
  start_us: number
  end_us: number
}

const [dir, fileArg, topArg] = process.argv.slice(2)
if (!dir) throw new Error("usage: profile-blocks.ts <dir> [profile-file] [top]")
const top = Number(topArg ?? 40)
const windows: Window[] = readFileSync(path.join(dir, "blocks.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l))
const files = fileArg ? [fileArg] : readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(dir, f))
const root = path.resolve(__dirname, "..")

/** Where a frame comes from: the plugin's source file, a package, node's internals or V8. */
function placeOf(url: string): string {
  if (!url) return "(v8)"
  const u = url.replace(/^file:\/\//, "")
  const nm = u.lastIndexOf("node_modules/")
  if (nm >= 0) {
    const parts = u.slice(nm + 13).split("/")
    return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0]
  }
  if (u.startsWith("node:")) return "node:"
  const srcAt = u.indexOf("/src/")
  if (srcAt >= 0) return u.slice(srcAt + 1)
  return path.relative(root, u) || u
}
const isPlugin = (url: string) => /\/src\//.test(url) && !url.includes("node_modules")

for (const file of files) {
  const prof: Profile = JSON.parse(readFileSync(file, "utf8"))
  const byId = new Map(prof.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id)

  const checkouts: Record<string, number> = {}
  for (const w of windows) checkouts[w.provider] = (checkouts[w.provider] ?? 0) + w.checkouts
  const providers = Object.keys(checkouts)

  type Tally = Map<string, number>
  const add = (t: Tally, k: string, v: number) => t.set(k, (t.get(k) ?? 0) + v)
  const total: Record<string, number> = {}
  const byPlace: Record<string, Tally> = {}
  const bySelf: Record<string, Tally> = {}
  const byPluginInclusive: Record<string, Tally> = {}
  const byPluginOuter: Record<string, Tally> = {}
  for (const p of providers) {
    total[p] = 0
    byPlace[p] = new Map()
    bySelf[p] = new Map()
    byPluginInclusive[p] = new Map()
    byPluginOuter[p] = new Map()
  }

  let t = prof.startTime
  for (let i = 0; i < prof.samples.length; i++) {
    t += prof.timeDeltas[i]
    const w = windows.find((x) => t >= x.start_us && t < x.end_us)
    if (!w) continue
    const weight = (prof.timeDeltas[i + 1] ?? prof.timeDeltas[i]) / 1000
    const leaf = byId.get(prof.samples[i])!
    const fn = leaf.callFrame.functionName
    if (fn === "(idle)" || fn === "(program)") continue
    const p = w.provider
    total[p] += weight
    add(byPlace[p], placeOf(leaf.callFrame.url), weight)
    add(bySelf[p], `${fn || "(anonymous)"} ${placeOf(leaf.callFrame.url)}:${leaf.callFrame.lineNumber + 1}`, weight)
    const seen = new Set<string>()
    let outer: string | undefined
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id)!.callFrame
      if (!isPlugin(f.url)) continue
      const key = `${f.functionName || "(anonymous)"} ${placeOf(f.url)}:${f.lineNumber + 1}`
      if (!seen.has(key)) add(byPluginInclusive[p], key, weight)
      seen.add(key)
      outer = key
    }
    add(byPluginOuter[p], outer ?? "(no plugin frame on the stack)", weight)
  }

  const [d, s] = [providers.find((p) => p.includes("dintero"))!, providers.find((p) => p.includes("system"))!]
  const per = (tally: Record<string, Tally>, p: string, k: string) => (tally[p].get(k) ?? 0) / checkouts[p]
  const fmt = (x: number) => x.toFixed(1).padStart(8)
  const table = (title: string, tally: Record<string, Tally>, n: number, sortBy: "diff" | "dintero" = "diff") => {
    const keys = new Set([...tally[d].keys(), ...(s ? tally[s].keys() : [])])
    const rows = [...keys].map((k) => ({ k, dv: per(tally, d, k), sv: s ? per(tally, s, k) : 0 }))
    rows.sort((a, b) => (sortBy === "diff" ? Math.abs(b.dv - b.sv) - Math.abs(a.dv - a.sv) : b.dv - a.dv))
    console.log(`\n${title} (ms per checkout: dintero, system, difference)`)
    for (const r of rows.slice(0, n)) console.log(`${fmt(r.dv)}${fmt(r.sv)}${fmt(r.dv - r.sv)}  ${r.k}`)
  }
  console.log(`${path.basename(file)}: ${windows.length} blocks; checkouts ${JSON.stringify(checkouts)}`)
  console.log(`sampled CPU per checkout: ${d} ${(total[d] / checkouts[d]).toFixed(1)} ms, ${s} ${s ? (total[s] / checkouts[s]).toFixed(1) : "-"} ms`)
  table("by place (self time)", byPlace, top)
  table("by function (self time)", bySelf, top)
  table("plugin frames, outermost on the stack (inclusive)", byPluginOuter, top, "dintero")
  table("plugin frames (inclusive)", byPluginInclusive, top, "dintero")
}
