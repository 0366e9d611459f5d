// The shopper's checkout and the merchant's admin in a real browser (Debian's chromium via playwright-core), against
// the dev store: embedded PostgreSQL, the Dintero emulator, `medusa start` with the admin dashboard, and the example
// storefront (storefront/). Screenshots of every final state go to e2e/screenshots/.
import net from "node:net"
import type { Frame, Page } from "playwright-core"
import { startDevStore, type DevStore } from "../scripts/lib/dev-store"
import { startStorefront, type Storefront } from "../scripts/lib/storefront-server"
import { launchBrowser, type Browser } from "./browser"
import { afterAll, beforeAll, describe, expect, it } from "./harness"

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = net.createServer()
    srv.on("error", reject)
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })

const log = (line: string) => process.stdout.write(`[e2e] ${line}\n`)
const timings: Record<string, number> = {}

let dev: DevStore
let shop: Storefront
let browser: Browser
const orders: { orderId: string; cartId: string }[] = []

beforeAll(async () => {
  const started = Date.now()
  shop = await startStorefront({ port: 0 })
  const port = await freePort()
  const backend = `http://localhost:${port}`
  dev = await startDevStore({
    port,
    adminEnabled: true,
    log,
    env: {
      DINTERO_RETURN_URL: shop.returnUrl,
      STORE_CORS: shop.url,
      ADMIN_CORS: backend,
      AUTH_CORS: `${backend},${shop.url}`,
    },
  })
  shop.setConfig({
    backendUrl: dev.backendUrl,
    publishableKey: dev.seeded.publishableKey,
    regionId: dev.seeded.regionId,
    dinteroEndpoint: sdkEndpoint(),
  })
  timings.boot = Date.now() - started
  log(`dev store up in ${(timings.boot / 1000).toFixed(1)} s; storefront ${shop.url}`)
  browser = await launchBrowser()
  // The pages' and the embedded checkout's errors, for the report of a failing test.
  browser.page.on("console", (m) => m.type() === "error" && log(`browser console: ${m.text()}`))
  browser.page.on("pageerror", (e) => log(`browser page error: ${e.message}`))
})

afterAll(async () => {
  await browser?.close()
  await shop?.close()
  await dev?.stop()
  log(`timings (ms): ${JSON.stringify(timings)}`)
})

/** The Web SDK's endpoint for the emulator (configuration, as a store would set it; emulator/web-sdk-protocol.ts). */
const sdkEndpoint = () => `${dev.emulator.checkoutBaseUrl}/view`

/**
 * The embedded Dintero checkout: the emulator's hosted page inside the Web SDK's iframe, loaded from the configured
 * endpoint, sized by its HeightChanged event, and with every event it posted acknowledged by the SDK.
 */
async function checkoutFrame(page: Page): Promise<Frame> {
  const handle = await page.waitForSelector("#dintero-checkout iframe")
  const frame = await handle.contentFrame()
  if (!frame) throw new Error("the Dintero iframe has no frame")
  await frame.waitForSelector("text=Pay order")
  const src = new URL((await handle.getAttribute("src"))!)
  expect(`${src.origin}${src.pathname}`).toBe(`${sdkEndpoint()}/`)
  expect(src.searchParams.get("ui")).toBe("inline")
  expect(src.searchParams.get("sdk")).toMatch(/^\d+\.\d+\.\d+$/)
  await frame.waitForSelector('body[data-unacked="0"]')
  await page.waitForFunction(
    (el) => (el as HTMLIFrameElement).getBoundingClientRect().height > 200,
    handle,
    { timeout: 10_000 }
  )
  return frame
}

async function fillCart(page: Page, quantities: Record<string, number>) {
  await page.goto(shop.url)
  await page.waitForSelector('[data-testid="qty-175938"]')
  for (const [sku, qty] of Object.entries(quantities)) await page.fill(`[data-testid="qty-${sku}"]`, String(qty))
  await page.click('[data-testid="to-payment"]')
}

async function confirmation(page: Page) {
  await page.waitForSelector('[data-testid="order-confirmation"]', { state: "visible", timeout: 60_000 })
  const orderId = await page.getAttribute("body", "data-order-id")
  if (!orderId) throw new Error("no order id on the confirmation page")
  return orderId
}

