// A separate, minimal Medusa store (not this repository's dev store) that installs the packed tarball exactly as a
// merchant does: package.json with Medusa at a given version plus the tarball, the README's medusa-config.ts
// (pointed at the emulator), `medusa db:migrate`, `medusa build` (server + production admin), `medusa start`.
import { spawn, type ChildProcess } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs"
import http from "node:http"
import { tmpdir } from "node:os"
import path from "node:path"

export const ROOT = path.resolve(__dirname, "../..")

/** Lowest Medusa version the peer dependencies allow, tested here as well as the newest. */
export const LOWEST_MEDUSA = "2.21.0"

export interface CommandResult {
  ms: number
  output: string
}

/** Runs a command; rejects with its last output lines. */
export function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CommandResult> {
  const started = Date.now()
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] })
    let output = ""
    const keep = (c: Buffer) => (output = (output + c.toString()).slice(-20_000))
    child.stdout.on("data", keep)
    child.stderr.on("data", keep)
    child.on("error", reject)
    child.on("exit", (code) =>
      code === 0
        ? resolve({ ms: Date.now() - started, output })
        : reject(new Error(`${cmd} ${args.join(" ")} failed (exit ${code}):\n${output.slice(-4000)}`))
    )
  })
}

/** The store's files: Medusa `version` and the plugin from `tarball`. */
export function writeStore(opts: { version: string; tarball: string; emulatorUrl: string; databaseUrl: string }): string {
  const dir = mkdtempSync(path.join(tmpdir(), `dintero-store-${opts.version}-`))
  const v = opts.version
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      {
        name: "minimal-medusa-store",
        private: true,
        version: "0.0.0",
        dependencies: {
          "@medusajs/admin-sdk": v,
          "@medusajs/cli": v,
          "@medusajs/framework": v,
          "@medusajs/medusa": v,
          "medusa-payment-dintero": `file:${opts.tarball}`,
        },
        devDependencies: {
          "@swc/core": "^1.15.0",
          "@types/node": "^20.19.0",
          "ts-node": "^10.9.2",
          typescript: "~5.9.3",
          vite: "^7.3.6",
        },
        engines: { node: ">=20" },
      },
      null,
      2
    )
  )
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify(
      {
        compilerOptions: {
          target: "ES2021",
          module: "Node16",
          moduleResolution: "Node16",
          esModuleInterop: true,
          skipLibCheck: true,
          strict: true,
          outDir: "./.medusa/server",
          jsx: "react-jsx",
        },
        include: ["medusa-config.ts", "src", "check-types.ts"],
        exclude: ["node_modules", ".medusa"],
      },
      null,
      2
    )
  )
  // The README's configuration ("Install in your Medusa store"), with the emulator's base URLs.
  writeFileSync(
    path.join(dir, "medusa-config.ts"),
    `import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: "http://localhost:8000",
      adminCors: "http://localhost:9000",
      authCors: "http://localhost:9000",
      jwtSecret: "minimal-store-jwt",
      cookieSecret: "minimal-store-cookie",
    },
  },
  admin: { disable: process.env.DISABLE_ADMIN === "true" },
  plugins: [{ resolve: "medusa-payment-dintero", options: { generateOrderId: true } }],
  modules: [
    {
      resolve: "@medusajs/medusa/payment",
      options: {
        providers: [
          {
            resolve: "medusa-payment-dintero/providers/dintero",
            id: "dintero",
            options: {
              accountId: "T12345678",
              clientId: "emulator-client",
              clientSecret: "emulator-secret",
              profileId: "default",
              returnUrl: "http://localhost:8000/{country_code}/checkout/dintero/return",
              backendUrl: "http://localhost:9000",
              checkoutBaseUrl: "${opts.emulatorUrl}/checkout/v1",
              apiBaseUrl: "${opts.emulatorUrl}/api/v1",
            },
          },
        ],
      },
    },
  ],
})
`
  )
  // The public exports' type declarations, as a store's own TypeScript code would use them.
  writeFileSync(
    path.join(dir, "check-types.ts"),
    `import { DinteroClient, DinteroError, verifyCallbackSignature } from "medusa-payment-dintero/dintero"
import type { DinteroClientConfig } from "medusa-payment-dintero/dintero"

const config: DinteroClientConfig = {} as DinteroClientConfig
export const client: DinteroClient = new DinteroClient(config)
export const isError = (e: unknown): e is DinteroError => e instanceof DinteroError
export const verify: typeof verifyCallbackSignature = verifyCallbackSignature
`
  )
  writeFileSync(path.join(dir, ".env"), `DATABASE_URL=${opts.databaseUrl}\n`)
  mkdirSync(path.join(dir, "src"), { recursive: true })
  return dir
}

/** `medusa start` as a process group; resolves once /health answers. */
export async function startMedusa(dir: string, port: number, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; log: () => string }> {
  let output = ""
  const child = spawn(path.join(dir, "node_modules", ".bin", "medusa"), ["start"], {
    cwd: dir,
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  })
  const keep = (c: Buffer) => (output = (output + c.toString()).slice(-20_000))
  child.stdout!.on("data", keep)
  child.stderr!.on("data", keep)
  const deadline = Date.now() + 180_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`medusa start exited (${child.exitCode}):\n${output.slice(-4000)}`)
    if (Date.now() > deadline) throw new Error(`medusa start: /health did not answer in 180 s:\n${output.slice(-4000)}`)
    const status = await new Promise<number>((resolve) => {
      const req = http.get(`http://localhost:${port}/health`, { timeout: 2000 }, (res) => {
        res.resume()
        resolve(res.statusCode ?? 0)
      })
      req.on("timeout", () => req.destroy())
      req.on("error", () => resolve(0))
    })
    if (status === 200) return { child, log: () => output }
    await new Promise((r) => setTimeout(r, 500))
  }
}

export function stopGroup(child: ChildProcess | undefined): void {
  if (!child?.pid || child.exitCode !== null) return
  try {
    process.kill(-child.pid, "SIGTERM")
  } catch {
    // already gone
  }
}

/** Every file under `dir` whose text contains `needle`. */
export function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = []
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name)
      if (entry.isDirectory()) walk(p)
      else if (/\.(m?js|html)$/.test(entry.name) && readFileSync(p, "utf8").includes(needle)) hits.push(p)
    }
  }
  walk(dir)
  return hits
}
