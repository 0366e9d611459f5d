#!/usr/bin/env node
// `npm test`: the static checks (typecheck, lint), then every test tier (starting PostgreSQL if needed, see
// scripts/lib/database.mjs), ending with the line `N passed, M failed`. Exit code 1 on any failure.
// Usage: node scripts/test.mjs [static|unit|contract|package|modules|http|e2e|starter|cluster ...] [-- extra jest args]
import { spawn } from "node:child_process"
import { mkdirSync, readFileSync, existsSync, rmSync } from "node:fs"
import { join } from "node:path"
import { startDatabase } from "./lib/database.mjs"

const root = new URL("..", import.meta.url).pathname
const argv = process.argv.slice(2)
const dashdash = argv.indexOf("--")
const tiers = (dashdash >= 0 ? argv.slice(0, dashdash) : argv).filter(Boolean)
const extra = dashdash >= 0 ? argv.slice(dashdash + 1) : []
const allTiers = ["static", "unit", "contract", "package", "modules", "http", "e2e", "starter", "cluster"]
// Every tier is in `npm test` and so in CI (the cluster tier last: README, "The production topology (cluster tier)").
const selected = tiers.length ? tiers : allTiers
for (const t of selected) {
  if (!allTiers.includes(t)) {
    console.error(`unknown test tier "${t}" (expected one of ${allTiers.join(", ")})`)
    process.exit(2)
  }
}

const needsDb = selected.some((t) => ["package", "modules", "http", "e2e", "starter", "cluster"].includes(t))
const db = needsDb ? await startDatabase({ log: (m) => console.log(`[test] ${m}`) }) : null

let stopping = false
async function stopDb() {
  if (db && !stopping) {
    stopping = true
    await db.stop().catch((e) => console.error(`[test] could not stop PostgreSQL: ${e}`))
  }
}
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, async () => {
    await stopDb()
    process.exit(130)
  })
}

const outDir = join(root, ".tmp", "jest")
rmSync(outDir, { recursive: true, force: true })
mkdirSync(outDir, { recursive: true })

/** Files that run alone, after the rest of their tier (see jestRuns). */
const ALONE = {
  // None: the ledger property runs two at a time with the other http files again. Its seed 1234's 21st run met a 1 øre
  // difference that way; the load only decided which payment it captured first, and the cause (the mirror rounded
  // Medusa's 20-digit noise, a total a hair below a half øre) is fixed (docs/ledger-property-findings.md, "Fixed finding (the same 21st run …").
  http: [],
}

/**
 * The jest runs of a tier (each writes .tmp/jest/<name>.json). Unit and contract: two workers. Module and package
 * suites: one file at a time (the package tier's pack.spec runs its two stores side by side itself). HTTP suites: two
 * files at a time, each booting Medusa in its own database (named after the jest worker) with its own emulator and
 * ports (much of a file's time is waiting for callbacks, subscribers and the mirror's job), then the files of ALONE
 * one at a time. Extra arguments naming files (a targeted run) run those in one run, one file at a time.
 */
function jestRuns(tier) {
  if (tier === "unit" || tier === "contract") return [{ name: tier, workers: ["--maxWorkers=2"], files: [] }]
  const alone = ALONE[tier] ?? []
  const targeted = extra.some((a) => !a.startsWith("-"))
  if (tier !== "http" || targeted) return [{ name: tier, workers: ["--runInBand"], files: [] }]
  const ignore = ["/node_modules/", ...alone].map((f) => `--testPathIgnorePatterns=${f}`)
  return [
    { name: tier, workers: ["--maxWorkers=2", ...ignore], files: [] },
    ...alone.map((f) => ({ name: `${tier}-${f.split("/").pop().replace(/\.spec\.[jt]s$/, "")}`, workers: ["--runInBand"], files: [f] })),
  ]
}

