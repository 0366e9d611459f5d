import { readFileSync } from "node:fs"
import path from "node:path"
import { installedPackageVersion, systemHeaders } from "../../dintero/config"
import { medusaVersion } from "../dintero-registry"

// Issue 8 item 13: Dintero-System-Version carries Medusa's real version. `require("@medusajs/framework/package.json")`
// throws ERR_PACKAGE_PATH_NOT_EXPORTED, which made it "unknown" every time.
const installed = JSON.parse(
  readFileSync(path.join(__dirname, "../../../node_modules/@medusajs/framework/package.json"), "utf8")
).version as string

describe("Dintero-System-Version", () => {
  it("the framework's package.json is not exported (the old road cannot work)", () => {
    // A CommonJS resolution is what is being tested here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    expect(() => require("@medusajs/framework/package.json")).toThrow(/Cannot find module|not defined by "exports"|ERR_PACKAGE_PATH_NOT_EXPORTED/)
  })

  it("reads an installed package's version from its entry point", () => {
    expect(installed).toMatch(/^\d+\.\d+\.\d+/)
    expect(installedPackageVersion("@medusajs/framework")).toBe(installed)
    expect(installedPackageVersion("no-such-package-medusa-dintero")).toBeUndefined()
  })

  it("the provider's clients send Medusa's real version", () => {
    expect(medusaVersion()).toBe(installed)
    expect(systemHeaders({ name: "medusa", version: medusaVersion() })["Dintero-System-Version"]).toBe(installed)
  })
})
