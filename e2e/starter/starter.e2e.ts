// Medusa's Next.js starter with the Dintero integration applied exactly as README.md says (readme-steps.ts), built
// and started against the dev store (embedded PostgreSQL, `medusa start`, the Dintero emulator), then clicked
// through in Debian's chromium: redirect pay, embedded pay, a promotion code while the embedded checkout is open,
// decline → try again, cancel → try again, each ending
// on the starter's order confirmation. Screenshots: e2e/starter/screenshots/.
import { spawn, type ChildProcess } from "node:child_process"
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import http from "node:http"
import net from "node:net"
import { tmpdir } from "node:os"
import path from "node:path"
import type { Frame, Page } from "playwright-core"
import { startDevStore, type DevStore } from "../../scripts/lib/dev-store"
import { launchBrowser, type Browser } from "../browser"
import { afterAll, beforeAll, describe, expect, it } from "../harness"
import { readStarterSteps } from "./readme-steps"

const ROOT = path.resolve(__dirname, "..", "..")
const STARTER = process.env.DINTERO_STARTER_DIR || path.resolve(ROOT, "..", "shared", "starters", "dtc-storefront")
export const SCREENSHOTS = path.join(__dirname, "screenshots")
const COUNTRY = "no"

const log = (line: string) => process.stdout.write(`[starter] ${line}\n`)
const timings: Record<string, number> = {}
const children: ChildProcess[] = []

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

/** Runs a shell command in the starter copy; rejects with its last output lines. */
function sh(command: string, cwd: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-euo", "pipefail", "-c", command], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    })
    let out = ""
    const keep = (c: Buffer) => (out = (out + c.toString()).slice(-6000))
    child.stdout.on("data", keep)
    child.stderr.on("data", keep)
    child.on("error", reject)
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`\`${command}\` failed (exit ${code}):\n${out}`))))
  })
}

const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
  const t = Date.now()
  try {
    return await fn()
  } finally {
    timings[name] = Date.now() - t
    log(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`)
  }
}

function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (child.exitCode !== null) return reject(new Error(`next start exited (${child.exitCode}) before ${url} answered`))
      if (Date.now() > deadline) return reject(new Error(`${url} did not answer within ${timeoutMs / 1000} s`))
      const req = http.get(url, { timeout: 5000 }, (res) => {
        res.resume()
        if ((res.statusCode ?? 0) < 500) resolve()
        else setTimeout(attempt, 500)
      })
      req.on("timeout", () => req.destroy())
      req.on("error", () => setTimeout(attempt, 500))
    }
    attempt()
  })
}

let dev: DevStore
let browser: Browser
let shopUrl = ""
let workDir = ""
let nextProcess: ChildProcess | undefined

beforeAll(async () => {
  const started = Date.now()
  const steps = readStarterSteps()
  const port = await freePort()
  const backendPort = await freePort()
  // Origins on purpose: the shop on localhost, Dintero (the emulator) on 127.0.0.1, so that, as in production,
  // Dintero's redirect back to the shop is cross-site and arrives without the SameSite=Strict cart cookie.
  shopUrl = `http://localhost:${port}`
  workDir = mkdtempSync(path.join(tmpdir(), "dintero-starter-"))
  log(`starter ${STARTER} → ${workDir}`)
  cpSync(STARTER, workDir, { recursive: true, filter: (src) => !/[/\\](node_modules|\.next)$/.test(src) })

  // The README's steps (files, patch, npm install) while the dev store boots.
  const applied = timed("apply the README steps (copy, patch, npm install)", async () => {
    for (const command of steps.commands) await sh(command, workDir, { DINTERO_REPO: ROOT })
  })
  dev = await timed("dev store", () =>
    startDevStore({
      port: backendPort,
      log,
      env: {
        DINTERO_RETURN_URL: `${shopUrl}/{country_code}/checkout/dintero/return`,
        STORE_CORS: shopUrl,
        AUTH_CORS: shopUrl,
      },
    })
  )
  await applied

  // .env.local with the names the README gives, filled for this store.
  const values: Record<string, string> = {
    NEXT_PUBLIC_MEDUSA_BACKEND_URL: dev.backendUrl,
    NEXT_PUBLIC_MEDUSA_PUBLISHABLE_KEY: dev.seeded.publishableKey,
    NEXT_PUBLIC_DEFAULT_REGION: COUNTRY,
    NEXT_PUBLIC_BASE_URL: shopUrl,
    NEXT_PUBLIC_DINTERO_CHECKOUT_ENDPOINT: `${dev.emulator.checkoutBaseUrl}/view`,
  }
  const unknown = steps.envNames.filter((n) => !(n in values))
  if (unknown.length) throw new Error(`README.md sets ${unknown.join(", ")}, which the starter tier does not know`)
  writeFileSync(path.join(workDir, ".env.local"), steps.envNames.map((n) => `${n}=${values[n]}\n`).join(""))

  // The starter's next.config.js skips type errors in `next build`: type-check on its own first.
  await timed("tsc --noEmit", () => sh("node_modules/.bin/tsc --noEmit -p .", workDir))
  await timed("next build", () => sh("node_modules/.bin/next build", workDir, { NEXT_TELEMETRY_DISABLED: "1" }))
  nextProcess = spawn(path.join(workDir, "node_modules", ".bin", "next"), ["start", "-p", String(port), "-H", "localhost"], {
    cwd: workDir,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  })
  nextProcess.stdout?.on("data", () => undefined)
  nextProcess.stderr?.on("data", (c) => log(`next: ${c.toString().trim()}`))
  children.push(nextProcess)
  await timed("next start", () => waitForHttp(`${shopUrl}/${COUNTRY}`, nextProcess!, 120_000))
  browser = await launchBrowser(SCREENSHOTS)
  browser.page.on("pageerror", (e) => log(`browser page error: ${e.message}`))
  timings.setup = Date.now() - started
})

