import { execFileSync } from "node:child_process"
import { existsSync } from "node:fs"
import path from "node:path"

jest.setTimeout(300_000)

const root = path.resolve(__dirname, "../..")

// What a merchant installs: `npm run build` (medusa plugin:build) then the files `npm pack` would publish.
describe("the published package", () => {
  let files: string[] = []

  beforeAll(() => {
    execFileSync(process.execPath, [path.join(root, "node_modules/@medusajs/cli/cli.js"), "plugin:build"], {
      cwd: root,
      stdio: "pipe",
      env: { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true" },
    })
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: root, stdio: "pipe" })
    files = (JSON.parse(out.toString())[0].files as { path: string }[]).map((f) => f.path)
  })

  it("builds the provider, the client and the admin bundle into .medusa/server", () => {
    expect(existsSync(path.join(root, ".medusa/server/src/providers/dintero/index.js"))).toBe(true)
    expect(files).toEqual(
      expect.arrayContaining([
        "package.json",
        ".medusa/server/src/providers/dintero/index.js",
        ".medusa/server/src/dintero/index.js",
        ".medusa/server/src/api/hooks/dintero/callback/route.js",
        ".medusa/server/src/admin/index.js",
        ".medusa/server/src/admin/index.mjs",
      ])
    )
  })

  it("ships no tests, no emulator, no scripts and no dev store config", () => {
    const offending = files.filter(
      (f) =>
        /__tests__|\.spec\.|integration-tests|(^|\/)emulator\/|(^|\/)scripts\/|medusa-config|\.ci\//.test(f) ||
        !(f.startsWith(".medusa/server/src/") || ["package.json", "README.md", "LICENSE"].includes(f))
    )
    expect(offending).toEqual([])
  })

  it("resolves every export the package declares", () => {
    const pkg = require(path.join(root, "package.json"))
    for (const [key, target] of Object.entries<any>(pkg.exports)) {
      if (key.includes("*")) continue
      const file = typeof target === "string" ? target : target.require
      expect([key, existsSync(path.join(root, file))]).toEqual([key, true])
    }
  })
})
