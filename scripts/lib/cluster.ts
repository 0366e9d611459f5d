// The production topology as real processes: one PostgreSQL, one Redis, the Dintero emulator (in this process) and
// several `medusa start` processes of this repository, each with MEDUSA_WORKER_MODE=server or =worker, configured by
// medusa-config.cluster.ts (Redis event bus, workflow engine, locking and caching). Used by the cluster test tier
// (integration-tests/cluster) and by the split-topology part of `npm run bench`.
//
// The store boots from source, like the dev store, but from its own folder (.tmp/cluster-store-<pid>): Medusa reads
// `<folder>/medusa-config.ts` (a copy of medusa-config.cluster.ts) and `<folder>/src` (a symlink to this repository's
// src), so the plugin's routes, subscribers, jobs, workflows, links and modules load exactly as in the dev store,
// and nothing is built: no `medusa build` (which would clobber `.medusa/server`, the package tier's plugin build).
import { spawn, type ChildProcess } from "node:child_process"
import { copyFileSync, createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, type WriteStream } from "node:fs"
import http from "node:http"
import path from "node:path"
import { startEmulator, type Emulator, type EmulatorOptions } from "../../emulator"
import { withPg } from "./dev-store"
import type { SeededStore } from "./seed-store"
import { freePort, startRedis } from "./redis"
import { AdminApi, StoreApi } from "./store-api"

export const ROOT = path.resolve(__dirname, "..", "..")
const MEDUSA_BIN = path.join(ROOT, "node_modules", ".bin", "medusa")
const CLUSTER_CONFIG = path.join(ROOT, "medusa-config.cluster.ts")
const SEED_SCRIPT = path.join(ROOT, "scripts", "seed-dev-store.ts")

export type WorkerMode = "server" | "worker"

export interface MedusaInstance {
  name: string
  mode: WorkerMode
  port: number
  url: string
  pid: number
  /** Resolves when the process has exited (and its output is read). */
  exited: Promise<void>
  alive(): boolean
  /** The last lines it wrote (its full log is in `logFile`). */
  logTail(lines?: number): string[]
  logFile: string
}

export interface ServerClients {
  instance: MedusaInstance
  store: StoreApi
  admin: AdminApi
}

export interface Cluster {
  emulator: Emulator
  seeded: SeededStore
  databaseUrl: string
  redis: { url: string; port: number; restart(): Promise<void> }
  /** The servers, in start order (A, B, ...), each with a storefront and a logged-in admin client. */
  servers: ServerClients[]
  /** Live and dead worker processes, in start order. */
  workers: MedusaInstance[]
  /** Where Dintero's callbacks go (one of the servers; the load balancer's address in production). */
  callbackServer: MedusaInstance
  startWorker(name?: string): Promise<MedusaInstance>
  /** Signals an instance's process group and waits (bounded) for it to exit. */
  kill(instance: MedusaInstance, signal?: NodeJS.Signals): Promise<void>
  /** Freezes (SIGSTOP) or thaws (SIGCONT) an instance's process group: a process that has fallen behind. */
  pause(instance: MedusaInstance): void
  resume(instance: MedusaInstance): void
  /** One SQL query on the store's database. */
  sql<T = any>(text: string, params?: unknown[]): Promise<T[]>
  logDir: string
  stop(): Promise<void>
}

export interface ClusterOptions {
  servers?: number
  workers?: number
  /** Index into the servers of the one Dintero's callbacks go to; default the second (B), or the only one. */
  callbackServerIndex?: number
  log?: (line: string) => void
  /** Extra env for every Medusa process. */
  env?: Record<string, string>
  emulator?: EmulatorOptions
  /** Medusa's LOG_LEVEL; default "info" (the logs go to files). */
  logLevel?: string
  /** Waiting for GET /health of one instance; default 240 s (three boots share two cores). */
  bootTimeoutMs?: number
}

const elapsed = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

type Database = { env: Record<string, string>; url: (db: string) => string; external: boolean; stop: () => Promise<void> }

/**
 * The PostgreSQL server named by DB_HOST/DB_PORT/DB_USERNAME/DB_PASSWORD (scripts/test-cluster.mjs and `npm test`
 * start one and pass it on), else an embedded one from scripts/lib/database.mjs (an ES module: loadable under ts-node,
 * not inside jest, which is why the test runner starts it).
 */
