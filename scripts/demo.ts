// `npm run demo`: the whole plugin on a fresh clone, against the local Dintero emulator. Starts embedded PostgreSQL,
// the emulator and `medusa start`, seeds the dev store, pays a cart through the Store HTTP API and the hosted payment
// page as a shopper and storefront would, then captures (twice) and refunds through the Admin HTTP API, printing
// Dintero's transaction after every step. Then it reads the Dintero Orders API mirror, edits the order (an item
// replaced, as in Dintero's guide), refunds the difference and reads the mirror again. Exits 0 when every step did
// what it should and Medusa, the Checkout transaction and the Orders API agree to the øre. Last, the dev store's other
// markets: a checkout in Sweden (SEK) and Denmark (DKK), each through its own Dintero payment profile.
import axios from "axios"
import { startDevStore, type DevStore } from "./lib/dev-store"
import type { MarketCode } from "./lib/seed-store"

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
/** Minor units → "667.00 SEK" (every currency of the dev store has 2 decimals). */
const money = (minor: number, currency: string) => `${toMajor(minor)} ${currency.toUpperCase()}`
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

// ---- Dintero's Orders API: the plugin's mirror of the Medusa order, read through its admin route ----

interface OrdersLine {
  line_id: number
  id?: string
  description?: string
  quantity?: number
  gross_amount: number
  reversed_reason?: string
  related_item?: { line_id: number; type: string }
}
interface OrdersRecord {
  id: string
  items: { line_id: number; amount: number }[]
  payment_details?: { payment_id?: string }
}
interface MirrorOperation {
  identity: string
  kind: string
  status: string
  attempts: number
  last_error?: string | null
}
interface Mirror {
  dintero_order_mirror: { dintero_order_id: string; lines: { line_id: number; role: string; medusa_id?: string }[] } | null
  operations: MirrorOperation[]
  dintero?: {
    error?: string
    order: { order_id: string; status?: string; payment_status?: string; items: OrdersLine[] }
    authorizations: OrdersRecord[]
    captures: OrdersRecord[]
    refunds: OrdersRecord[]
    cancellations: OrdersRecord[]
  }
}

const RECORD_KINDS = ["authorizations", "captures", "refunds", "cancellations"] as const
type RecordCounts = Record<(typeof RECORD_KINDS)[number], number>
/** An operation the mirror will not try again on its own; "failed" is not among them: it fails the demo. */
const MIRROR_SETTLED = new Set(["done", "skipped", "needs_action"])

const recordTotal = (r: OrdersRecord) => sum(r.items.map((i) => i.amount))

/**
 * Polls the mirror until it holds at least `expected` operations of each kind and every operation is settled; the
 * subscribers run after Medusa's HTTP answer, so there is nothing else to wait on. Then reads Dintero live, once.
 */
