// `npm run demo`: the whole plugin on a fresh clone, against the local Dintero emulator. Starts embedded PostgreSQL,
// the emulator and `medusa start`, seeds the dev store, pays a cart through the Store HTTP API and the hosted payment
// page as a shopper and storefront would, then captures (twice) and refunds through the Admin HTTP API, printing
// Dintero's transaction after every step. Exits 0 when every step did what it should.
import axios from "axios"
import { startDevStore, type DevStore } from "./lib/dev-store"

const started = Date.now()
const seconds = () => `${((Date.now() - started) / 1000).toFixed(1)} s`

// ---- money: integers in øre; Medusa's API speaks decimal NOK, converted through strings, never float math ----

/** Medusa amount (decimal major units, e.g. 845 or 49.5) → øre. */
function toMinor(value: number | string): number {
  const text = typeof value === "number" ? String(value) : value.trim()
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text)
  if (!m) throw new Error(`not a decimal amount: ${text}`)
  const fraction = (m[3] ?? "").padEnd(2, "0")
  if (/[1-9]/.test(fraction.slice(2))) throw new Error(`amount has more than 2 decimals: ${text}`)
  const minor = Number(m[2]) * 100 + Number(fraction.slice(0, 2))
  return m[1] ? -minor : minor
}

/** øre → "745.00" (the decimal string Medusa's API takes as an amount). */
function toMajor(minor: number): string {
  if (!Number.isSafeInteger(minor)) throw new Error(`not an integer amount: ${minor}`)
  const abs = String(Math.abs(minor)).padStart(3, "0")
  return `${minor < 0 ? "-" : ""}${abs.slice(0, -2)}.${abs.slice(-2)}`
}

const nok = (minor: number) => `${toMajor(minor)} NOK`
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

// ---- output ----

let stepNo = 0
let currentStep = ""
function step(title: string) {
  stepNo += 1
  currentStep = `${stepNo}. ${title}`
  console.log(`\n${currentStep}`)
}
const ok = (line: string) => console.log(`   ✔ ${line}`)
const info = (line: string) => console.log(`     ${line}`)

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message)
}

// ---- Dintero's view of the payment (the emulator's control API, as any process could read it) ----

interface DinteroEvent {
  event: string
  success: boolean
  amount?: number
  items?: { line_id: string; amount: number; quantity?: number }[]
  transaction_status: string
}
interface DinteroTransaction {
  id: string
  status: string
  amount: number
  currency: string
  payment_product_type: string
  merchant_reference: string
  items: { line_id: string; id?: string; description?: string; amount: number; quantity?: number }[]
  shipping_option?: { line_id: string; title: string; amount: number }
  events: DinteroEvent[]
}

async function dinteroTransaction(dev: DevStore, id: string): Promise<DinteroTransaction> {
  const { data } = await axios.get(`${dev.emulator.url}/__emulator/state`)
  const tx = (data.transactions as DinteroTransaction[]).find((t) => t.id === id)
  check(tx, `Dintero has no transaction ${id}`)
  return tx
}

const settled = (tx: DinteroTransaction, event: string) =>
  sum(tx.events.filter((e) => e.event === event && e.success).map((e) => e.amount ?? 0))

async function printTransaction(dev: DevStore, id: string): Promise<DinteroTransaction> {
  const tx = await dinteroTransaction(dev, id)
  info(
    `Dintero ${tx.id}: ${tx.status} · amount ${nok(tx.amount)} · captured ${nok(settled(tx, "CAPTURE"))}` +
      ` · refunded ${nok(settled(tx, "REFUND"))}`
  )
  const last = tx.events[tx.events.length - 1]
  if (last) {
    info(`  last event ${last.event}${last.success ? "" : " (failed)"}${last.amount !== undefined ? ` ${nok(last.amount)}` : ""}`)
    const names = new Map<string, string>(tx.items.map((i) => [i.line_id, `${i.id ?? ""} ${i.description ?? ""}`.trim()]))
    if (tx.shipping_option) names.set(tx.shipping_option.line_id, tx.shipping_option.title)
    for (const item of last.items ?? []) {
      const qty = item.quantity !== undefined ? ` × ${item.quantity}` : ""
      info(`    line ${item.line_id} ${names.get(item.line_id) ?? ""}${qty}: ${nok(item.amount)}`)
    }
  }
  return tx
}

// ---- the hosted payment page, read as a browser would ----

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")

