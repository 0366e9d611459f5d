import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"

/**
 * CPU time of other processes, read from /proc (Linux). The plugin runs inside the medusa child process, so its cost
 * can only be seen from outside as that process's user+system CPU time; the kernel counts it in clock ticks
 * (usually 10 ms), which is why the benchmark measures blocks of operations and divides.
 */

let ticksPerSecond: number | undefined

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

interface ProcStat {
  pid: number
  ppid: number
  /** utime + stime of the process itself. */
  cpuMs: number
  /** cutime + cstime: its children that have exited and been waited for (e.g. finished PostgreSQL backends). */
  reapedChildrenCpuMs: number
}

function readStat(pid: number, file = `/proc/${pid}/stat`): ProcStat | undefined {
  try {
    const raw = readFileSync(file, "utf8")
    // The command name is in parentheses and may contain spaces: the fixed fields start after the last ")".
    const fields = raw.slice(raw.lastIndexOf(")") + 2).split(" ")
    const utime = Number(fields[11])
    const stime = Number(fields[12])
    const cutime = Number(fields[13])
    const cstime = Number(fields[14])
    const tick = 1000 / clockTicks()
    return { pid, ppid: Number(fields[1]), cpuMs: (utime + stime) * tick, reapedChildrenCpuMs: (cutime + cstime) * tick }
  } catch {
    return undefined
  }
}

function readCmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim()
  } catch {
    return ""
  }
}

export function procAvailable(): boolean {
  return readStat(process.pid) !== undefined
}

function allStats(): ProcStat[] {
  const stats: ProcStat[] = []
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue
    const s = readStat(Number(name))
    if (s) stats.push(s)
  }
  return stats
}

function subtree(root: number, stats: ProcStat[]): ProcStat[] {
  const children = new Map<number, ProcStat[]>()
  for (const s of stats) children.set(s.ppid, [...(children.get(s.ppid) ?? []), s])
  const out: ProcStat[] = []
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      out.push(child)
      walk(child.pid)
    }
  }
  walk(root)
  return out
}

/** All live descendants of `root`, with their command lines. */
export function descendants(root = process.pid): { pid: number; cmdline: string }[] {
  return subtree(root, allStats()).map((s) => ({ pid: s.pid, cmdline: readCmdline(s.pid) }))
}

/**
 * The CPU time of process trees: every live process under the roots counts its own time plus that of its children
 * that already exited (so short-lived PostgreSQL backends are not lost).
 */
export class CpuMeter {
  constructor(readonly label: string, readonly pids: number[]) {}

  /** Total user+system CPU milliseconds of the trees so far. */
  read(): number {
    const stats = allStats()
    let sum = 0
    for (const root of this.pids) {
      const self = stats.find((s) => s.pid === root)
      if (!self) continue
      for (const s of [self, ...subtree(root, stats)]) sum += s.cpuMs + s.reapedChildrenCpuMs
    }
    return sum
  }
}

/**
 * The CPU time of one process's main thread only (on Linux its thread id is the process id): the thread that runs
 * Node's event loop, so all JavaScript, while V8's garbage-collection helpers and libuv's pool run on threads of
 * their own. Reported beside the process's figure to tell a difference in JavaScript work from helper-thread bursts
 * (on this machine the main thread was 90-97 % of the process's CPU in every window, for both providers).
 */
export class MainThreadMeter extends CpuMeter {
  override read(): number {
    return this.pids.reduce((sum, pid) => sum + (readStat(pid, `/proc/${pid}/task/${pid}/stat`)?.cpuMs ?? 0), 0)
  }
}

/**
 * The medusa server process(es) and the database process(es) among this script's descendants. `medusaPid`, when the
 * dev store exposes it, is used as the root of the medusa group (with its own children, e.g. a worker).
 */
export function findStoreProcesses(medusaPid?: number): { medusa: CpuMeter; database: CpuMeter; described: string[] } {
  const all = descendants()
  const isDb = (c: string) => /postgres/i.test(c)
  const dbPids = new Set(all.filter((p) => isDb(p.cmdline)).map((p) => p.pid))
  const stats = allStats()
  const parentOf = (pid: number) => stats.find((s) => s.pid === pid)?.ppid
  // Roots only (the postmaster, the medusa CLI process): their trees are walked at every reading.
  const database = [...dbPids].filter((pid) => !dbPids.has(parentOf(pid) ?? -1))
  const medusaAll = new Set(all.filter((p) => !isDb(p.cmdline) && /medusa/i.test(p.cmdline)).map((p) => p.pid))
  const medusa = medusaPid ? [medusaPid] : [...medusaAll].filter((pid) => !medusaAll.has(parentOf(pid) ?? -1))
  const described = all
    .filter((p) => medusa.includes(p.pid) || database.includes(p.pid))
    .map((p) => `${p.pid} ${medusa.includes(p.pid) ? "medusa" : "database"} (with its children): ${p.cmdline.slice(0, 120)}`)
  return { medusa: new CpuMeter("medusa", medusa), database: new CpuMeter("database", database), described }
}

/** This process's own CPU time (load generator + in-process emulator), in ms. */
export function selfCpuMs(): number {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
