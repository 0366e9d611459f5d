// The emulator as its own npm package (emulator/package.json, the `dintero-emulator` bin): packed, installed into
// an empty project as a store's CI would, started with its bin, and used over HTTP: a token, a session, the page.
import { execFileSync, spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { run } from "./minimal-store"

jest.setTimeout(300_000)

const emulatorDir = path.resolve(__dirname, "../../emulator")

describe("the dintero-emulator package", () => {
  let project = ""
  let tarball = ""
  let files: string[] = []
  let child: ChildProcess | undefined

  beforeAll(() => {
    const out = mkdtempSync(path.join(tmpdir(), "dintero-emulator-pack-"))
    // `npm pack` runs prepack (tsc into emulator/dist), as `npm publish` would.
    const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: emulatorDir, stdio: "pipe" }).toString())
    tarball = path.join(out, packed[0].filename)
    files = (packed[0].files as { path: string }[]).map((f) => f.path)
    project = mkdtempSync(path.join(tmpdir(), "dintero-emulator-user-"))
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "store-ci", private: true, version: "0.0.0" }))
  })

  afterAll(() => {
    if (child?.pid && child.exitCode === null) child.kill("SIGTERM")
    rmSync(path.join(emulatorDir, "dist"), { recursive: true, force: true })
    if (project) rmSync(project, { recursive: true, force: true })
  })

  it("packs the compiled server, its bin and declarations, and no tests", () => {
    expect(files).toEqual(
      expect.arrayContaining(["package.json", "dist/emulator/bin.js", "dist/emulator/index.js", "dist/emulator/index.d.ts", "dist/src/dintero/signature.js"])
    )
    expect(files.filter((f) => /__tests__|\.spec\.|\.ts$/.test(f) && !f.endsWith(".d.ts"))).toEqual([])
  })

  it("installs from the tarball and serves Dintero's API from its bin", async () => {
    await run("npm", ["install", "--no-audit", "--no-fund", tarball], project)
    // The library entry (package exports) as well as the bin.
    const exported = await run(process.execPath, ["-e", 'console.log(typeof require("dintero-emulator").startEmulator)'], project)
    expect(exported.output.trim()).toBe("function")
    child = spawn(path.join(project, "node_modules/.bin/dintero-emulator"), [], {
      cwd: project,
      env: { ...process.env, EMULATOR_PORT: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let output = ""
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening on" line in 30 s:\n${output}`)), 30_000)
      child!.stdout!.on("data", (c) => {
        output += c.toString()
        const m = output.match(/listening on (http:\/\/\S+)/)
        if (m) {
          clearTimeout(timer)
          resolve(m[1])
        }
      })
      child!.stderr!.on("data", (c) => (output += c.toString()))
      child!.on("exit", (code) => reject(new Error(`dintero-emulator exited (${code}):\n${output}`)))
    })
    expect(output).toContain("client secret:       emulator-secret")

    const token = await fetch(`${url}/api/v1/accounts/T12345678/auth/token`, {
      method: "POST",
      headers: {
        authorization: "Basic " + Buffer.from("emulator-client:emulator-secret").toString("base64"),
        "content-type": "application/json",
      },
      body: JSON.stringify({ grant_type: "client_credentials", audience: "https://api.dintero.com/v1/accounts/T12345678" }),
    })
    expect(token.status).toBe(200)
    const { access_token } = (await token.json()) as { access_token: string }
    const session = await fetch(`${url}/checkout/v1/sessions-profile`, {
      method: "POST",
      headers: { authorization: `Bearer ${access_token}`, "content-type": "application/json" },
      body: JSON.stringify({
        profile_id: "default",
        url: { return_url: "https://shop.example/return" },
        order: {
          amount: 10000,
          currency: "NOK",
          merchant_reference: "ci-1",
          items: [{ id: "a", line_id: "1", description: "Chair", quantity: 1, amount: 10000, vat_amount: 2000, vat: 25 }],
        },
      }),
    })
    expect(session.status).toBe(200)
    const { id } = (await session.json()) as { id: string }
    // The Web SDK's URL of the embedded page.
    const page = await fetch(`${url}/checkout/v1/view/?sdk=0.8.30&ui=inline&sid=${encodeURIComponent(id)}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain("100.00 NOK")
  })
})