function readHostedPage(html: string) {
  const lines = [...html.matchAll(/<tr class="line[^"]*"[^>]*>\s*<td>(.*?)<\/td>\s*<td>(.*?)<\/td>\s*<td[^>]*>(.*?)<\/td>/g)].map(
    (m) => ({ description: unescapeHtml(m[1]), quantity: unescapeHtml(m[2]), amount: unescapeHtml(m[3]) })
  )
  const total = /id="total"[^>]*>(.*?)</.exec(html)?.[1]
  // The Pay button's form; the payment method <select> belongs to it through its form="..." attribute.
  const payForm = /<form([^>]*)action="([^"]+)"[^>]*>\s*<button[^>]*>Pay<\/button>/.exec(html)
  const formId = payForm ? /id="([^"]+)"/.exec(payForm[1])?.[1] : undefined
  const select = formId ? new RegExp(`<select name="([^"]+)" form="${formId}">(.*?)</select>`, "s").exec(html) : null
  const firstOption = select ? /<option>(.*?)<\/option>/.exec(select[2])?.[1] : undefined
  return {
    lines,
    total: total ? unescapeHtml(total) : undefined,
    payAction: payForm ? unescapeHtml(payForm[2]) : undefined,
    field: select && firstOption !== undefined ? { name: select[1], value: unescapeHtml(firstOption) } : undefined,
  }
}

// ---- the demo ----