/** `it` that leaves a screenshot of the page as it was when the test failed (e2e/screenshots/FAILED-*.png). */
function test(name: string, fn: () => Promise<void>, timeout?: number) {
  it(
    name,
    async () => {
      try {
        await fn()
      } catch (e) {
        await browser?.screenshot(browser.page, `FAILED-${name.replace(/[^a-z0-9]+/gi, "-").slice(0, 60)}`).catch(() => undefined)
        throw e
      }
    },
    timeout
  )
}

describe("storefront", () => {
  test("pays with the embedded Dintero checkout and shows the order confirmation", async () => {
    const t = Date.now()
    const { page } = browser
    await fillCart(page, { "175938": 2, "003929": 1 })
    const frame = await checkoutFrame(page)
    // The hosted page shows the cart's real lines and total: 2 × 199 + 1 × 398 + 49 shipping = 845.00 NOK.
    expect(await frame.textContent("#total")).toBe("845.00 NOK")
    await browser.screenshot(page, "01-storefront-embedded-checkout")
    await frame.selectOption('select[name="payment_product_type"]', "dintero_psp.vipps")
    await frame.click('button:text-is("Pay")')
    const orderId = await confirmation(page)
    expect(await page.textContent('[data-testid="order-total"]')).toContain("845,00")
    await browser.screenshot(page, "02-storefront-order-confirmation")
    const url = new URL(page.url())
    orders.push({ orderId, cartId: url.searchParams.get("merchant_reference")! })
    expect(url.pathname).toBe("/return.html")
    expect(url.searchParams.get("transaction_id")).toMatch(/^T12345678\./)
    const order = await dev.admin.getOrder(orderId)
    expect(order.total).toBe(845)
    expect(order.payment_collections[0].payments[0].data.transaction_id).toBe(url.searchParams.get("transaction_id"))
    timings.pay = Date.now() - t
  })

  test("shows the decline, keeps the cart, and pays on the second try", async () => {
    const t = Date.now()
    const { page } = browser
    await fillCart(page, { "175938": 1 })
    let frame = await checkoutFrame(page)
    await frame.click('button:text-is("Decline")')
    await page.waitForSelector('[data-testid="payment-error"]', { state: "visible" })
    expect(new URL(page.url()).searchParams.get("error")).toBe("authorization")
    expect(await page.textContent('[data-testid="payment-error"]')).toContain("declined")
    await browser.screenshot(page, "03-storefront-declined")
    const cartId = new URL(page.url()).searchParams.get("merchant_reference")!
    const cart = await dev.store.getCart(cartId)
    expect(cart.completed_at).toBeFalsy()

    await page.click('[data-testid="try-again"]')
    frame = await checkoutFrame(page)
    await frame.click('button:text-is("Pay")')
    const orderId = await confirmation(page)
    expect(new URL(page.url()).searchParams.get("merchant_reference")).toBe(cartId)
    expect(orderId).toMatch(/^order_/)
    timings.decline = Date.now() - t
  })

  test("shows the cancellation, and pays by redirect to Dintero's page on the second try", async () => {
    const t = Date.now()
    const { page } = browser
    await fillCart(page, { "003929": 3 })
    const frame = await checkoutFrame(page)
    await frame.click('button:text-is("Cancel")')
    await page.waitForSelector('[data-testid="payment-error"]', { state: "visible" })
    expect(new URL(page.url()).searchParams.get("error")).toBe("cancelled")
    expect(await page.textContent('[data-testid="payment-error"]')).toContain("cancelled the payment")
    await browser.screenshot(page, "04-storefront-cancelled")

    await page.click('[data-testid="try-again"]')
    await checkoutFrame(page)
    await page.click('[data-testid="pay-redirect"]')
    await page.waitForSelector("text=Pay order")
    expect(page.url()).toContain("/checkout/v1/view/")
    await page.click('button:text-is("Pay")')
    await confirmation(page)
    timings.cancel = Date.now() - t
  })
})

