// Entry point of the starter tier (scripts/test-starter.mjs starts it with ts-node). Arg: a test-name filter.
import { writeFileSync } from "node:fs"
import { run } from "../harness"
import "./starter.e2e"

const out = process.env.E2E_RESULTS_FILE
run(process.argv[2]).then((results) => {
  if (out) writeFileSync(out, JSON.stringify(results, null, 2))
  if (!out) console.log(`${results.passed} passed, ${results.failed} failed`)
  process.exit(results.failed > 0 ? 1 : 0)
})