async function run(dev: DevStore) {
  const { store, admin, seeded, emulator } = dev

  step("Storefront: create a cart in the Norway region (NOK)")
  const items = [
    { variant_id: seeded.variants.outdoor, quantity: 2 },
    { variant_id: seeded.variants.indoor, quantity: 1 },
  ]
  let cart = await store.createCart({ regionId: seeded.regionId, shippingOptionId: seeded.shippingOptionId, items })
  for (const item of cart.items) ok(`${item.quantity} × ${item.variant_sku} ${item.title} à ${nok(toMinor(item.unit_price))} (incl. 25 % VAT)`)
  ok(`cart ${cart.id}`)

  step("Storefront: shipping and billing address")
  cart = await store.setAddresses(cart.id)
  ok(`${cart.shipping_address.first_name} ${cart.shipping_address.last_name}, ${cart.shipping_address.address_1}, ${cart.shipping_address.postal_code} ${cart.shipping_address.city}`)

  step("Storefront: shipping method")
  cart = await store.addShippingMethod(cart.id, seeded.shippingOptionId)
  const cartTotal = toMinor(cart.total)
  ok(`${cart.shipping_methods[0].name ?? "shipping"} (${seeded.shippingOptionId}): ${nok(toMinor(cart.shipping_methods[0].amount))}`)
  ok(`cart total ${nok(cartTotal)}, of which VAT ${nok(toMinor(cart.tax_total))}`)

  step("Storefront: payment session with Dintero")
  const { session } = await store.initiatePaymentSession(cart.id)
  const sessionId: string = session.data.dintero_session_id
  const checkoutUrl: string = session.data.checkout_url
  check(sessionId && checkoutUrl, `payment session without a Dintero session: ${JSON.stringify(session.data)}`)
  ok(`Medusa payment session ${session.id} → Dintero session ${sessionId}`)
  ok(`checkout_url ${checkoutUrl}`)
  const dinteroSession = emulator.state.sessions.find((s) => s.id === sessionId)
  check(dinteroSession, `Dintero does not know session ${sessionId}`)
  check(dinteroSession.order.amount === cartTotal, `Dintero session amount ${nok(dinteroSession.order.amount)} ≠ cart total ${nok(cartTotal)}`)
  ok(`Dintero session order: ${nok(dinteroSession.order.amount)} (VAT ${nok(dinteroSession.order.vat_amount ?? 0)}), merchant_reference ${dinteroSession.order.merchant_reference}`)

  step("Shopper opens the hosted payment page")
  const page = await axios.get(checkoutUrl, { responseType: "text", validateStatus: () => true })
  check(page.status === 200, `GET ${checkoutUrl} → ${page.status}`)
  const hosted = readHostedPage(page.data)
  check(hosted.lines.length > 0 && hosted.total && hosted.payAction, "the hosted page shows no lines, total or Pay button")
  for (const line of hosted.lines) ok(`${line.quantity} × ${line.description}: ${line.amount}`)
  ok(`total ${hosted.total}`)
  check(hosted.total!.replace(/\s/g, "") === nok(cartTotal).replace(/\s/g, ""), `hosted page total ${hosted.total} ≠ ${nok(cartTotal)}`)

  step("Shopper presses Pay")
  const form = new URLSearchParams(hosted.field ? { [hosted.field.name]: hosted.field.value } : {})
  const payUrl = new URL(hosted.payAction!, checkoutUrl).toString()
  const paid = await axios.post(payUrl, form.toString(), {
    headers: { "content-type": "application/x-www-form-urlencoded" },
    maxRedirects: 0,
    validateStatus: () => true,
  })
  check(paid.status === 303 && paid.headers.location, `POST ${payUrl} → ${paid.status}, expected 303 with a Location`)
  const location = new URL(paid.headers.location as string)
  const transactionId = location.searchParams.get("transaction_id")
  check(transactionId, `the return URL carries no transaction_id: ${location}`)
  ok(`POST ${new URL(payUrl).pathname} (${hosted.field?.value ?? "default method"}) → 303 See Other`)
  ok(`Location ${location.origin}${location.pathname}?transaction_id=${transactionId}&merchant_reference=${location.searchParams.get("merchant_reference")}`)
  await printTransaction(dev, transactionId)

  step("Browser follows the redirect to the storefront's return page")
  const back = await axios.get(location.toString(), { responseType: "text", validateStatus: () => true })
  check(back.status === 200, `GET return page → ${back.status}`)
  const visit = dev.returns.find((v) => v.query.transaction_id === transactionId)
  check(visit, "the return page did not see the shopper")
  check(visit.query.merchant_reference === cart.id, `merchant_reference ${visit.query.merchant_reference} ≠ cart ${cart.id}`)
  ok(`return page 200: transaction_id ${transactionId}, merchant_reference = cart ${cart.id}`)

  step("Dintero calls back Medusa (server to server)")
  await emulator.waitForCallbacks()
  const deliveries = emulator.callbacks.filter((c) => c.transaction_id === transactionId)
  check(deliveries.length > 0, "Dintero sent no callback")
  for (const d of deliveries) {
    const statuses = d.attempts.map((a) => a.status ?? a.error).join(", ")
    ok(`${d.method} ${new URL(d.url).pathname}${d.signature ? " (signed)" : ""} → HTTP ${statuses}${d.delivered ? "" : " (NOT delivered)"}`)
    check(d.delivered && d.attempts[d.attempts.length - 1]?.status === 200, `callback ${d.id} was not accepted: ${statuses}`)
  }
  check(new URL(deliveries[0].url).origin === dev.backendUrl, `callback went to ${deliveries[0].url}, not to ${dev.backendUrl}`)

  step("Storefront completes the cart")
  const completed = await store.completeCart(cart.id)
  check(completed.status === 200 && completed.body.type === "order", `complete → ${completed.status} ${JSON.stringify(completed.body)}`)
  const orderId: string = completed.body.order.id
  ok(`order ${orderId} (#${completed.body.order.display_id}) total ${nok(toMinor(completed.body.order.total))}`)
  const again = await store.completeCart(cart.id)
  check(again.body.order?.id === orderId, `a second complete gave ${JSON.stringify(again.body)}`)
  ok(`completing again returns the same order ${again.body.order.id}`)
  const { orders, count } = await admin.ok("get", "/admin/orders?fields=id&limit=50")
  check(count === 1 && orders[0].id === orderId, `expected exactly one order, the store has ${count}`)
  ok("the store holds exactly one order")

  step("Admin: the order and its payment")
  let order = await admin.getOrder(orderId)
  const payment = order.payment_collections[0].payments[0]
  check(payment.data?.transaction_id === transactionId, `payment ${payment.id} is not Dintero transaction ${transactionId}`)
  const orderTotal = toMinor(order.total)
  ok(`order #${order.display_id}: ${nok(orderTotal)}, payment status ${order.payment_status}`)
  ok(`payment ${payment.id}: ${nok(toMinor(payment.amount))} via ${payment.provider_id}, Dintero transaction ${transactionId}`)
  let tx = await printTransaction(dev, transactionId)
  check(tx.status === "AUTHORIZED" && tx.amount === orderTotal, `expected AUTHORIZED ${nok(orderTotal)}, Dintero says ${tx.status} ${nok(tx.amount)}`)

  async function adminCall(what: string, res: { status: number; body: any }) {
    check(res.status === 200, `${what} → ${res.status} ${JSON.stringify(res.body)}`)
  }

  const firstCapture = 10000
  step(`Admin: capture ${nok(firstCapture)}`)
  await adminCall("capture", await admin.capture(payment.id, Number(toMajor(firstCapture))))
  ok(`POST /admin/payments/${payment.id}/capture {amount: ${toMajor(firstCapture)}} → 200`)
  tx = await printTransaction(dev, transactionId)
  check(tx.status === "PARTIALLY_CAPTURED" && settled(tx, "CAPTURE") === firstCapture, `Dintero: ${tx.status}, captured ${nok(settled(tx, "CAPTURE"))}`)

  const remainder = orderTotal - firstCapture
  step(`Admin: capture the remaining ${nok(remainder)}`)
  await adminCall("capture", await admin.capture(payment.id, Number(toMajor(remainder))))
  ok(`POST /admin/payments/${payment.id}/capture {amount: ${toMajor(remainder)}} → 200`)
  tx = await printTransaction(dev, transactionId)
  check(tx.status === "CAPTURED" && settled(tx, "CAPTURE") === orderTotal, `Dintero: ${tx.status}, captured ${nok(settled(tx, "CAPTURE"))}`)

  const refund = 4950
  step(`Admin: refund ${nok(refund)}`)
  await adminCall("refund", await admin.refund(payment.id, Number(toMajor(refund))))
  ok(`POST /admin/payments/${payment.id}/refund {amount: ${toMajor(refund)}} → 200`)
  tx = await printTransaction(dev, transactionId)
  check(tx.status === "PARTIALLY_REFUNDED" && settled(tx, "REFUND") === refund, `Dintero: ${tx.status}, refunded ${nok(settled(tx, "REFUND"))}`)

  step("Medusa and Dintero agree")
  order = await admin.getOrder(orderId)
  const p = order.payment_collections[0].payments.find((x: any) => x.id === payment.id)
  const medusaCaptured = sum((p.captures ?? []).map((c: any) => toMinor(c.amount)))
  const medusaRefunded = sum((p.refunds ?? []).map((r: any) => toMinor(r.amount)))
  ok(`Medusa: payment status ${order.payment_status}, captured ${nok(medusaCaptured)} in ${p.captures.length} captures, refunded ${nok(medusaRefunded)}`)
  ok(`Dintero: ${tx.status}, captured ${nok(settled(tx, "CAPTURE"))}, refunded ${nok(settled(tx, "REFUND"))}`)
  check(medusaCaptured === settled(tx, "CAPTURE") && medusaRefunded === settled(tx, "REFUND"), "Medusa's and Dintero's totals differ")

  return { orderId, displayId: order.display_id, orderTotal, transactionId, status: tx.status, captures: p.captures.length, refund }
}