afterAll(async () => {
  await browser?.close()
  for (const child of children) {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM")
    } catch {
      // gone already
    }
  }
  await dev?.stop()
  if (workDir && !process.env.KEEP_STARTER) rmSync(workDir, { recursive: true, force: true })
  log(`timings (ms): ${JSON.stringify(timings)}`)
})

/** A cart ready for payment (items, address, shipping), made through the Store API, in this browser's cookie. */
async function cartInBrowser(page: Page, quantity = 1): Promise<string> {
  const cart = await dev.store.prepareCart({
    regionId: dev.seeded.regionId,
    shippingOptionId: dev.seeded.shippingOptionId,
    items: [{ variant_id: dev.seeded.variants.outdoor, quantity }],
  })
  await page.context().clearCookies()
  await page.context().addCookies([
    { name: "_medusa_cart_id", value: cart.id, url: shopUrl, sameSite: "Strict", httpOnly: true },
  ])
  return cart.id
}

/** The starter's payment step: pick Dintero (its entry with the icon), continue to review. */
async function chooseDintero(page: Page) {
  await page.goto(`${shopUrl}/${COUNTRY}/checkout?step=payment`)
  await page.click("text=Dintero (card, Vipps, Klarna and more)")
  await page.click('[data-testid="submit-payment-button"]')
  await page.waitForURL(/step=review/)
}

/** The embedded checkout in the review step: the emulator's page in the Web SDK's iframe. */
async function embedded(page: Page): Promise<{ frame: Frame; sid: string }> {
  const handle = await page.waitForSelector('[data-testid="dintero-embedded-checkout"] iframe', { timeout: 60_000 })
  const frame = await handle.contentFrame()
  if (!frame) throw new Error("the Dintero iframe has no frame")
  await frame.waitForSelector("text=Pay order")
  await frame.waitForSelector('body[data-unacked="0"]')
  const src = new URL((await handle.getAttribute("src"))!)
  expect(`${src.origin}${src.pathname}`).toBe(`${dev.emulator.checkoutBaseUrl}/view/`)
  return { frame, sid: src.searchParams.get("sid")! }
}