describe("storefront: the cart changes while the embedded page is open", () => {
  test("locks the session, updates it, refreshes the page in place, and the order is for the new amount", async () => {
    const t = Date.now()
    const { page } = browser
    // As Dintero's spec says: once the page is rendered, only a session the page locked may be updated.
    dev.emulator.options.strictSessionLock = true
    try {
      await fillCart(page, { "175938": 1, "003929": 0 })
      const frame = await checkoutFrame(page)
      expect(await frame.textContent("#total")).toBe("248.00 NOK")
      const iframe = await page.waitForSelector("#dintero-checkout iframe")
      const sid = new URL((await iframe.getAttribute("src"))!).searchParams.get("sid")!

      await page.fill('[data-testid="pay-qty-175938"]', "3")
      await page.click('[data-testid="update-cart"]')
      // 3 × 199 + 49 shipping = 646.00 NOK, shown by the same page after refreshSession().
      await frame.waitForFunction(() => document.getElementById("total")?.textContent === "646.00 NOK", undefined, { timeout: 30_000 })
      await frame.waitForSelector('body[data-locked="false"]')
      expect(await page.textContent('[data-testid="cart-summary"]')).toContain("646,00")
      expect(await page.locator("#dintero-checkout iframe").count()).toBe(1)
      expect(new URL((await iframe.getAttribute("src"))!).searchParams.get("sid")).toBe(sid)
      const session = dev.emulator.state.sessions.find((s: any) => s.id === sid) as any
      expect(session.cancelled_at).toBeUndefined()
      expect(session.order.amount).toBe(64600)
      const names: string[] = session.events.map((e: any) => e.name)
      expect(names.indexOf("PAY_LOCK_START")).toBeLessThan(names.indexOf("UPDATE_SESSION"))
      expect(names.indexOf("UPDATE_SESSION")).toBeLessThan(names.lastIndexOf("PAY_LOCK_END"))
      const puts = dev.emulator.requests.filter((r: any) => r.method === "PUT" && r.path.endsWith(`/sessions/${sid}`)) as any[]
      expect(puts).toEqual([expect.objectContaining({ status: 200, query: {} })])
      await browser.screenshot(page, "08-storefront-cart-changed-refreshed")

      await frame.click('button:text-is("Pay")')
      const orderId = await confirmation(page)
      const order = await dev.admin.getOrder(orderId)
      expect(order.total).toBe(646)
      const txId = order.payment_collections[0].payments[0].data.transaction_id
      const tx = dev.emulator.state.transactions.find((x: any) => x.id === txId) as any
      expect(tx).toMatchObject({ session_id: sid, amount: 64600 })
    } finally {
      dev.emulator.options.strictSessionLock = false
    }
    timings.cartChange = Date.now() - t
  })
})

