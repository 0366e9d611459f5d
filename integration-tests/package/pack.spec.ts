import { execFile, execFileSync, type ChildProcess } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs"
import net from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { promisify } from "node:util"
import { startEmulator, type Emulator } from "../../emulator"
import { LOWEST_MEDUSA, filesContaining, run, startMedusa, stopGroup, writeStore, type CommandResult } from "./minimal-store"

jest.setTimeout(600_000)

const root = path.resolve(__dirname, "../..")

/**
 * `medusa plugin:build`, once for the file: the published-package checks and the minimal stores' tarball use it.
 * Started by whichever needs it first.
 */
let built: Promise<void> | undefined
const buildPlugin = () =>
  (built ??= run(process.execPath, [path.join(root, "node_modules/@medusajs/cli/cli.js"), "plugin:build"], root, { MEDUSA_DISABLE_TELEMETRY: "true" }).then(() => undefined))

// What a merchant installs: `npm run build` (medusa plugin:build) then the files `npm pack` would publish.
describe("the published package", () => {
  let files: string[] = []

  beforeAll(async () => {
    await buildPlugin()
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, stdio: "pipe" })
    files = (JSON.parse(out.toString())[0].files as { path: string }[]).map((f) => f.path)
  })

  it("builds the provider, the client and the admin bundle into .medusa/server", () => {
    expect(existsSync(path.join(root, ".medusa/server/src/providers/dintero/index.js"))).toBe(true)
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        ".medusa/server/src/providers/dintero/index.js",
        ".medusa/server/src/dintero/index.js",
        ".medusa/server/src/api/hooks/dintero/callback/route.js",
        ".medusa/server/src/admin/index.js",
        ".medusa/server/src/admin/index.mjs",
      ])
    )
  })

  it("ships no tests, no emulator, no scripts and no dev store config", () => {
    const offending = files.filter(
      (f) =>
        /__tests__|\.spec\.|integration-tests|(^|\/)emulator\/|(^|\/)scripts\/|medusa-config|\.ci\//.test(f) ||
        !(f.startsWith(".medusa/server/src/") || ["package.json", "README.md", "LICENSE"].includes(f))
    )
    expect(offending).toEqual([])
  })

  it("resolves every export the package declares", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"))
    for (const [key, target] of Object.entries<any>(pkg.exports)) {
      if (key.includes("*")) continue
      const file = typeof target === "string" ? target : target.require
      expect([key, existsSync(path.join(root, file))]).toEqual([key, true])
    }
  })

  it("ships type declarations beside the server code of every export", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"))
    const targets = Object.entries<any>(pkg.exports)
      .filter(([key]) => !key.startsWith("./admin") && key !== "./package.json")
      .map(([, target]) => (typeof target === "string" ? target : target.require) as string)
    const concrete = targets.filter((t) => !t.includes("*"))
    for (const file of concrete) expect([file, files.includes(file.replace(/^\.\//, "").replace(/\.js$/, ".d.ts"))]).toEqual([file, true])
    // Wildcard exports: each provider and module shipped has its declarations too.
    for (const dir of ["providers", "modules"]) {
      for (const name of readdirSync(path.join(root, ".medusa/server/src", dir))) {
        expect(files).toContain(`.medusa/server/src/${dir}/${name}/index.d.ts`)
      }
    }
  })
})

// The tarball in a separate minimal store (minimal-store.ts) at the lowest supported Medusa version and the newest.
const latest = execFileSync("npm", ["view", "@medusajs/medusa", "version"], { stdio: "pipe" }).toString().trim()
const versions = [...new Set([LOWEST_MEDUSA, latest])]

/**
 * One store's steps, run one after another as soon as the file starts, each store beside the other (their npm
 * installs, builds and boots are mostly single-threaded: on two cores the two stores take little longer than one).
 * Each step is a promise its test awaits and asserts on; a step runs once the previous one has ended (passed or
 * failed) and needs the install to have passed.
 */
interface StoreRun {
  install: Promise<CommandResult & { dir: string }>
  tsc: Promise<CommandResult>
  migrate: Promise<CommandResult & { table: string | null }>
  build: Promise<CommandResult & { admin: string }>
  boot: Promise<{ providers: any; settings: any }>
  /** Every step ended (passed or failed). */
  ended: Promise<void>
  stop(): Promise<void>
}

function startStore(version: string): StoreRun {
  const timings: Record<string, number> = {}
  let emulator: Emulator | undefined
  let medusa: { child: ChildProcess; log: () => string } | undefined
  let dir = ""
  let last: Promise<unknown> = Promise.resolve()
  const next = <T>(step: () => Promise<T>): Promise<T> => {
    const p = last.then(step)
    last = p.then(
      () => undefined,
      () => undefined
    )
    // Reported by the test that awaits it, not as an unhandled rejection before that test runs.
    p.catch(() => undefined)
    return p
  }
  const timed = async (name: string, r: Promise<CommandResult>) => {
    const result = await r
    timings[name] = result.ms
    return result
  }

  const store = next(async () => {
    const tarballDir = mkdtempSync(path.join(tmpdir(), "dintero-tarball-"))
    await buildPlugin()
    const { stdout } = await promisify(execFile)("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tarballDir], { cwd: root })
    const packed = JSON.parse(stdout)
    emulator = await startEmulator({ port: 0 })
    const db = `minimal_store_${version.replace(/\W/g, "_")}_${process.pid}`
    const { DB_HOST, DB_PORT, DB_USERNAME, DB_PASSWORD } = process.env
    if (!DB_HOST) throw new Error("the package tier needs PostgreSQL: run it through scripts/test.mjs")
    const auth = DB_PASSWORD ? `${DB_USERNAME}:${encodeURIComponent(DB_PASSWORD)}` : DB_USERNAME
    const server = `postgres://${auth}@${DB_HOST}:${DB_PORT}`
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require("pg")
    const pg = new Client({ connectionString: `${server}/postgres` })
    await pg.connect()
    await pg.query(`drop database if exists "${db}"`)
    await pg.query(`create database "${db}"`)
    await pg.end()
    const env: NodeJS.ProcessEnv = { DATABASE_URL: `${server}/${db}`, MEDUSA_DISABLE_TELEMETRY: "true", NODE_ENV: "development" }
    dir = writeStore({ version, tarball: path.join(tarballDir, packed[0].filename), emulatorUrl: emulator.url, databaseUrl: env.DATABASE_URL! })
    return { dir, env }
  })
  const install = next(async () => {
    const { dir } = await store
    return { ...(await timed("install", run("npm", ["install", "--no-audit", "--no-fund"], dir))), dir }
  })
  /** The installed store (a step after the install needs it to have passed). */
  const installed = async () => {
    await install
    const { dir, env } = await store
    return { medusaBin: path.join(dir, "node_modules/.bin/medusa"), tscBin: path.join(dir, "node_modules/.bin/tsc"), dir, env }
  }
  const tsc = next(async () => {
    const { tscBin, dir } = await installed()
    return await timed("tsc", run(tscBin, ["--noEmit", "-p", "."], dir))
  })
  const migrate = next(async () => {
    const { medusaBin, dir, env } = await installed()
    const r = await timed("migrate", run(medusaBin, ["db:migrate"], dir, env))
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require("pg")
    const pg = new Client({ connectionString: env.DATABASE_URL })
    await pg.connect()
    const { rows } = await pg.query("select to_regclass('public.dintero_order_mirror') as t")
    await pg.end()
    return { ...r, table: rows[0].t as string | null }
  })
  const build = next(async () => {
    const { medusaBin, dir, env } = await installed()
    const r = await timed("build", run(medusaBin, ["build"], dir, env))
    return { ...r, admin: path.join(dir, ".medusa/server/public/admin") }
  })
  const boot = next(async () => {
    const { medusaBin, dir, env } = await installed()
    await run(medusaBin, ["user", "-e", "admin@example.com", "-p", "supersecret"], dir, env)
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port
        s.close(() => resolve(p))
      })
    })
    const t = Date.now()
    medusa = await startMedusa(dir, port, { ...env, DISABLE_ADMIN: "true" })
    timings.boot = Date.now() - t
    const base = `http://localhost:${port}`
    const login = await fetch(`${base}/auth/user/emailpass`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "admin@example.com", password: "supersecret" }),
    })
    const { token } = (await login.json()) as { token: string }
    const headers = { authorization: `Bearer ${token}` }
    const providers = (await (await fetch(`${base}/admin/payments/payment-providers`, { headers })).json()) as any
    const settings = (await (await fetch(`${base}/admin/dintero/settings`, { headers })).json()) as any
    return { providers, settings }
  })
  const ended = last.then(() => undefined)
  return {
    install,
    tsc,
    migrate,
    build,
    boot,
    ended,
    async stop() {
      await ended
      stopGroup(medusa?.child)
      await emulator?.close()
      if (dir && !process.env.KEEP_MINIMAL_STORE) rmSync(dir, { recursive: true, force: true })
      console.log(`minimal store ${version}: ${JSON.stringify(timings)} ms`)
    },
  }
}