async function main() {
  console.log("Dintero for Medusa: end-to-end demo against the local Dintero emulator")
  step("Start the dev store (embedded PostgreSQL, Dintero emulator, medusa start)")
  let dev: DevStore | undefined
  let code = 0
  try {
    dev = await startDevStore({
      log: (line) => ok(line),
      logLevel: process.env.LOG_LEVEL ?? "warn",
      callbackSecret: "demo-callback-signature-secret",
    })
    ok(`seeded: region Norge (NOK, 25 % VAT) ${dev.seeded.regionId}, product ${dev.seeded.productId}, shipping option ${dev.seeded.shippingOptionId}`)
    ok(`publishable key ${dev.seeded.publishableKey}, admin ${dev.seeded.admin.email}`)
    const r = await run(dev)
    console.log(
      `\n✔ Demo passed in ${seconds()}: order #${r.displayId} (${r.orderId}) ${nok(r.orderTotal)} paid through Dintero ` +
        `${r.transactionId}, captured in ${r.captures} parts, refunded ${nok(r.refund)}; Dintero status ${r.status}.`
    )
  } catch (e) {
    code = 1
    console.error(`\n✖ Demo failed at step "${currentStep}" after ${seconds()}:\n${(e as Error).stack ?? e}`)
    const tail = dev?.medusaLogTail(40) ?? []
    if (tail.length) console.error(`\n--- last ${tail.length} lines medusa wrote ---\n${tail.join("\n")}`)
  } finally {
    await dev?.stop()
    console.log(`stopped medusa, the emulator and the database (total ${seconds()})`)
  }
  process.exit(code)
}

main()
