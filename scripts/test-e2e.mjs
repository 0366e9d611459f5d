#!/usr/bin/env node
// `npm run test:e2e`: the real-browser tests (e2e/). Installs Debian's chromium when /usr/bin/chromium is missing
// (apt-get; Playwright never downloads a browser), runs e2e/run.ts and ends with the line `N passed, M failed`.
// Screenshots of every final state: e2e/screenshots/. Usage: node scripts/test-e2e.mjs [-- <test name filter>]
import { spawn } from "node:child_process"
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { ensureChromium } from "./lib/chromium.mjs"

const root = new URL("..", import.meta.url).pathname
const started = Date.now()
const extra = process.argv.includes("--") ? process.argv.slice(process.argv.indexOf("--") + 1) : []
const missing = ensureChromium("e2e")
if (missing) {
  console.error(`[e2e] ${missing}`)
  console.log("0 passed, 1 failed")
  process.exit(1)
}
const screenshots = join(root, "e2e", "screenshots")
rmSync(screenshots, { recursive: true, force: true })
mkdirSync(screenshots, { recursive: true })
const outDir = join(root, ".tmp")
mkdirSync(outDir, { recursive: true })
const outputFile = join(outDir, "e2e-results.json")
rmSync(outputFile, { force: true })

// The tests share one dev store and run serially in one process (e2e/harness.ts); ts-node as the dev scripts use it.
const code = await new Promise((resolve) => {
  const child = spawn(
    join(root, "node_modules", ".bin", "ts-node"),
    ["--transpile-only", join(root, "e2e", "run.ts"), ...extra],
    {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true", E2E_RESULTS_FILE: outputFile },
    }
  )
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig))
  child.on("exit", (c, s) => resolve(c ?? (s ? 1 : 0)))
})

let passed = 0
let failed = 0
if (existsSync(outputFile)) {
  const result = JSON.parse(readFileSync(outputFile, "utf8"))
  passed = result.passed
  failed = result.failed
  if (passed + failed === 0) failed = 1
} else {
  failed = 1
}
console.log(`[e2e] screenshots in e2e/screenshots/; took ${((Date.now() - started) / 1000).toFixed(1)} s`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(code !== 0 || failed > 0 ? 1 : 0)