const stores = new Map<string, StoreRun>()
beforeAll(() => {
  for (const version of versions) stores.set(version, startStore(version))
})
afterAll(async () => {
  await Promise.all([...stores.values()].map((s) => s.stop()))
})

describe.each(versions)("installed from the packed tarball into a minimal Medusa %s store", (version) => {
  const store = () => stores.get(version)!

  it("installs with npm, without peer dependency conflicts", async () => {
    const { output, dir } = await store().install
    expect(output).not.toMatch(/ERESOLVE|peer dep/i)
    const ls = JSON.parse((await run("npm", ["ls", "--json", "@medusajs/medusa", "medusa-payment-dintero"], dir)).output)
    expect(ls.dependencies["@medusajs/medusa"].version).toBe(version)
    expect(ls.dependencies["medusa-payment-dintero"].version).toBe(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version)
  })

  it("type-checks a store's code against the public exports' declarations", async () => {
    await store().tsc
  })

  it("migrates, including the plugin's module", async () => {
    expect((await store().migrate).table).toBe("dintero_order_mirror")
  })

  it("builds the production admin with the order widget and the settings page", async () => {
    const { admin } = await store().build
    expect(existsSync(path.join(admin, "index.html"))).toBe(true)
    expect(filesContaining(admin, "dintero-transaction-status").length).toBeGreaterThan(0)
    expect(filesContaining(admin, "dintero-test-connection").length).toBeGreaterThan(0)
  })

  it("boots and lists pp_dintero_dintero, with the plugin's admin routes", async () => {
    const { providers, settings } = await store().boot
    expect(providers.payment_providers.map((p: { id: string }) => p.id)).toContain("pp_dintero_dintero")
    expect(settings).toMatchObject({ configured: true, provider_id: "pp_dintero_dintero" })
    expect(JSON.stringify(settings)).not.toContain("emulator-secret")
  })
})