/** The starter's order confirmation; returns the order id (and checks it is this cart's order, paid by Dintero). */
async function confirmed(page: Page, cartId: string, screenshot: string): Promise<string> {
  await page.waitForURL(new RegExp(`/${COUNTRY}/order/order_[0-9A-Z]+/confirmed`), { timeout: 90_000 })
  await page.waitForSelector('[data-testid="order-complete-container"]', { timeout: 60_000 })
  await browser.screenshot(page, screenshot)
  const orderId = new URL(page.url()).pathname.split("/")[3]
  const order = await dev.admin.getOrder(orderId)
  const payment = order.payment_collections[0].payments[0]
  expect(payment.provider_id).toBe("pp_dintero_dintero")
  expect(payment.data.transaction_id).toMatch(/^T12345678\./)
  expect((await dev.store.getCart(cartId)).completed_at).toBeTruthy()
  return orderId
}

async function problem(page: Page, error: string, screenshot: string) {
  await page.waitForSelector(`[data-testid="dintero-problem-text"][data-error="${error}"]`, { timeout: 60_000 })
  await browser.screenshot(page, screenshot)
}

/** `it` that leaves a screenshot of the page as it was when the test failed. */
function test(name: string, fn: () => Promise<void>) {
  it(name, async () => {
    try {
      await fn()
    } catch (e) {
      await browser?.screenshot(browser.page, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`).catch(() => undefined)
      throw e
    }
  })
}

describe("Next.js starter", () => {
  test("redirect: pays on Dintero's page, comes back without the cart cookie and sees the order confirmation", async () => {
    const { page } = browser
    const cartId = await cartInBrowser(page)
    // The Cookie header the browser sends to the store's pages (checkout) and to the return Route Handler.
    const sent: { url: string; cookie: string }[] = []
    const onRequest = async (req: import("playwright-core").Request) => {
      if (req.isNavigationRequest() && req.url().startsWith(shopUrl)) {
        sent.push({ url: req.url(), cookie: (await req.allHeaders()).cookie ?? "" })
      }
    }
    page.on("request", onRequest)
    await chooseDintero(page)
    // The review step is interactive once the embedded checkout is up (the button's handler is hydrated).
    await embedded(page)
    await page.click('[data-testid="dintero-redirect-button"]')
    await page.waitForURL((u) => u.pathname.includes("/checkout/v1/view/"))
    await page.click('button:text-is("Pay")')
    await confirmed(page, cartId, "starter-01-redirect-confirmed")
    page.off("request", onRequest)
    // Positive control: on the store's own navigation the cart cookie is sent (and seen here)…
    const checkout = sent.find((r) => r.url.includes(`/${COUNTRY}/checkout?step=payment`))
    expect(checkout?.cookie).toContain(`_medusa_cart_id=${cartId}`)
    // …but not on Dintero's redirect (cross-site, SameSite=Strict): the return route did without it.
    const returnCookies = sent.filter((r) => r.url.includes("/checkout/dintero/return")).map((r) => r.cookie)
    expect(returnCookies).toHaveLength(1)
    expect(returnCookies[0]).not.toContain("_medusa_cart_id")
  })

  test("embedded: pays in the Web SDK's checkout and sees the order confirmation", async () => {
    const { page } = browser
    const cartId = await cartInBrowser(page, 2)
    await chooseDintero(page)
    const { frame } = await embedded(page)
    expect(await frame.textContent("#total")).toBe("447.00 NOK") // 2 × 199 + 49 shipping
    await frame.click('button:text-is("Pay")')
    await confirmed(page, cartId, "starter-02-embedded-confirmed")
  })

  test("a promotion code while the embedded checkout is open: lock → update → refresh, and the order is for the new amount", async () => {
    const { page } = browser
    await dev.admin.ok("post", "/admin/promotions", {
      code: "DINTERO10",
      type: "standard",
      status: "active",
      is_automatic: false,
      application_method: { type: "percentage", target_type: "items", allocation: "across", value: 10, currency_code: "nok" },
    })
    // Dintero's rule once the page is rendered: only a session the page locked may be updated.
    dev.emulator.options.strictSessionLock = true
    try {
      const cartId = await cartInBrowser(page, 1)
      await chooseDintero(page)
      const { frame, sid } = await embedded(page)
      expect(await frame.textContent("#total")).toBe("248.00 NOK") // 199 + 49 shipping
      await page.click('[data-testid="add-discount-button"]')
      await page.fill('[data-testid="discount-input"]', "DINTERO10")
      await page.click('[data-testid="discount-apply-button"]')
      // 199 − 10 % = 179.10, + 49 shipping: the same Dintero session shows it (refreshed, or mounted again).
      const after = await (async () => {
        const deadline = Date.now() + 60_000
        while (Date.now() < deadline) {
          const current = await embedded(page).catch(() => undefined)
          if (current && (await current.frame.textContent("#total").catch(() => "")) === "228.10 NOK") return current
          await page.waitForTimeout(250)
        }
        throw new Error("the embedded checkout never showed 228.10 NOK")
      })()
      expect(after.sid).toBe(sid)
      const session = dev.emulator.state.sessions.find((s: any) => s.id === sid) as any
      expect(session.cancelled_at).toBeUndefined()
      const names: string[] = session.events.map((e: any) => e.name)
      expect(names.indexOf("PAY_LOCK_START")).toBeLessThan(names.indexOf("UPDATE_SESSION"))
      expect(names.indexOf("UPDATE_SESSION")).toBeLessThan(names.lastIndexOf("PAY_LOCK_END"))
      const puts = dev.emulator.requests.filter((r: any) => r.method === "PUT" && r.path.endsWith(`/sessions/${sid}`)) as any[]
      expect(puts).toEqual([expect.objectContaining({ status: 200, query: {} })])
      await after.frame.waitForSelector('body[data-locked="false"]')
      await after.frame.click('button:text-is("Pay")')
      const orderId = await confirmed(page, cartId, "starter-05-promotion-while-open-confirmed")
      expect((await dev.admin.getOrder(orderId)).total).toBe(228.1)
    } finally {
      dev.emulator.options.strictSessionLock = false
    }
  })

  test("decline → problem page → try again (a new Dintero session) → order confirmation", async () => {
    const { page } = browser
    const cartId = await cartInBrowser(page)
    await chooseDintero(page)
    const first = await embedded(page)
    await first.frame.click('button:text-is("Decline")')
    await problem(page, "authorization", "starter-03-declined")
    expect((await dev.store.getCart(cartId)).completed_at).toBeFalsy()
    await page.click('[data-testid="dintero-try-again"]')
    await page.waitForURL(/step=review/)
    const second = await embedded(page)
    expect(second.sid).not.toBe(first.sid)
    await second.frame.click('button:text-is("Pay")')
    await confirmed(page, cartId, "starter-04-decline-retry-confirmed")
  })

  test("cancel on Dintero's page → problem page → try again → order confirmation", async () => {
    const { page } = browser
    const cartId = await cartInBrowser(page)
    await chooseDintero(page)
    const first = await embedded(page)
    await page.click('[data-testid="dintero-redirect-button"]')
    await page.waitForURL((u) => u.pathname.includes("/checkout/v1/view/"))
    await page.click('button:text-is("Cancel")')
    await problem(page, "cancelled", "starter-05-cancelled")
    // The cancelled session is not reused although the starter's cached cart still shows it pending.
    await page.click('[data-testid="dintero-try-again"]')
    await page.waitForURL(/step=review/)
    const second = await embedded(page)
    expect(second.sid).not.toBe(first.sid)
    expect(dev.emulator.state.sessions.find((s: { id: string }) => s.id === first.sid)?.cancelled_at).toBeTruthy()
    await second.frame.click('button:text-is("Pay")')
    await confirmed(page, cartId, "starter-06-cancel-retry-confirmed")
  })
})
