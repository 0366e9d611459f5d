/**
 * Crash test: Medusa SIGKILLed during a burst of cart completions and captures, then restarted (the scenario runs in
 * its own process, integration-tests/crash/crash-scenario.ts, against the real store: `medusa start` from source, its
 * own database on this tier's PostgreSQL, the emulator). Within the reconciliation's interval (3 s there) plus the
 * outbox's resumption of operations a dead process left behind, every paid order and every capture is mirrored
 * exactly once, and every authorization Dintero holds belongs to a Medusa order.
 */
import { spawn } from "node:child_process"
import path from "node:path"

jest.setTimeout(900_000)

const ROOT = path.resolve(__dirname, "..", "..")

function runScenario(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(path.join(ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", "integration-tests/crash/crash-scenario.ts"], {
      cwd: ROOT,
      env: process.env,
      stdio: ["ignore", "pipe", "pipe"],
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (c) => (stdout += c))
    child.stderr.on("data", (c) => {
      stderr += c
      process.stderr.write(c)
    })
    child.on("close", (code) => resolve({ code, stdout, stderr }))
  })
}

describe("crash: SIGKILL during a burst of completions and captures", () => {
  it("after the restart, every paid order and every capture is mirrored exactly once, no authorization is orphaned", async () => {
    const run = await runScenario()
    const line = run.stdout.split("\n").find((l) => l.startsWith("CRASH_RESULT "))
    if (!line) throw new Error(`the crash scenario gave no result (exit ${run.code}):\n${run.stderr.slice(-4000)}`)
    process.stderr.write(`${line}\n`)
    const result = JSON.parse(line.slice("CRASH_RESULT ".length))
    // Positive control: the crash did cut requests off (otherwise this test shows nothing).
    expect(result.requests_cut_off).toBeGreaterThan(0)
    expect(result.problems).toEqual([])
    // Every shopper who paid has an order (the reconciliation completed the carts whose completion was cut off).
    expect(result.orders).toBe(result.captured_orders + result.paid_carts)
    // Every capture the admin saw succeed is in Medusa (and, by the check above, mirrored once).
    expect(result.captures_seen_ok_not_in_medusa).toEqual([])
    expect(result.reconciliation_runs).toBeGreaterThan(0)
  })
})
