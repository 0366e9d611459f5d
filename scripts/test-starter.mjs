#!/usr/bin/env node
// `npm run test:starter`: Medusa's Next.js starter with the Dintero integration applied as README.md says, built and
// clicked through in Debian's chromium (e2e/starter/). The starter comes from DINTERO_STARTER_DIR, else
// ../shared/starters/dtc-storefront; when there is none this prints one line and counts nothing.
// Ends with `N passed, M failed`. Screenshots: e2e/starter/screenshots/. Usage: node scripts/test-starter.mjs [-- <filter>]
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { ensureChromium } from "./lib/chromium.mjs"

const root = new URL("..", import.meta.url).pathname
const started = Date.now()
const extra = process.argv.includes("--") ? process.argv.slice(process.argv.indexOf("--") + 1) : []
const outDir = join(root, ".tmp")
mkdirSync(outDir, { recursive: true })
const outputFile = join(outDir, "starter-results.json")
rmSync(outputFile, { force: true })

const starter = process.env.DINTERO_STARTER_DIR || resolve(root, "..", "shared", "starters", "dtc-storefront")
if (!existsSync(join(starter, "package.json"))) {
  const reason = `no Next.js starter at ${starter}: set DINTERO_STARTER_DIR to a checkout of Medusa's storefront starter (dtc-starter apps/storefront) to run this tier`
  console.log(`[starter] ${reason}`)
  writeFileSync(outputFile, JSON.stringify({ passed: 0, failed: 0, skipped: reason, tests: [] }))
  console.log("0 passed, 0 failed")
  process.exit(0)
}

const missing = ensureChromium("starter")
if (missing) {
  console.error(`[starter] ${missing}`)
  console.log("0 passed, 1 failed")
  process.exit(1)
}
rmSync(join(root, "e2e", "starter", "screenshots"), { recursive: true, force: true })

const code = await new Promise((done) => {
  const child = spawn(join(root, "node_modules", ".bin", "ts-node"), ["--transpile-only", join(root, "e2e", "starter", "run.ts"), ...extra], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, DINTERO_STARTER_DIR: starter, MEDUSA_DISABLE_TELEMETRY: "true", E2E_RESULTS_FILE: outputFile },
  })
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig))
  child.on("exit", (c, s) => done(c ?? (s ? 1 : 0)))
})

let passed = 0
let failed = 1
if (existsSync(outputFile)) {
  const result = JSON.parse(readFileSync(outputFile, "utf8"))
  passed = result.passed
  failed = result.failed || (passed === 0 ? 1 : 0)
}
console.log(`[starter] screenshots in e2e/starter/screenshots/; took ${((Date.now() - started) / 1000).toFixed(1)} s`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(code !== 0 || failed > 0 ? 1 : 0)