let passed = 0
let failed = 0
let exitCode = 0
for (const tier of selected) {
  if (tier === "static") {
    // Each check counts as one test: `npm run typecheck` (plugin, tests, emulator, scripts, admin) and `npm run lint`.
    console.log(`\n[test] ── static ──`)
    for (const check of ["typecheck", "lint"]) {
      const code = await new Promise((resolve) => {
        const child = spawn("npm", ["run", "--silent", check], { cwd: root, stdio: "inherit" })
        child.on("exit", (c, s) => resolve(c ?? (s ? 1 : 0)))
      })
      console.log(`[test] ${check}: ${code === 0 ? "passed" : `FAILED (exit ${code})`}`)
      if (code === 0) passed += 1
      else {
        failed += 1
        exitCode = 1
      }
    }
    continue
  }
  // Tiers with a runner of their own, which writes its counts to .tmp/<tier>-results.json: the real-browser tiers
  // (e2e, starter) and the production topology (cluster: Redis, PostgreSQL, two servers and a worker).
  const browserTier = { e2e: "test-e2e.mjs", starter: "test-starter.mjs", cluster: "test-cluster.mjs" }[tier]
  if (browserTier) {
    console.log(`\n[test] ── ${tier} ──`)
    const resultFile = join(root, ".tmp", `${tier}-results.json`)
    rmSync(resultFile, { force: true })
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, [join(root, "scripts", browserTier), ...(extra.length ? ["--", ...extra] : [])], {
        cwd: root,
        stdio: "inherit",
        env: { ...process.env, ...(db?.env ?? {}), MEDUSA_DISABLE_TELEMETRY: "true" },
      })
      child.on("exit", (c, s) => resolve(c ?? (s ? 1 : 0)))
    })
    if (existsSync(resultFile)) {
      const result = JSON.parse(readFileSync(resultFile, "utf8"))
      passed += result.passed
      // No test ran and none was skipped on purpose (the starter tier without a starter says so itself): a failure.
      failed += result.failed || (result.passed === 0 && !result.skipped ? 1 : 0)
    } else {
      failed += 1
      console.log(`[test] ${tier}: wrote no result (exit ${code})`)
    }
    if (code !== 0) exitCode = 1
    continue
  }
  console.log(`\n[test] ── ${tier} ──`)
  for (const { name, workers, files } of jestRuns(tier)) {
    const outputFile = join(outDir, `${name}.json`)
    const args = [
      join(root, "node_modules", "jest", "bin", "jest.js"),
      "--json",
      `--outputFile=${outputFile}`,
      "--forceExit",
      ...workers,
      ...extra,
      ...files,
    ]
    const code = await new Promise((resolve) => {
      const child = spawn(process.execPath, args, {
        cwd: root,
        stdio: "inherit",
        env: {
          ...process.env,
          ...(db?.env ?? {}),
          TEST_TYPE: tier,
          MEDUSA_DISABLE_TELEMETRY: "true",
          NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules`.trim(),
        },
      })
      child.on("exit", (c, s) => resolve(c ?? (s ? 1 : 0)))
    })
    if (existsSync(outputFile)) {
      const result = JSON.parse(readFileSync(outputFile, "utf8"))
      passed += result.numPassedTests
      failed += result.numFailedTests
      // A suite that fails to load counts as a failure even though it ran no test.
      const brokenSuites = result.numRuntimeErrorTestSuites ?? 0
      if (brokenSuites > 0) {
        failed += brokenSuites
        console.log(`[test] ${name}: ${brokenSuites} suite(s) failed to run`)
      }
      if (result.numTotalTests === 0) {
        console.log(`[test] ${name}: no tests found`)
      }
    } else {
      failed += 1
      console.log(`[test] ${name}: jest wrote no result (exit ${code})`)
    }
    if (code !== 0) exitCode = 1
  }
}

await stopDb()
if (failed > 0) exitCode = 1
console.log(`${passed} passed, ${failed} failed`)
process.exit(exitCode)
