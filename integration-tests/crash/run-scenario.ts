import { spawn } from "node:child_process"
import path from "node:path"

const ROOT = path.resolve(__dirname, "..", "..")

/**
 * Runs a crash scenario (a file of this folder) in its own process, as the crash specs need: the scenario kills and
 * restarts Medusa itself. Its stderr is shown as it comes; its result is the stdout line starting with `marker`, parsed.
 */
export function runCrashScenario<T>(file: string, marker: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", path.join("integration-tests", "crash", file)], {
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
    child.on("close", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith(`${marker} `))
      if (!line) return reject(new Error(`the crash scenario gave no result (exit ${code}):\n${stderr.slice(-4000)}`))
      process.stderr.write(`${line}\n`)
      resolve(JSON.parse(line.slice(marker.length + 1)) as T)
    })
  })
}
