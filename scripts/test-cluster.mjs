#!/usr/bin/env node
// `npm run test:cluster`: the production topology (integration-tests/cluster): two `medusa start` servers and a
// worker on one PostgreSQL and one Redis. Installs Debian's redis-server when it is missing (apt-get, as the e2e tier
// installs chromium), starts PostgreSQL (embedded unless DB_HOST is set), then runs the scenarios with jest (they
// start and stop Redis, the emulator and the Medusa processes: scripts/lib/cluster.ts; logs in .tmp/cluster-logs/). Writes .tmp/cluster-results.json and ends with the line
// `N passed, M failed`. Usage: node scripts/test-cluster.mjs [-- extra jest args]
import { spawn, spawnSync } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { startDatabase } from "./lib/database.mjs"

const root = new URL("..", import.meta.url).pathname
const started = Date.now()
const extra = process.argv.includes("--") ? process.argv.slice(process.argv.indexOf("--") + 1) : []
const outDir = join(root, ".tmp")
mkdirSync(outDir, { recursive: true })
const resultFile = join(outDir, "cluster-results.json")
const jestFile = join(outDir, "jest-cluster.json")
rmSync(resultFile, { force: true })
rmSync(jestFile, { force: true })

function finish(passed, failed, code) {
  writeFileSync(resultFile, JSON.stringify({ passed, failed, duration_s: Math.round((Date.now() - started) / 1000) }) + "\n")
  console.log(`[cluster] logs of every process in .tmp/cluster-logs/; took ${((Date.now() - started) / 1000).toFixed(1)} s`)
  console.log(`${passed} passed, ${failed} failed`)
  process.exit(code !== 0 || failed > 0 ? 1 : 0)
}

// Installs redis-server first (apt-get when missing), outside jest so its output is not swallowed.
const ensured = spawnSync(
  join(root, "node_modules", ".bin", "ts-node"),
  ["--transpile-only", join(root, "scripts", "lib", "redis.ts"), "--ensure"],
  { cwd: root, stdio: "inherit" }
)
if (ensured.status !== 0) finish(0, 1, 1)

// PostgreSQL (embedded unless DB_HOST names one): jest cannot load database.mjs itself.
const db = await startDatabase({ log: (m) => console.log(`[cluster] ${m}`) })

// One jest process, one file at a time: the scenarios share one cluster of three Medusa processes.
const child = spawn(
  process.execPath,
  [join(root, "node_modules", "jest", "bin", "jest.js"), "--json", `--outputFile=${jestFile}`, "--runInBand", "--forceExit", ...extra],
  {
    cwd: root,
    stdio: "inherit",
    env: {
      ...process.env,
      ...db.env,
      TEST_TYPE: "cluster",
      MEDUSA_DISABLE_TELEMETRY: "true",
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules`.trim(),
    },
  }
)
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig))
const code = await new Promise((resolve) => child.on("exit", (c, s) => resolve(c ?? (s ? 1 : 0))))
await db.stop().catch((e) => console.error(`[cluster] could not stop PostgreSQL: ${e}`))

let passed = 0
let failed = 0
if (existsSync(jestFile)) {
  const result = JSON.parse(readFileSync(jestFile, "utf8"))
  passed = result.numPassedTests
  failed = result.numFailedTests + (result.numRuntimeErrorTestSuites ?? 0)
  if (result.numTotalTests === 0) failed += 1
} else {
  failed = 1
}
finish(passed, failed, code)
