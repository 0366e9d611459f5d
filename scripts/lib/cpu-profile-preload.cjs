/**
 * Preloaded into the medusa processes by `npm run bench` when BENCH_CPU_PROF_DIR is set (node refuses --cpu-prof in
 * NODE_OPTIONS): profiles the whole process with V8's sampling profiler and writes <dir>/medusa-<pid>.cpuprofile when
 * it exits (an in-process inspector session answers synchronously, so the 'exit' handler can still write it).
 */
const inspector = require("node:inspector")
const fs = require("node:fs")
const path = require("node:path")

const dir = process.env.BENCH_CPU_PROF_DIR
if (dir && /medusa/.test(process.argv.join(" ")) && process.argv.includes("start")) {
  const session = new inspector.Session()
  session.connect()
  session.post("Profiler.enable")
  session.post("Profiler.setSamplingInterval", { interval: 1000 })
  session.post("Profiler.start")
  let written = false
  const write = () => {
    if (written) return
    written = true
    session.post("Profiler.stop", (err, result) => {
      if (!err && result?.profile) fs.writeFileSync(path.join(dir, `medusa-${process.pid}.cpuprofile`), JSON.stringify(result.profile))
    })
  }
  process.on("exit", write)
  // Medusa's own SIGTERM handler exits; without one, this makes sure the profile is written before the default exit.
  process.once("SIGTERM", () => {
    write()
    setTimeout(() => process.exit(143), 50).unref()
  })
}