async function startDatabase(log: (m: string) => void): Promise<Database> {
  if (process.env.DB_HOST) {
    const env = {
      DB_HOST: process.env.DB_HOST,
      DB_PORT: process.env.DB_PORT ?? "5432",
      DB_USERNAME: process.env.DB_USERNAME ?? "postgres",
      DB_PASSWORD: process.env.DB_PASSWORD ?? "",
    }
    const auth = env.DB_PASSWORD ? `${env.DB_USERNAME}:${encodeURIComponent(env.DB_PASSWORD)}` : env.DB_USERNAME
    log(`using PostgreSQL at ${env.DB_HOST}:${env.DB_PORT} (DB_HOST is set)`)
    return { env, url: (db) => `postgres://${auth}@${env.DB_HOST}:${env.DB_PORT}/${db}`, external: true, stop: async () => {} }
  }
  const lib = (await import(path.join(__dirname, "database.mjs"))) as { startDatabase: (o?: { log?: (m: string) => void }) => Promise<Database> }
  return await lib.startDatabase({ log })
}

class LogTail {
  private lines: string[] = []
  private partial = ""
  constructor(private readonly file: WriteStream, private readonly max = 300) {}
  push(chunk: Buffer | string) {
    this.file.write(chunk)
    const parts = (this.partial + chunk.toString("utf8")).split(/\r?\n/)
    this.partial = parts.pop() ?? ""
    this.lines.push(...parts)
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max)
  }
  tail(n = 40) {
    return (this.partial ? [...this.lines, this.partial] : this.lines).slice(-n)
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.pid === undefined) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

