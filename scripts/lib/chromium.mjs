// Debian's chromium for the real-browser tiers (e2e, starter): installed with apt-get when /usr/bin/chromium is
// missing (as root, or with password-less sudo). Playwright never downloads a browser; CHROMIUM_PATH points elsewhere.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"

/** Returns null when chromium is there (or was installed), else the reason it is not. */
export function ensureChromium(tag) {
  const chromium = process.env.CHROMIUM_PATH || "/usr/bin/chromium"
  if (existsSync(chromium)) return null
  if (process.env.CHROMIUM_PATH) return `CHROMIUM_PATH=${chromium} does not exist`
  console.log(`[${tag}] /usr/bin/chromium is missing: installing Debian's chromium (apt-get)`)
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"]
  for (const args of [["apt-get", "update"], ["apt-get", "install", "-y", "--no-install-recommends", "chromium"]]) {
    const cmd = [...sudo, ...args]
    const r = spawnSync(cmd[0], cmd.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } })
    if (r.status !== 0) return `${cmd.join(" ")} failed; install chromium yourself or set CHROMIUM_PATH`
  }
  return null
}