async function settledMirror(dev: DevStore, orderId: string, expected: Record<string, number>, timeoutMs = 30_000): Promise<Mirror> {
  const until = Date.now() + timeoutMs
  let m: Mirror
  for (;;) {
    m = await dev.admin.getDinteroOrderMirror(orderId)
    const failed = m.operations.find((o) => o.status === "failed")
    check(!failed, `mirror operation ${failed?.identity} failed after ${failed?.attempts} attempts: ${failed?.last_error}`)
    const complete = Object.entries(expected).every(([kind, n]) => m.operations.filter((o) => o.kind === kind).length >= n)
    if (complete && m.operations.every((o) => MIRROR_SETTLED.has(o.status))) break
    if (Date.now() > until) {
      const ops = m.operations.map((o) => `${o.identity} ${o.status}${o.last_error ? ` (${o.last_error})` : ""}`)
      throw new Error(`the Orders mirror did not settle within ${timeoutMs / 1000} s: ${ops.join("; ") || "no operations"}`)
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  const live: Mirror = await dev.admin.getDinteroOrderMirror(orderId, true)
  check(live.dintero_order_mirror?.dintero_order_id, "the mirror has no Dintero order id")
  check(live.dintero && !live.dintero.error, `reading the Dintero order failed: ${live.dintero?.error ?? "no answer"}`)
  return live
}

function printOperations(m: Mirror, after = 0) {
  for (const o of m.operations.slice(after)) {
    const note = o.last_error ? `: ${o.last_error}` : ""
    info(`  ${o.identity} → ${o.status}${o.attempts > 1 ? ` after ${o.attempts} attempts` : ""}${note}`)
  }
}

function describeLine(line: OrdersLine): string {
  const name = [line.id, line.description].filter(Boolean).join(" ")
  const qty = line.quantity !== undefined ? ` × ${line.quantity}` : ""
  let text = `line ${line.line_id} ${name}${qty}: ${nok(line.gross_amount)}`
  if (line.related_item) text += ` · related_item {line_id: ${line.related_item.line_id}, type: "${line.related_item.type}"}`
  if (line.reversed_reason) text += ` · reversed_reason "${line.reversed_reason}"`
  return text
}

/** Prints the order's lines (those above `newFrom` marked +) and the payment records after `after`. */
function printOrdersOrder(m: Mirror, opts: { newFrom?: number; after?: Partial<RecordCounts> } = {}) {
  const d = m.dintero!
  info(`Dintero order ${d.order.order_id}: ${d.order.status ?? "?"}, payment status ${d.order.payment_status ?? "?"}`)
  const roles = new Map(m.dintero_order_mirror!.lines.map((l) => [l.line_id, l.role]))
  for (const line of d.order.items) {
    const mark = opts.newFrom !== undefined && line.line_id >= opts.newFrom ? "+ " : "  "
    const role = roles.get(line.line_id)
    info(`${mark}${describeLine(line)}${role && role !== "item" ? ` [${role}]` : ""}`)
  }
  for (const kind of RECORD_KINDS) {
    const records = d[kind].slice(opts.after?.[kind] ?? 0)
    if (!records.length) continue
    info(`  ${opts.after ? "new " : ""}${kind}:`)
    for (const r of records) {
      const items = r.items.map((i) => `line ${i.line_id} ${toMajor(i.amount)}`).join(", ")
      info(`    ${items} = ${nok(recordTotal(r))} · payment_id ${r.payment_details?.payment_id ?? "(none)"}`)
    }
  }
}

const recordCounts = (m: Mirror): RecordCounts => ({
  authorizations: m.dintero!.authorizations.length,
  captures: m.dintero!.captures.length,
  refunds: m.dintero!.refunds.length,
  cancellations: m.dintero!.cancellations.length,
})

/**
 * The three ledgers of the order, in øre: Medusa's captured − refunded over all its payments, the Checkout
 * transactions' captured − refunded, the Orders API's captures − refunds. They must agree to the øre.
 */
async function checkLedgers(dev: DevStore, orderId: string, m: Mirror, currency = "NOK") {
  const nok = (minor: number) => money(minor, currency)
  const order = await dev.admin.getOrder(orderId)
  let medusa = 0
  const transactions = new Set<string>()
  for (const pc of order.payment_collections ?? []) {
    for (const p of pc.payments ?? []) {
      medusa += sum((p.captures ?? []).map((c: any) => toMinor(c.amount))) - sum((p.refunds ?? []).map((r: any) => toMinor(r.amount)))
      if (p.data?.transaction_id) transactions.add(p.data.transaction_id)
    }
  }
  let checkout = 0
  for (const id of transactions) {
    const tx = await dinteroTransaction(dev, id)
    checkout += settled(tx, "CAPTURE") - settled(tx, "REFUND")
  }
  const orders = sum(m.dintero!.captures.map(recordTotal)) - sum(m.dintero!.refunds.map(recordTotal))
  ok(`Medusa captured − refunded: ${nok(medusa)}`)
  ok(`Checkout transaction${transactions.size > 1 ? "s" : ""} ${[...transactions].join(", ")} captured − refunded: ${nok(checkout)}`)
  ok(`Orders API ${m.dintero!.order.order_id} captures − refunds: ${nok(orders)}`)
  check(medusa === checkout && checkout === orders, `the ledgers differ: Medusa ${nok(medusa)}, Checkout ${nok(checkout)}, Orders API ${nok(orders)}`)
  return medusa
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

  step("Orders API: the Dintero order after placement, captures and refund")
  let mirror = await settledMirror(dev, orderId, { order_placed: 1, capture: 2, refund: 1 })
  printOperations(mirror)
  printOrdersOrder(mirror)
  const dinteroOrderId = mirror.dintero!.order.order_id
  ok(`Dintero order ${dinteroOrderId} mirrors order #${order.display_id}`)
  await checkLedgers(dev, orderId, mirror)

  // Dintero's guide (seed 000): the two outdoor chairs 175938 are replaced by one indoor chair 003929. At catalog
  // prices that swap is even (2 × 199 = 398 NOK), so the merchant gives the replacement at an agreed price: the new
  // total falls below what the shopper has paid, Medusa owes the difference, and the guide's "refund remaining" case
  // follows.
  const replacementPrice = 30000
  step(`Admin: order edit: replace the two 175938 chairs by one 003929 chair at ${nok(replacementPrice)}`)
  const before = await admin.getOrderWithItems(orderId)
  const outdoorLine = before.items.find((i: any) => i.variant_id === seeded.variants.outdoor)
  check(outdoorLine, `order ${orderId} has no 175938 line`)
  // A refund beyond what Medusa owes (the 49.50 above) is booked as a credit line, which lowers the order's total.
  const beforeTotal = toMinor(before.total)
  check(beforeTotal === orderTotal - refund, `expected the order total ${nok(orderTotal - refund)} before the edit, Medusa says ${nok(beforeTotal)}`)
  ok(`order total before the edit ${nok(beforeTotal)}: ${nok(orderTotal)} less the ${nok(refund)} refund (a credit line in Medusa)`)
  await admin.beginOrderEdit(orderId, "Replace item")
  ok(`POST /admin/order-edits {order_id: ${orderId}} → 200`)
  await admin.addOrderEditItems(orderId, [{ variant_id: seeded.variants.indoor, quantity: 1, unit_price: Number(toMajor(replacementPrice)) }])
  ok(`POST /admin/order-edits/${orderId}/items {variant 003929, quantity 1, unit_price ${toMajor(replacementPrice)}} → 200`)
  await admin.updateOrderEditItem(orderId, outdoorLine.id, 0)
  ok(`POST /admin/order-edits/${orderId}/items/item/${outdoorLine.id} {quantity: 0} (2 × 175938) → 200`)
  await admin.requestOrderEdit(orderId)
  ok(`POST /admin/order-edits/${orderId}/request → 200`)
  await admin.confirmOrderEdit(orderId)
  ok(`POST /admin/order-edits/${orderId}/confirm → 200`)
  const edited = await admin.getOrderWithItems(orderId)
  for (const item of edited.items.filter((i: any) => Number(i.quantity) > 0)) {
    ok(`${item.quantity} × ${item.variant_sku} ${item.title} à ${nok(toMinor(item.unit_price))}`)
  }
  const editedTotal = toMinor(edited.total)
  const pendingDifference = toMinor(String(edited.summary.pending_difference))
  ok(`order total ${nok(beforeTotal)} → ${nok(editedTotal)}; paid ${nok(toMinor(String(edited.summary.transaction_total)))}, pending difference ${nok(pendingDifference)} (refund due)`)
  check(editedTotal === beforeTotal - 39800 + replacementPrice, `expected the new total ${nok(beforeTotal - 39800 + replacementPrice)}, Medusa says ${nok(editedTotal)}`)
  check(pendingDifference < 0, `expected a refund due after the edit, Medusa's pending difference is ${nok(pendingDifference)}`)

  const refundDue = -pendingDifference
  step(`Admin: refund the difference, ${nok(refundDue)}`)
  await adminCall("refund", await admin.refund(payment.id, Number(toMajor(refundDue))))
  ok(`POST /admin/payments/${payment.id}/refund {amount: ${toMajor(refundDue)}} → 200`)
  tx = await printTransaction(dev, transactionId)
  check(settled(tx, "REFUND") === refund + refundDue, `Dintero: refunded ${nok(settled(tx, "REFUND"))}, expected ${nok(refund + refundDue)}`)
  const settledOrder = await admin.getOrderWithItems(orderId)
  const remainingDifference = toMinor(String(settledOrder.summary.pending_difference))
  ok(`Medusa: pending difference now ${nok(remainingDifference)}`)
  check(remainingDifference === 0, `Medusa still shows a pending difference of ${nok(remainingDifference)}`)

  step("Orders API: the Dintero order after the edit and the refund")
  const seen = { operations: mirror.operations.length, lines: Math.max(...mirror.dintero!.order.items.map((l) => l.line_id)), records: recordCounts(mirror) }
  mirror = await settledMirror(dev, orderId, { order_placed: 1, capture: 2, refund: 2, order_edit: 1 })
  printOperations(mirror, seen.operations)
  printOrdersOrder(mirror, { newFrom: seen.lines + 1, after: seen.records })
  check(mirror.dintero!.order.order_id === dinteroOrderId, `the edit went to Dintero order ${mirror.dintero!.order.order_id}, not ${dinteroOrderId}`)
  const lines = mirror.dintero!.order.items
  const reversedLine = lines.find((l) => l.line_id <= seen.lines && l.id === "175938")
  const reversal = lines.find((l) => l.related_item?.type === "reversed" && l.related_item.line_id === reversedLine?.line_id)
  check(reversal && reversal.gross_amount === -reversedLine!.gross_amount && reversal.reversed_reason, `no reversal of line ${reversedLine?.line_id} (175938)`)
  const newLine = lines.find((l) => l.line_id > seen.lines && l.id === "003929" && l.gross_amount === replacementPrice)
  check(newLine, `no new line for 003929 at ${nok(replacementPrice)}`)
  const roles = new Map(mirror.dintero_order_mirror!.lines.map((l) => [l.line_id, l.role]))
  const remainingLine = lines.find((l) => l.line_id > seen.lines && roles.get(l.line_id) === "refund_remaining")
  check(remainingLine, "no refund-remaining line")
  ok(`line ${reversal.line_id} reverses line ${reversedLine!.line_id}, line ${newLine.line_id} is the new chair, line ${remainingLine.line_id} holds the refund remaining (${nok(remainingLine.gross_amount)})`)
  const refundRecord = mirror.dintero!.refunds[mirror.dintero!.refunds.length - 1]
  check(recordTotal(refundRecord) === refundDue, `the last Orders refund is ${nok(recordTotal(refundRecord))}, Medusa refunded ${nok(refundDue)}`)
  check(refundRecord.payment_details?.payment_id === transactionId, `the refund's payment_id is ${refundRecord.payment_details?.payment_id}, not ${transactionId}`)
  ok(`the refund of ${nok(refundDue)} is recorded on ${refundRecord.items.map((i) => `line ${i.line_id}`).join(", ")} with payment_id ${transactionId}`)

  step("Medusa, the Checkout transaction and the Orders API agree")
  const net = await checkLedgers(dev, orderId, mirror)
  check(net === editedTotal, `what the shopper paid (${nok(net)}) is not the edited order's total ${nok(editedTotal)}`)
  ok(`the shopper has paid exactly the edited order's total, ${nok(editedTotal)}`)

  return {
    orderId,
    displayId: order.display_id,
    orderTotal,
    editedTotal,
    transactionId,
    dinteroOrderId,
    status: tx.status,
    captures: p.captures.length,
    refunds: [refund, refundDue],
  }
}

/** medusa-config.ts: the payment profile each market's sessions go through. */
const MARKET_PROFILES: Record<MarketCode, string> = { no: "default", se: "sweden", dk: "denmark", fi: "finland" }

/**
 * The other markets of the dev store: a checkout in Sweden (SEK, prices without VAT) and Denmark (DKK, prices with
 * VAT), each through its own Dintero payment profile, captured and partly refunded in its own currency.
 */
async function runMarket(dev: DevStore, code: MarketCode) {
  const { store, admin, seeded, emulator } = dev
  const market = seeded.markets[code]
  const currency = market.currency.toUpperCase()
  const fmt = (minor: number) => money(minor, currency)

  step(`${market.name} (${currency}): cart, address, shipping and a Dintero session through profile "${MARKET_PROFILES[code]}"`)
  let cart = await store.createCart({
    regionId: market.regionId,
    shippingOptionId: market.shippingOptionId,
    items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }],
  })
  cart = await store.setAddresses(cart.id, market.address)
  cart = await store.addShippingMethod(cart.id, market.shippingOptionId)
  const total = toMinor(cart.total)
  ok(`cart ${cart.id}: 2 × ${cart.items[0].variant_sku} à ${fmt(toMinor(cart.items[0].unit_price))} (${market.taxInclusive ? "incl." : "excl."} 25 % VAT), total ${fmt(total)} of which VAT ${fmt(toMinor(cart.tax_total))}`)
  const { session } = await store.initiatePaymentSession(cart.id)
  const dinteroSession = emulator.state.sessions.find((s) => s.id === session.data.dintero_session_id) as any
  check(dinteroSession, `Dintero does not know session ${session.data.dintero_session_id}`)
  const profile = dinteroSession.metadata?.["session:profile_id"]
  check(profile === MARKET_PROFILES[code], `the session went through profile ${profile}, expected ${MARKET_PROFILES[code]}`)
  check(dinteroSession.order.currency === currency && dinteroSession.order.amount === total, `Dintero session ${dinteroSession.order.amount} ${dinteroSession.order.currency} ≠ cart ${fmt(total)}`)
  ok(`Dintero session ${dinteroSession.id}: profile "${profile}", ${fmt(dinteroSession.order.amount)} (VAT ${fmt(dinteroSession.order.vat_amount ?? 0)})`)

  step(`${market.name}: the shopper pays, Dintero calls back, the storefront completes the cart`)
  const paid = await emulator.pay(dinteroSession.id, "AUTHORIZED")
  const transactionId = paid.transaction!.id
  await emulator.waitForCallbacks()
  const completed = await store.completeCart(cart.id)
  check(completed.status === 200 && completed.body.type === "order", `complete → ${completed.status} ${JSON.stringify(completed.body)}`)
  const order = await admin.getOrder(completed.body.order.id)
  const payment = order.payment_collections[0].payments[0]
  ok(`order #${order.display_id} ${fmt(toMinor(order.total))}, Dintero transaction ${transactionId}`)

  const refund = 1000
  step(`${market.name}: capture ${fmt(total)}, refund ${fmt(refund)}`)
  check((await admin.capture(payment.id)).status === 200, "capture failed")
  check((await admin.refund(payment.id, Number(toMajor(refund)))).status === 200, "refund failed")
  const tx = await dinteroTransaction(dev, transactionId)
  info(`Dintero ${tx.id}: ${tx.status} · ${fmt(tx.amount)} · captured ${fmt(settled(tx, "CAPTURE"))} · refunded ${fmt(settled(tx, "REFUND"))}`)
  check(tx.currency === currency, `the transaction is in ${tx.currency}, not ${currency}`)
  check(settled(tx, "CAPTURE") === total && settled(tx, "REFUND") === refund, "Dintero's captured/refunded amounts differ from Medusa's")
  const mirror = await settledMirror(dev, order.id, { order_placed: 1, capture: 1, refund: 1 })
  const net = await checkLedgers(dev, order.id, mirror, currency)
  check(net === total - refund, `the ledgers hold ${fmt(net)}, expected ${fmt(total - refund)}`)
  return { code, currency, profile, total }
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
    for (const m of Object.values(dev.seeded.markets)) {
      ok(`seeded: region ${m.name} (${m.currency.toUpperCase()}, ${m.vat.rate} % VAT ${m.taxInclusive ? "included" : "excluded"}) ${m.regionId}, shipping option ${m.shippingOptionId}`)
    }
    ok(`product ${dev.seeded.productId}`)
    ok(`publishable key ${dev.seeded.publishableKey}, admin ${dev.seeded.admin.email}`)
    const r = await run(dev)
    const others = [await runMarket(dev, "se"), await runMarket(dev, "dk")]
    console.log(
      `\n✔ Demo passed in ${seconds()}: order #${r.displayId} (${r.orderId}) ${nok(r.orderTotal)} paid through Dintero ` +
        `${r.transactionId}, captured in ${r.captures} parts, refunded ${r.refunds.map(nok).join(" and ")}, edited to ` +
        `${nok(r.editedTotal)}; Dintero status ${r.status}, Orders API order ${r.dinteroOrderId}. ` +
        others.map((m) => `${m.code.toUpperCase()}: ${money(m.total, m.currency)} through profile "${m.profile}"`).join(", ") +
        "."
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