async function healthy(url: string): Promise<boolean> {
  return await new Promise<boolean>((resolve) => {
    const req = http.get(`${url}/health`, { timeout: 2000 }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on("timeout", () => req.destroy())
    req.on("error", () => resolve(false))
  })
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const log = opts.log ?? (() => {})
  const serverCount = opts.servers ?? 2
  const workerCount = opts.workers ?? 1
  const bootTimeoutMs = opts.bootTimeoutMs ?? 240_000

  const cleanups: Array<{ name: string; run: () => Promise<void> }> = []
  const children = new Set<ChildProcess>()
  let stopping: Promise<void> | undefined
  const onExit = () => {
    for (const c of children) killGroup(c, "SIGKILL")
  }
  const stop = () => {
    stopping ??= (async () => {
      for (const c of cleanups.reverse()) {
        try {
          await withTimeout(c.run(), 20_000, `stopping ${c.name}`)
        } catch (e) {
          log(`could not stop ${c.name}: ${(e as Error).message}`)
        }
      }
      onExit()
      process.off("exit", onExit)
      process.off("SIGTERM", onSignal)
      process.off("SIGINT", onSignal)
    })()
    return stopping
  }
  process.on("exit", onExit)
  // Interrupted (Ctrl-C, a CI timeout, the runner passing a signal on): exit, so that the "exit" handlers here and in
  // redis.ts kill every process this cluster started instead of leaving them to the machine.
  const onSignal = (signal: NodeJS.Signals) => {
    onExit()
    process.exit(signal === "SIGINT" ? 130 : 143)
  }
  process.once("SIGTERM", onSignal)
  process.once("SIGINT", onSignal)

  mkdirSync(path.join(ROOT, ".tmp"), { recursive: true })
  const storeDir = mkdtempSync(path.join(ROOT, ".tmp", "cluster-store-"))
  const logDir = path.join(ROOT, ".tmp", "cluster-logs")
  rmSync(logDir, { recursive: true, force: true })
  mkdirSync(logDir, { recursive: true })
  cleanups.push({ name: "the store folder", run: async () => rmSync(storeDir, { recursive: true, force: true }) })

  try {
    let t = Date.now()
    const db = await startDatabase(log)
    cleanups.push({ name: "PostgreSQL", run: () => db.stop() })
    const dbName = `dintero_cluster_${process.pid}`
    const databaseUrl = db.url(dbName)
    await withPg(db.url("postgres"), (c) => c.query(`create database "${dbName}"`))
    if (db.external) {
      cleanups.push({
        name: `database ${dbName}`,
        run: () => withPg(db.url("postgres"), (c) => c.query(`drop database if exists "${dbName}" with (force)`)),
      })
    }
    log(`PostgreSQL ready, database ${dbName} (${elapsed(t)})`)

    t = Date.now()
    const redis = await startRedis({ log })
    cleanups.push({ name: "Redis", run: () => redis.stop() })
    log(`Redis ready at ${redis.url} (${elapsed(t)})`)

    // The servers listen on localhost over http: the emulator's logged opt-out of Dintero's HTTPS-only callbacks.
    const emulator = await startEmulator({
      port: 0,
      callbackRetryDelayMs: 500,
      callbackTimeoutMs: 30_000,
      allowInsecureCallbacks: true,
      ...opts.emulator,
    })
    cleanups.push({ name: "the emulator", run: () => emulator.close() })
    log(`Dintero emulator listening on ${emulator.url}`)

    // The store folder: the cluster config as its medusa-config.ts, this repository's src as its src.
    copyFileSync(CLUSTER_CONFIG, path.join(storeDir, "medusa-config.ts"))
    // The medusa CLI runs its commands only in a folder whose package.json depends on Medusa.
    writeFileSync(
      path.join(storeDir, "package.json"),
      JSON.stringify({ name: "dintero-cluster-store", private: true, dependencies: { "@medusajs/medusa": "*" } }, null, 2)
    )
    symlinkSync(path.join(ROOT, "src"), path.join(storeDir, "src"), "dir")

    const serverPorts: number[] = []
    for (let i = 0; i < serverCount; i++) serverPorts.push(await freePort())
    const callbackIndex = opts.callbackServerIndex ?? (serverCount > 1 ? 1 : 0)
    const callbackUrl = `http://localhost:${serverPorts[callbackIndex]}`
    const baseEnv: NodeJS.ProcessEnv = {
      ...process.env,
      ...db.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: redis.url,
      MEDUSA_BACKEND_URL: callbackUrl,
      DINTERO_EMULATOR_URL: emulator.url,
      MEDUSA_ADMIN_DISABLED: "true",
      MEDUSA_DISABLE_TELEMETRY: "true",
      NODE_ENV: "production",
      LOG_LEVEL: opts.logLevel ?? "info",
      // Callbacks at once: the scenarios drive the races between callback and return themselves.
      DINTERO_CALLBACK_DELAY_SECONDS: "0",
      // The reconciliation repairs what lost events missed (e.g. a Redis restart): every 5 s here, 5 min by default.
      DINTERO_RECONCILE_INTERVAL_MS: "5000",
      // A claim of a killed worker lapses after 20 s here (5 min by default), and the retry job that resumes it runs
      // every 10 s (1 min by default), so the kill scenario ends in time.
      DINTERO_OUTBOX_CLAIM_TTL_MS: "20000",
      DINTERO_ORDERS_RETRY_INTERVAL_MS: "10000",
      ...opts.env,
    }
    delete baseEnv.DINTERO_CALLBACK_SECRET
    delete baseEnv.MEDUSA_WORKER_MODE

    const runCli = (name: string, args: string[], env: NodeJS.ProcessEnv) =>
      new Promise<void>((resolve, reject) => {
        const tail = new LogTail(createWriteStream(path.join(logDir, `${name}.log`)))
        const child = spawn(MEDUSA_BIN, args, { cwd: storeDir, env, stdio: ["ignore", "pipe", "pipe"], detached: true })
        children.add(child)
        child.stdout!.on("data", (c) => tail.push(c))
        child.stderr!.on("data", (c) => tail.push(c))
        const timer = setTimeout(() => killGroup(child, "SIGKILL"), 300_000)
        child.on("close", (code, signal) => {
          clearTimeout(timer)
          children.delete(child)
          if (code === 0) return resolve()
          reject(new Error(`medusa ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${tail.tail(40).join("\n")}`))
        })
      })

    t = Date.now()
    await runCli("migrate", ["db:migrate"], { ...baseEnv, MEDUSA_WORKER_MODE: "shared" })
    log(`migrated (${elapsed(t)})`)
    t = Date.now()
    const seedFile = path.join(storeDir, "seeded.json")
    await runCli("seed", ["exec", SEED_SCRIPT], { ...baseEnv, MEDUSA_WORKER_MODE: "shared", DEV_STORE_SEED_OUTPUT: seedFile })
    const seeded = JSON.parse(readFileSync(seedFile, "utf8")) as SeededStore & { reused?: boolean }
    delete seeded.reused
    log(`seeded (${elapsed(t)})`)

    const instances: MedusaInstance[] = []
    let workerSeq = 0

    const launch = async (name: string, mode: WorkerMode, port: number): Promise<MedusaInstance> => {
      const started = Date.now()
      const url = `http://localhost:${port}`
      const logFile = path.join(logDir, `${name}.log`)
      const tail = new LogTail(createWriteStream(logFile, { flags: "a" }))
      const child = spawn(MEDUSA_BIN, ["start", "--port", String(port)], {
        cwd: storeDir,
        env: { ...baseEnv, MEDUSA_WORKER_MODE: mode, PORT: String(port) },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      })
      children.add(child)
      child.stdout!.on("data", (c) => tail.push(c))
      child.stderr!.on("data", (c) => tail.push(c))
      const exited = new Promise<void>((resolve) =>
        child.once("close", () => {
          children.delete(child)
          resolve()
        })
      )
      const alive = () => child.exitCode === null && child.signalCode === null
      const instance: MedusaInstance = {
        name,
        mode,
        port,
        url,
        pid: child.pid!,
        exited,
        alive,
        logTail: (n = 40) => tail.tail(n),
        logFile,
      }
      ;(instance as any).child = child
      instances.push(instance)
      cleanups.push({ name, run: () => killInstance(instance, "SIGTERM") })
      const deadline = Date.now() + bootTimeoutMs
      while (Date.now() < deadline) {
        if (!alive()) {
          await Promise.race([exited, sleep(2000)])
          throw new Error(`${name} (${mode}) exited before /health answered:\n${tail.tail(40).join("\n")}`)
        }
        if (await healthy(url)) {
          log(`${name} (${mode}) answers ${url}/health (${elapsed(started)})`)
          return instance
        }
        await sleep(300)
      }
      throw new Error(`${name} (${mode}): GET ${url}/health did not answer 200 within ${Math.round(bootTimeoutMs / 1000)} s`)
    }

    const killInstance = async (instance: MedusaInstance, signal: NodeJS.Signals = "SIGTERM") => {
      const child = (instance as any).child as ChildProcess
      if (instance.alive()) {
        // A paused process would not act on SIGTERM until thawed.
        if (signal !== "SIGKILL") killGroup(child, "SIGCONT")
        killGroup(child, signal)
        const gone = await Promise.race([instance.exited.then(() => true), sleep(8000).then(() => false)])
        if (!gone) {
          killGroup(child, "SIGKILL")
          await Promise.race([instance.exited, sleep(5000)])
        }
      }
      // Whatever it forked shares its group: nothing outlives it.
      killGroup(child, "SIGKILL")
    }

    t = Date.now()
    // Booting is CPU-bound: all at once on two cores takes as long as one after the other, and they must all be up.
    const letters = "ABCDEFGH"
    const serverInstances = await Promise.all(serverPorts.map((port, i) => launch(`server-${letters[i]}`, "server", port)))
    const workers: MedusaInstance[] = []
    const startWorker = async (name?: string) => {
      const w = await launch(name ?? `worker-${++workerSeq}`, "worker", await freePort())
      workers.push(w)
      return w
    }
    await Promise.all(Array.from({ length: workerCount }, () => startWorker()))
    log(`${serverCount} server(s) and ${workerCount} worker(s) up (${elapsed(t)})`)

    const servers: ServerClients[] = []
    for (const instance of serverInstances) {
      const admin = new AdminApi(instance.url)
      await admin.login(seeded.admin.email, seeded.admin.password)
      servers.push({ instance, store: new StoreApi(instance.url, seeded.publishableKey), admin })
    }

    return {
      emulator,
      seeded,
      databaseUrl,
      redis: { url: redis.url, port: redis.port, restart: () => redis.restart() },
      servers,
      workers,
      callbackServer: serverInstances[callbackIndex],
      startWorker,
      kill: killInstance,
      pause: (instance) => killGroup((instance as any).child, "SIGSTOP"),
      resume: (instance) => killGroup((instance as any).child, "SIGCONT"),
      sql: (text, params) => withPg(databaseUrl, async (c) => (await c.query(text, params)).rows),
      logDir,
      stop,
    }
  } catch (e) {
    await stop()
    throw e
  }
}
