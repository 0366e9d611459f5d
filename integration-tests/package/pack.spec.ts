import { execFileSync, type ChildProcess } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs"
import net from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import { startEmulator, type Emulator } from "../../emulator"
import { LOWEST_MEDUSA, filesContaining, run, startMedusa, stopGroup, writeStore } from "./minimal-store"

jest.setTimeout(600_000)

const root = path.resolve(__dirname, "../..")

// What a merchant installs: `npm run build` (medusa plugin:build) then the files `npm pack` would publish.
describe("the published package", () => {
  let files: string[] = []

  beforeAll(() => {
    execFileSync(process.execPath, [path.join(root, "node_modules/@medusajs/cli/cli.js"), "plugin:build"], {
      cwd: root,
      stdio: "pipe",
      env: { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true" },
    })
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

describe.each(versions)("installed from the packed tarball into a minimal Medusa %s store", (version) => {
  let emulator: Emulator
  let dir = ""
  let medusa: { child: ChildProcess; log: () => string } | undefined
  let env: NodeJS.ProcessEnv = {}
  const timings: Record<string, number> = {}

  beforeAll(async () => {
    const tarballDir = mkdtempSync(path.join(tmpdir(), "dintero-tarball-"))
    const packed = JSON.parse(
      execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tarballDir], { cwd: root, stdio: "pipe" }).toString()
    )
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
    env = { DATABASE_URL: `${server}/${db}`, MEDUSA_DISABLE_TELEMETRY: "true", NODE_ENV: "development" }
    dir = writeStore({
      version,
      tarball: path.join(tarballDir, packed[0].filename),
      emulatorUrl: emulator.url,
      databaseUrl: env.DATABASE_URL!,
    })
  })

  afterAll(async () => {
    stopGroup(medusa?.child)
    await emulator?.close()
    if (dir && !process.env.KEEP_MINIMAL_STORE) rmSync(dir, { recursive: true, force: true })
    console.log(`minimal store ${version}: ${JSON.stringify(timings)} ms`)
  })

  it("installs with npm, without peer dependency conflicts", async () => {
    const r = await run("npm", ["install", "--no-audit", "--no-fund"], dir)
    timings.install = r.ms
    expect(r.output).not.toMatch(/ERESOLVE|peer dep/i)
    const ls = JSON.parse((await run("npm", ["ls", "--json", "@medusajs/medusa", "medusa-payment-dintero"], dir)).output)
    expect(ls.dependencies["@medusajs/medusa"].version).toBe(version)
    expect(ls.dependencies["medusa-payment-dintero"].version).toBe(JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).version)
  })

  it("type-checks a store's code against the public exports' declarations", async () => {
    const r = await run(path.join(dir, "node_modules/.bin/tsc"), ["--noEmit", "-p", "."], dir)
    timings.tsc = r.ms
  })

  it("migrates, including the plugin's module", async () => {
    const r = await run(path.join(dir, "node_modules/.bin/medusa"), ["db:migrate"], dir, env)
    timings.migrate = r.ms
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require("pg")
    const pg = new Client({ connectionString: env.DATABASE_URL })
    await pg.connect()
    const { rows } = await pg.query("select to_regclass('public.dintero_order_mirror') as t")
    await pg.end()
    expect(rows[0].t).toBe("dintero_order_mirror")
  })

  it("builds the production admin with the order widget and the settings page", async () => {
    const r = await run(path.join(dir, "node_modules/.bin/medusa"), ["build"], dir, env)
    timings.build = r.ms
    const admin = path.join(dir, ".medusa/server/public/admin")
    expect(existsSync(path.join(admin, "index.html"))).toBe(true)
    expect(filesContaining(admin, "dintero-transaction-status").length).toBeGreaterThan(0)
    expect(filesContaining(admin, "dintero-test-connection").length).toBeGreaterThan(0)
  })

  it("boots and lists pp_dintero_dintero, with the plugin's admin routes", async () => {
    const medusaBin = path.join(dir, "node_modules/.bin/medusa")
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
    expect(providers.payment_providers.map((p: { id: string }) => p.id)).toContain("pp_dintero_dintero")
    const settings = (await (await fetch(`${base}/admin/dintero/settings`, { headers })).json()) as any
    expect(settings).toMatchObject({ configured: true, provider_id: "pp_dintero_dintero" })
    expect(JSON.stringify(settings)).not.toContain("emulator-secret")
  })
})