describe("admin", () => {
  async function login(page: Page) {
    const t = Date.now()
    await page.goto(`${dev.backendUrl}/app/login`, { timeout: 180_000, waitUntil: "domcontentloaded" })
    // The dev server compiles the dashboard on first load.
    await page.waitForSelector('input[name="email"]', { timeout: 180_000 })
    await page.fill('input[name="email"]', dev.seeded.admin.email)
    await page.fill('input[name="password"]', dev.seeded.admin.password)
    await page.click('button[type="submit"]')
    await page.waitForURL((u) => !u.pathname.endsWith("/login"), { timeout: 120_000 })
    timings.adminLogin = Date.now() - t
  }

  async function waitForMirror(orderId: string) {
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const res = await dev.admin.request("get", `/admin/dintero/orders/${orderId}`)
      const ops: any[] = res.body?.operations ?? []
      if (res.status === 200 && res.body?.dintero_order_mirror?.dintero_order_id && ops.length && ops.every((o) => o.status === "done" || o.status === "skipped")) {
        return res.body
      }
      await new Promise((r) => setTimeout(r, 500))
    }
    throw new Error(`the Orders mirror of ${orderId} did not settle`)
  }

  test("shows the order's Dintero transaction, amounts and Orders API mirror in the order widget", async () => {
    const t = Date.now()
    const { page } = browser
    const { orderId } = orders[0] ?? (() => { throw new Error("the storefront test placed no order") })()
    // The merchant captures part of it first: the widget must show Dintero's captured amount.
    const order = await dev.admin.getOrder(orderId)
    const payment = order.payment_collections[0].payments[0]
    expect((await dev.admin.capture(payment.id, 199)).status).toBe(200)
    const mirror = await waitForMirror(orderId)

    await login(page)
    await page.goto(`${dev.backendUrl}/app/orders/${orderId}`, { waitUntil: "domcontentloaded", timeout: 120_000 })
    const status = page.locator('[data-testid="dintero-transaction-status"]')
    await status.waitFor({ timeout: 90_000 })
    expect(await status.textContent()).toContain("PARTIALLY_CAPTURED")
    expect(await page.textContent('[data-testid="dintero-transaction-id"]')).toContain(payment.data.transaction_id)
    expect(await page.textContent('[data-testid="dintero-payment-method"]')).toBe("dintero_psp.vipps")
    expect(await page.textContent('[data-testid="dintero-authorized"]')).toBe("845,00 NOK")
    expect(await page.textContent('[data-testid="dintero-captured"]')).toBe("199,00 NOK")
    expect(await page.textContent('[data-testid="dintero-refunded"]')).toBe("0,00 NOK")
    expect(await page.getAttribute('[data-testid="dintero-backoffice-link"]', "href")).toBe(
      `https://backoffice.dintero.com/T12345678/payments/transactions/${payment.data.transaction_id}`
    )
    await page.locator('[data-testid="dintero-mirror"]').waitFor()
    expect(await page.textContent('[data-testid="dintero-order-id"]')).toContain(mirror.dintero_order_mirror.dintero_order_id)
    const opStatuses = await page.locator('[data-testid="dintero-operation"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-status")))
    expect(opStatuses.length).toBeGreaterThan(0)
    expect(opStatuses.every((s) => s === "done" || s === "skipped")).toBe(true)
    await page.locator('[data-testid="dintero-widget"]').scrollIntoViewIfNeeded()
    await browser.screenshot(page, "05-admin-order-widget")
    timings.adminWidget = Date.now() - t
  })

  /**
   * An order placed through the store API, no browser (the admin tests look only at the widget): one chair, paid at
   * Dintero with `status`; Dintero's callback places the order, and completing the cart again answers it.
   */
  async function orderPaidThroughApi(status: "AUTHORIZED" | "ON_HOLD") {
    const cart = await dev.store.prepareCart({
      regionId: dev.seeded.regionId,
      shippingOptionId: dev.seeded.shippingOptionId,
      items: [{ variant_id: dev.seeded.variants.outdoor, quantity: 1 }],
    })
    const { session } = await dev.store.initiatePaymentSession(cart.id)
    const paid = await dev.emulator.pay(session.data.dintero_session_id, status)
    await dev.emulator.waitForCallbacks()
    const completed = await dev.store.completeCart(cart.id)
    expect(completed.body?.type).toBe("order")
    return { orderId: completed.body.order.id as string, transactionId: paid.transaction!.id as string }
  }

  // Issue 9, ON_HOLD: what the merchant sees while the payment is held and once the hold has failed (the JSON behind
  // it is tested in integration-tests/http/callbacks.spec.ts; this is the widget a person reads).
  test("shows a payment on hold in the order widget, then its failure in red with Dintero's reason", async () => {
    const t = Date.now()
    const { page } = browser
    const { orderId, transactionId } = await orderPaidThroughApi("ON_HOLD")

    await page.goto(`${dev.backendUrl}/app/orders/${orderId}`, { waitUntil: "domcontentloaded", timeout: 120_000 })
    const onHold = page.locator('[data-testid="dintero-on-hold"]')
    await onHold.waitFor({ timeout: 90_000 })
    expect(await onHold.textContent()).toContain("Payment on hold at Dintero")
    expect(await page.textContent('[data-testid="dintero-held-status"]')).toContain("ON_HOLD")
    await browser.screenshot(page, "05b-admin-order-on-hold")

    await dev.emulator.resolveOnHold(transactionId, "FAILED")
    await dev.emulator.waitForCallbacks()
    await page.reload({ waitUntil: "domcontentloaded" })
    const failed = page.locator('[data-testid="dintero-hold-failed"]')
    await failed.waitFor({ timeout: 90_000 })
    expect(await failed.textContent()).toContain("Payment on hold failed at Dintero: payment failed at Dintero (FAILED: The payment failed)")
    expect(await page.textContent('[data-testid="dintero-held-status"]')).toContain("FAILED")
    expect(await page.locator('[data-testid="dintero-on-hold"]').count()).toBe(0)
    await browser.screenshot(page, "05c-admin-order-hold-failed")
    timings.adminHold = Date.now() - t
  })

  // Issue 9: an edit that raises a captured order's total is paid through a Dintero payment link, which the widget
  // shows (the route behind it is tested in integration-tests/http/orders-mirror.spec.ts).
  test("shows the payment link for what an edit added to a captured order", async () => {
    const t = Date.now()
    const { page } = browser
    const { orderId } = await orderPaidThroughApi("AUTHORIZED")
    const payment = (await dev.admin.getOrder(orderId)).payment_collections[0].payments[0]
    expect((await dev.admin.capture(payment.id)).status).toBe(200)

    await dev.admin.ok("post", "/admin/order-edits", { order_id: orderId })
    await dev.admin.ok("post", `/admin/order-edits/${orderId}/items`, { items: [{ variant_id: dev.seeded.variants.indoor, quantity: 1, unit_price: 500 }] })
    await dev.admin.ok("post", `/admin/order-edits/${orderId}/request`, {})
    await dev.admin.ok("post", `/admin/order-edits/${orderId}/confirm`, {})
    // The plugin opens the Dintero session for the difference after the edit's event.
    let link: { url: string; amount: number } | null = null
    const deadline = Date.now() + 60_000
    while (!link && Date.now() < deadline) {
      link = (await dev.admin.request("get", `/admin/dintero/orders/${orderId}`)).body?.payment_link ?? null
      if (!link) await new Promise((r) => setTimeout(r, 500))
    }
    if (!link) throw new Error(`no payment link for order ${orderId}'s outstanding amount`)
    expect(link.amount).toBeGreaterThan(0)

    await page.goto(`${dev.backendUrl}/app/orders/${orderId}`, { waitUntil: "domcontentloaded", timeout: 120_000 })
    const row = page.locator('[data-testid="dintero-payment-link"]')
    await row.waitFor({ timeout: 90_000 })
    expect(await row.locator("a").getAttribute("href")).toBe(link.url)
    expect(await row.locator("a").textContent()).toMatch(/^Pay \d/)
    await row.scrollIntoViewIfNeeded()
    await browser.screenshot(page, "05d-admin-order-payment-link")
    timings.adminPaymentLink = Date.now() - t
  })

  test("shows the settings and tests the connection, with Dintero's message when it fails", async () => {
    const t = Date.now()
    const { page } = browser
    await page.goto(`${dev.backendUrl}/app/settings/dintero`, { waitUntil: "domcontentloaded", timeout: 120_000 })
    await page.locator('[data-testid="dintero-account-id"]').waitFor({ timeout: 90_000 })
    expect(await page.textContent('[data-testid="dintero-account-id"]')).toBe("T12345678")
    expect(await page.textContent('[data-testid="dintero-client-secret"]')).toBe("********")
    expect(await page.textContent('[data-testid="dintero-callback-url"]')).toContain(`${dev.backendUrl}/hooks/dintero/callback`)
    expect(await page.content()).not.toContain(dev.emulator.options.clientSecret)

    await page.click('[data-testid="dintero-test-connection"]')
    await page.locator('[data-testid="dintero-connection-result"][data-ok="true"]').waitFor()
    expect(await page.textContent('[data-testid="dintero-check-profile"]')).toContain('Payment profile "default" accepted')
    await browser.screenshot(page, "06-admin-settings-connection-ok")

    // The profile disappears at Dintero: the test says so in Dintero's words.
    dev.emulator.options.profiles = ["another-profile"]
    try {
      await page.click('[data-testid="dintero-test-connection"]')
      await page.locator('[data-testid="dintero-connection-result"][data-ok="false"]').waitFor()
      expect(await page.textContent('[data-testid="dintero-check-profile"]')).toContain("payment profile default not found")
      await browser.screenshot(page, "07-admin-settings-connection-failed")
    } finally {
      dev.emulator.options.profiles = ["default"]
    }
    timings.adminSettings = Date.now() - t
  })
})
