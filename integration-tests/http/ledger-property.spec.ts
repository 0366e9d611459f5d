import fc from "fast-check"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { MathBN } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { AdminApi, StoreApi } from "../../scripts/lib/store-api"
import type { MarketCode, SeededMarket, SeededStore } from "../../scripts/lib/seed-store"
import { fromMinorUnits, sumToMinorUnits, toMinorUnits, type DecimalInput } from "../../src/mapping/money"
import { seedAndLogin, useDinteroEnvironment } from "../utils/environment"
import { dinteroOrder, editOrder, exactOf, orderItems, sleep, withEventsLost, type EditSpec } from "./orders-mirror-helpers"
import { lineByLine, openAuthorizations, orphans, settleByJob, threeLedgers } from "./ledger-helpers"

/**
 * Issue 9's ledger property: random carts (odd-øre prices, quantities, percentage and fixed promotions, free
 * shipping; tax-inclusive NOK/DKK, tax-exclusive SEK and EUR at Finland's 25.5 %), random payment roads (declined
 * then paid, ON_HOLD ending AUTHORIZED or FAILED; paid with the shopper never returning, so that the callback alone
 * completes the cart) and random operations (partial captures and refunds, edits before
 * and after capture, cancels) with injected faults (Orders API 5xx, Checkout 5xx and lost answers); after each step Medusa, the
 * Checkout transactions and the Orders API agree to the øre per transaction, no Orders operation needs action, and
 * no authorization is orphaned. Outbox retries run through the scheduled job's own function, never the admin Retry.
 *
 * Replay: the seed is printed at the start and on failure; LEDGER_PROPERTY_SEED=<seed> (and LEDGER_PROPERTY_PATH=<path>
 * from fast-check's report to jump to the failing run) repeats it. LEDGER_PROPERTY_RUNS sets the number of runs
 * (CI: 45; `npm run test:soak`: 60).
 */
const RUNS = Number(process.env.LEDGER_PROPERTY_RUNS ?? 45)
// A run takes seconds; the bound only stops a hung run (a minute per run is far above any measured one).
jest.setTimeout(Math.max(300_000, RUNS * 60_000))

const env = useDinteroEnvironment()

/**
 * `npm test` replays one fixed seed, so CI is deterministic: its 45 runs are known to pass (45 because one run costs
 * 3.2-4.4 s on 2 shared cores: the property took 199 s and the whole file, with Medusa's boot and the named
 * scenarios, 301 s on 2026-11-30, once the callback-only road joined the draws; 17 runs were the most that passed
 * before the finding of an edit after a part capture was fixed). `npm run test:soak` draws a fresh seed (LEDGER_PROPERTY_SEED=random).
 */
const SEED_SETTING = process.env.LEDGER_PROPERTY_SEED ?? "1234"
const SEED = SEED_SETTING === "random" ? Math.floor(Math.random() * 2 ** 31) : Number(SEED_SETTING)
const PATH = process.env.LEDGER_PROPERTY_PATH
/**
 * Quantity edits are the only edits that lower a total or reverse a line. Until 2026-11-29 none ran (the test helper
 * read no quantity, so each was skipped unseen); their first runs found a negative edit line (seed 1234, path 4:
 * fixed, docs/orders-mirror.md "A line below zero"). They run by default; LEDGER_PROPERTY_QUANTITY_EDITS=0 leaves
 * them out (to tell a finding of theirs from another), and the coverage printed at the end counts what was left out.
 */
const QUANTITY_EDITS = process.env.LEDGER_PROPERTY_QUANTITY_EDITS !== "0"
const SHOPPING = "/api/v1/accounts/:aid/shopping"
/** What orders an order's items the same way on every run: title, then unit price (the ids are random). */
const byItem = (it: { title?: string; unit_price?: number | string }) => `${it.title ?? ""}\u0000${String(it.unit_price ?? "").padStart(16, "0")}`
const TX = "/checkout/v1/transactions/:id"

type Fault = "none" | "orders-5xx" | "checkout-5xx" | "checkout-lost"
type Step =
  | { kind: "capture" | "refund"; share: number; fault: Fault }
  | { kind: "quantity"; pick: number; quantity: number; fault: "none" | "orders-5xx" }
  | { kind: "add"; price: number; quantity: number; fault: "none" | "orders-5xx" }
  | { kind: "cancel" }
type PaymentRoad = "authorized" | "declined-then-authorized" | "on-hold-authorized" | "on-hold-failed" | "callback-only"
interface Scenario {
  market: MarketCode
  outdoor: number
  indoor: number
  odd: { price: number; quantity: number }
  percentage: number | null
  fixed: number | null
  freeShipping: boolean
  road: PaymentRoad
  placementFault: "none" | "draft-5xx" | "authorization-lost"
  steps: Step[]
}

/** What a run of the default size must have covered, from the counts `saw` keeps: the names of those it did not. */
function missingCoverage(seen: Record<string, number>): string[] {
  const keys = Object.keys(seen).filter((k) => seen[k]! > 0)
  const has = (test: (k: string) => boolean) => keys.some(test)
  const wanted: Array<[string, (k: string) => boolean]> = [
    ...(["authorized", "declined-then-authorized", "on-hold-authorized", "on-hold-failed", "callback-only"] as PaymentRoad[]).map(
      (r): [string, (k: string) => boolean] => [`road ${r}`, (k) => k === `road ${r}`]
    ),
    ...(["no", "se", "dk", "fi"] as MarketCode[]).map((m): [string, (k: string) => boolean] => [`market ${m}`, (k) => k === `market ${m}`]),
    ...(["draft-5xx", "authorization-lost"] as const).map((f): [string, (k: string) => boolean] => [`placement ${f}`, (k) => k === `placement ${f}`]),
    ["a rounding cart", (k) => k === "rounding"],
    ["a capture", (k) => /^capture( with [a-z0-9-]+)?( before capture)?$/.test(k)],
    ["a refund", (k) => /^refund( with [a-z0-9-]+)?$/.test(k)],
    ["an edit before capture", (k) => /^(quantity|add)( with orders-5xx)? before capture$/.test(k)],
    ["an edit after capture", (k) => /^(quantity|add)( with orders-5xx)?$/.test(k)],
    ["a cancel", (k) => k.startsWith("cancel")],
    ...(["orders-5xx", "checkout-5xx", "checkout-lost"] as const).map((f): [string, (k: string) => boolean] => [
      `a capture or refund with ${f}`,
      (k) => new RegExp(`^(capture|refund) with ${f}( before capture)?$`).test(k),
    ]),
  ]
  return wanted.filter(([, test]) => !has(test)).map(([name]) => name)
}

/** Any whole number of øre, most of them not whole kroner. */
const oddPrice = (min: number, max: number) => fc.integer({ min, max }).map((p) => (p % 100 === 0 ? p + 1 : p))
const moneyFault = fc.constantFrom<Fault>("none", "none", "orders-5xx", "checkout-5xx", "checkout-lost")
const editFault = fc.constantFrom<"none" | "orders-5xx">("none", "none", "orders-5xx")
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("capture" as const), share: fc.integer({ min: 1, max: 100 }), fault: moneyFault }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("refund" as const), share: fc.integer({ min: 1, max: 100 }), fault: moneyFault }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("quantity" as const), pick: fc.nat(5), quantity: fc.integer({ min: 0, max: 3 }), fault: editFault }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("add" as const), price: oddPrice(1001, 40000), quantity: fc.integer({ min: 1, max: 2 }), fault: editFault }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("cancel" as const) }) }
)
const scenario: fc.Arbitrary<Scenario> = fc.record({
  market: fc.constantFrom<MarketCode>("no", "se", "dk", "fi"),
  outdoor: fc.integer({ min: 0, max: 3 }),
  indoor: fc.integer({ min: 0, max: 2 }),
  odd: fc.record({ price: oddPrice(101, 29999), quantity: fc.integer({ min: 1, max: 3 }) }),
  percentage: fc.option(fc.integer({ min: 1, max: 40 }), { nil: null }),
  fixed: fc.option(oddPrice(101, 5000), { nil: null }),
  freeShipping: fc.boolean(),
  road: fc.constantFrom<PaymentRoad>("authorized", "authorized", "declined-then-authorized", "on-hold-authorized", "on-hold-failed", "callback-only"),
  placementFault: fc.constantFrom("none" as const, "none" as const, "draft-5xx" as const, "authorization-lost" as const),
  steps: fc.array(step, { minLength: 2, maxLength: 6 }),
})

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seeded: SeededStore
    let store: StoreApi
    let admin: AdminApi
    let container: MedusaContainer
    let shippingProfileId: string
    let serial = 0

    beforeEach(async () => {
      container = getContainer()
      ;({ seeded, store, admin } = await seedAndLogin(api, container))
      const { data } = await container
        .resolve("query")
        .graph({ entity: "product", fields: ["id", "shipping_profile.id"], filters: { id: seeded.productId } })
      shippingProfileId = data[0].shipping_profile.id
    })

    const headers = () => ({ headers: { "x-publishable-api-key": seeded.publishableKey } })
    const tx = (id: string) => (env.emulator.state.transactions as any[]).find((t) => t.id === id)

    /** A product whose one variant costs `minor` (in every market's currency, as entered there), made by the admin. */
    async function oddProduct(minor: number) {
      const n = ++serial
      const { product } = await admin.ok("post", "/admin/products", {
        title: `Pute ${n}`,
        handle: `pute-${n}`,
        status: "published",
        shipping_profile_id: shippingProfileId,
        options: [{ title: "Farge", values: ["Grå"] }],
        variants: [
          {
            title: `Pute ${n} grå`,
            sku: `PUTE-${n}`,
            options: { Farge: "Grå" },
            manage_inventory: false,
            prices: Object.values(seeded.markets).map((m) => ({ currency_code: m.currency, amount: Number(fromMinorUnits(minor, m.currency)) })),
          },
        ],
        sales_channels: [{ id: seeded.salesChannelId }],
      })
      return product.variants[0].id as string
    }

    /** Promotions made through the admin API (promotion module), in the market's currency; returns their codes. */
    async function promotions(market: SeededMarket, s: Pick<Scenario, "percentage" | "fixed" | "freeShipping">) {
      const n = ++serial
      const made: { code: string; application_method: Record<string, unknown> }[] = []
      if (s.percentage !== null) {
        made.push({ code: `PROSENT${n}`, application_method: { type: "percentage", target_type: "items", allocation: "across", value: s.percentage, currency_code: market.currency } })
      }
      if (s.fixed !== null) {
        made.push({ code: `FAST${n}`, application_method: { type: "fixed", target_type: "items", allocation: "across", value: Number(fromMinorUnits(s.fixed, market.currency)), currency_code: market.currency } })
      }
      if (s.freeShipping) {
        made.push({ code: `FRAKT${n}`, application_method: { type: "percentage", target_type: "shipping_methods", allocation: "across", value: 100, currency_code: market.currency } })
      }
      for (const p of made) await admin.ok("post", "/admin/promotions", { ...p, type: "standard", status: "active", is_automatic: false })
      return made.map((p) => p.code)
    }

    async function orderOfCart(cartId: string): Promise<string | undefined> {
      const { data } = await container.resolve("query").graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
      return data[0]?.order_id
    }

    /** A cart in the market with its items, address, shipping and promotion codes, and its Dintero session. */
    async function cartWithSession(market: SeededMarket, items: { variant_id: string; quantity: number }[], codesFor: (cart: any) => Promise<string[]>) {
      let cart = await store.createCart({ regionId: market.regionId, shippingOptionId: market.shippingOptionId, items })
      await store.setAddresses(cart.id, market.address)
      cart = await store.addShippingMethod(cart.id, market.shippingOptionId)
      const codes = await codesFor(cart)
      if (codes.length) {
        const applied = await store.http.post(`/store/carts/${cart.id}/promotions`, { promo_codes: codes }, headers())
        if (applied.status !== 200) throw new Error(`promotions ${codes} refused: ${applied.status} ${JSON.stringify(applied.data)}`)
        cart = applied.data.cart
        const used = (cart.promotions ?? []).map((p: any) => p.code).sort()
        expect(used).toEqual([...codes].sort())
      }
      try {
        const { session } = await store.initiatePaymentSession(cart.id)
        return { cart, dinteroSessionId: session.data.dintero_session_id as string }
      } catch (e) {
        // What Medusa charges for the cart, next to the refusal: the first thing to read when this fails.
        const c = await store.getCart(cart.id)
        const totals = { total: c.total, discount_total: c.discount_total, shipping_total: c.shipping_total, items: c.items.map((i: any) => [i.unit_price, i.quantity, i.total]) }
        ;(e as Error).message = `${(e as Error).message}\ncart ${JSON.stringify(totals)}`
        throw e
      }
    }

    /** The shopper pays on Dintero's page (the road the scenario drew), returns (unless the road says not), and the callbacks arrive. */
    async function checkout(cartId: string, dinteroSessionId: string, road: PaymentRoad) {
      if (road === "declined-then-authorized") {
        const declined = await env.emulator.pay(dinteroSessionId, "DECLINED")
        await env.emulator.waitForCallbacks()
        expect(await orderOfCart(cartId)).toBeUndefined()
        expect(tx(declined.transaction!.id).status).toBe("DECLINED")
      }
      if (road === "on-hold-authorized" || road === "on-hold-failed") {
        const held = await env.emulator.pay(dinteroSessionId, "ON_HOLD")
        await env.emulator.waitForCallbacks()
        // Dintero's callback places the order before any payment exists (issue 9: ON_HOLD).
        const orderId = await orderOfCart(cartId)
        expect(orderId).toBeDefined()
        await env.emulator.resolveOnHold(held.transaction!.id, road === "on-hold-authorized" ? "AUTHORIZED" : "FAILED")
        await env.emulator.waitForCallbacks()
        return { orderId: orderId!, transactionId: held.transaction!.id as string }
      }
      if (road === "callback-only") {
        // The shopper never comes back (a closed tab, a lost redirect): Dintero's callback alone completes the cart.
        const paid = await env.emulator.pay(dinteroSessionId, "AUTHORIZED")
        await env.emulator.waitForCallbacks()
        const orderId = await orderOfCart(cartId)
        if (!orderId) throw new Error(`paid cart ${cartId} made no order from its callback alone`)
        return { orderId, transactionId: paid.transaction!.id as string }
      }
      const paid = await env.emulator.pay(dinteroSessionId, "AUTHORIZED")
      const completed = await store.completeCart(cartId)
      await env.emulator.waitForCallbacks()
      const orderId = completed.body.type === "order" ? (completed.body.order.id as string) : await orderOfCart(cartId)
      if (!orderId) throw new Error(`paid cart ${cartId} made no order: ${JSON.stringify(completed.body)}`)
      return { orderId, transactionId: paid.transaction!.id as string }
    }

    function injectMoneyFault(kind: "capture" | "refund", fault: Fault) {
      if (fault === "orders-5xx") env.emulator.faults.add({ method: "POST", path: `${SHOPPING}/orders/:oid/${kind}s`, kind: "status", status: 503, times: 1 } as any)
      if (fault === "checkout-5xx") env.emulator.faults.add({ method: "POST", path: `${TX}/${kind}`, kind: "status", status: 503, times: 1 } as any)
      if (fault === "checkout-lost") env.emulator.faults.add({ method: "POST", path: `${TX}/${kind}`, kind: "lose-response", times: 1 } as any)
    }

    const opsOf = (m: any, kind: string) => m.operations.filter((o: any) => o.kind === kind)
    const needingAction = (m: any) => m.operations.filter((o: any) => o.kind !== "notice" && !["done", "skipped"].includes(o.status))

    /** Admin captures/refunds named "capture …"/"refund …", each answered 200 and followed by its mirror and agreement. */
    async function moneyStepsAgree(orderId: string, mirror: any, steps: [string, () => Promise<{ status: number; body: any }>][]) {
      for (const [name, call] of steps) {
        const res = await call()
        expect({ name, status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ name, status: 200, body: null })
        const kind = name.startsWith("capture") ? "capture" : "refund"
        const done = opsOf(mirror, kind).length
        ;({ mirror } = await expectAgreement(orderId, (m) => opsOf(m, kind).length > done, name))
      }
      return mirror
    }

    /** After a step: the outbox settled by the job, nothing needs action, the ledgers equal per transaction. */
    async function expectAgreement(orderId: string, ready: (m: any) => boolean, label: string) {
      const mirror = await settleByJob(container, admin, orderId, ready)
      expect({ label, unfinished: needingAction(mirror).map((o: any) => [o.kind, o.status, o.last_error]) }).toEqual({ label, unfinished: [] })
      const dinteroOrderId = mirror.dintero_order_mirror?.dintero_order_id ?? null
      const l = await threeLedgers(admin, env.emulator, orderId, dinteroOrderId)
      expect({ label, checkout: l.checkout, orders: l.orders }).toEqual({ label, checkout: l.medusa, orders: l.medusa })
      // What is authorized and not captured is the same on both sides (a release at Dintero is a cancellation in Orders).
      const open = openAuthorizations(env.emulator, l.order, l.txIds)
      if (JSON.stringify(open.orders) !== JSON.stringify(open.checkout)) {
        // The records behind a difference, to read in the failure.
        const detail = {
          authorizations: (l.order?.operations?.authorizations ?? []).map((o: any) => [o.payment_details?.payment_id, o.items]),
          cancellations: (l.order?.operations?.cancellations ?? []).map((o: any) => [o.payment_details?.payment_id, o.items]),
          orders_items: (l.order?.items ?? []).map((i: any) => [i.line_id, i.gross_amount, i.description]),
          transactions: l.txIds.map((id) => [id, tx(id).status, tx(id).amount, tx(id).items.map((i: any) => [i.line_id, i.amount])]),
          medusa: l.medusa,
        }
        console.log(`ledger property: what stays authorized differs (${label}): ${JSON.stringify({ orders: open.orders, checkout: open.checkout, detail })}`)
        expect({ label, orders: open.orders }).toEqual({ label, orders: open.checkout })
      }
      return { mirror, ledgers: l }
    }

    /**
     * The order's payments the merchant can act on, with what Medusa says each one has captured/refunded (minor
     * units), what is left to capture as Medusa's exact decimal (a tax-exclusive cart's amount may have more
     * decimals than the currency) and the whole minor units of it.
     */
    async function payments(orderId: string) {
      const order = await admin.getOrder(orderId)
      const minor = (v: unknown) => toMinorUnits(v as DecimalInput, order.currency_code)
      const major = (n: number) => Number(fromMinorUnits(n, order.currency_code))
      return order.payment_collections
        .flatMap((pc: any) => (pc.payments ?? []).filter((p: any) => !p.canceled_at))
        .map((p: any) => {
          const remaining = MathBN.sub(p.amount, ...(p.captures ?? []).map((c: any) => c.amount)).toString()
          let captureRoom = minor(remaining)
          if (MathBN.gt(fromMinorUnits(captureRoom, order.currency_code), remaining)) captureRoom -= 1
          // Each kind rounded once, as the provider moves them (runningTotalParts).
          const captured = sumToMinorUnits((p.captures ?? []).map(exactOf), order.currency_code)
          const refunded = sumToMinorUnits((p.refunds ?? []).map(exactOf), order.currency_code)
          return { ...p, remaining, captureRoom, captured, refunded, major }
        })
    }

    /**
     * The shopper pays the link the widget shows for what the order still owes, if it owes anything. The plugin's
     * step runs after the edit's answer: until then Medusa's new collection is unpaid with no link; it then gets a
     * link, takes over a kept authorization, or is cancelled (a part-captured rest covers it).
     */
    async function payOutstanding(orderId: string) {
      let last: unknown
      for (let i = 0; i < 120; i++) {
        const order = await admin.ok("get", `/admin/orders/${orderId}?fields=id,payment_collections.id,payment_collections.status`)
        const owing = order.order.payment_collections.filter((pc: any) => ["not_paid", "awaiting", "partially_authorized"].includes(pc.status))
        if (!owing.length) return false
        const withLink = await admin.ok("get", `/admin/dintero/orders/${orderId}`)
        if (withLink.payment_link) {
          const session = (env.emulator.state.sessions as any[]).find((s) => withLink.payment_link.url.endsWith(s.id))
          expect(session.order.amount).toBe(withLink.payment_link.amount)
          await env.emulator.pay(session.id, "AUTHORIZED")
          await env.emulator.waitForCallbacks()
          return true
        }
        last = { owing, operations: withLink.operations?.map((o: any) => [o.identity, o.status, o.last_error]) }
        await sleep(250)
      }
      throw new Error(`order ${orderId} owes money but shows no payment link: ${JSON.stringify(last)}`)
    }

    /** What the runs covered (printed at the end, so a count of runs says what it exercised). */
    const seen: Record<string, number> = { runs: 0, rounding: 0 }
    const saw = (what: string) => (seen[what] = (seen[what] ?? 0) + 1)

    async function runScenario(s: Scenario) {
      seen.runs++
      saw(`road ${s.road}`)
      saw(`market ${s.market}`)
      saw(`placement ${s.placementFault}`)
      const market = seeded.markets[s.market]
      const items = [
        { variant_id: await oddProduct(s.odd.price), quantity: s.odd.quantity },
        ...(s.outdoor ? [{ variant_id: seeded.variants.outdoor, quantity: s.outdoor }] : []),
        ...(s.indoor ? [{ variant_id: seeded.variants.indoor, quantity: s.indoor }] : []),
      ]
      // A fixed discount takes at most a quarter of the items (as drawn it could make the cart free, and a free
      // order is not paid through Dintero: a session needs a positive amount).
      const { cart, dinteroSessionId } = await cartWithSession(market, items, (c) => {
        const itemsMinor = toMinorUnits(c.item_total, market.currency)
        const fixed = s.fixed === null ? null : Math.max(1, Math.min(s.fixed, Math.floor(itemsMinor / 4)))
        return promotions(market, { ...s, fixed })
      })
      if (s.placementFault === "draft-5xx") env.emulator.faults.add({ method: "POST", path: `${SHOPPING}/draft_orders`, kind: "status", status: 503, times: 1 } as any)
      if (s.placementFault === "authorization-lost") env.emulator.faults.add({ method: "POST", path: `${SHOPPING}/orders/:oid/authorizations`, kind: "lose-response", times: 1 } as any)
      const { orderId, transactionId } = await checkout(cart.id, dinteroSessionId, s.road)
      const session = (env.emulator.state.sessions as any[]).find((x) => x.id === dinteroSessionId)
      const label = (what: string) => `${s.market} ${orderId} ${what}`

      if (s.road === "on-hold-failed") {
        // Nothing was paid: the mirror says so (needs action, the merchant sees why) and the Orders API has no order.
        const mirror = await settleByJob(container, admin, orderId, (m) => opsOf(m, "order_placed").length === 1)
        expect(opsOf(mirror, "order_placed").map((o: any) => [o.status, o.last_error])).toEqual([
          ["needs_action", expect.stringContaining(`${transactionId} was on hold and ended FAILED`)],
        ])
        expect((env.emulator.state.orders as any[]).filter((o) => o.merchant_reference === orderId)).toEqual([])
        expect(tx(transactionId).status).toBe("FAILED")
        env.emulator.faults.clear()
        return
      }

      let { mirror } = await expectAgreement(orderId, (m) => opsOf(m, "order_placed").length === 1, label("placed"))
      const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
      // The Orders order is worth what the shopper was charged, the session's rounding line included.
      const placedOrder = dinteroOrder(env.emulator, dinteroOrderId)
      expect(placedOrder.items.reduce((sum: number, i: any) => sum + i.gross_amount, 0)).toBe(session.order.amount)
      if (session.order.items.some((i: any) => i.line_id === "rounding")) {
        seen.rounding++
        const rounding = session.order.items.find((i: any) => i.line_id === "rounding")
        // A rounding up is a line of its own; a rounding down is a reduction of a line (docs/orders-mirror.md).
        if (rounding.amount > 0) expect(placedOrder.items).toContainEqual(expect.objectContaining({ gross_amount: rounding.amount, description: "Rounding" }))
      }
      // Only reversals carry negative amounts (Dintero's Orders spec); the session's negative lines are reductions.
      expect(placedOrder.items.filter((i: any) => i.gross_amount < 0)).toEqual([])

      const count: Record<string, number> = Object.fromEntries(["capture", "refund", "order_edit", "cancellation"].map((k) => [k, opsOf(mirror, k).length]))
      /**
       * Payments that had a refund: the plugin captures no more on them. A payment partly captured before an edit stays
       * open: its rest is the shopper's money still held for the order (the edit's link does not ask for it again).
       */
      const closed = new Set<string>()
      let edited = false
      for (const [i, st] of s.steps.entries()) {
        const what = label(`step ${i} ${JSON.stringify(st)}`)
        const capturedBefore = (await payments(orderId)).some((p: any) => p.captured > 0)
        let kind: string
        if (st.kind === "capture" || st.kind === "refund") {
          const candidates = (await payments(orderId)).filter((p: any) => {
            p.room = st.kind === "capture" ? (closed.has(p.id) ? 0 : p.captureRoom) : p.captured - p.refunded
            return p.room > 0
          })
          const p = candidates[0]
          if (!p) {
            saw(`${st.kind} skipped (no room)`)
            continue
          }
          const full = st.share === 100
          const amount = full ? p.room : Math.max(1, Math.floor((p.room * st.share) / 100))
          injectMoneyFault(st.kind, st.fault)
          // "Capture all" sends Medusa's exact remainder, as the dashboard does.
          const call = () => (st.kind === "capture" ? admin.capture(p.id, full ? Number(p.remaining) : p.major(amount)) : admin.refund(p.id, p.major(amount)))
          let res = await call()
          // Dintero failed (5xx, nothing applied): the merchant presses the button again.
          if (res.status !== 200 && st.fault === "checkout-5xx") res = await call()
          expect({ what, status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ what, status: 200, body: null })
          if (st.kind === "refund") closed.add(p.id)
          kind = st.kind
        } else if (st.kind === "cancel") {
          const res = await admin.cancelOrder(orderId)
          expect({ what, status: res.status, body: res.status === 200 ? null : res.body }).toEqual({ what, status: 200, body: null })
          kind = "cancellation"
        } else {
          // Medusa returns an order's items in no fixed order (their ids are random within a millisecond): sorted, a
          // seed picks the same item on every replay.
          const current = (await orderItems(admin, orderId))
            .filter((it) => Number(it.quantity) > 0)
            .sort((a, b) => byItem(a).localeCompare(byItem(b)))
          let spec: EditSpec
          if (st.kind === "quantity") {
            if (!QUANTITY_EDITS) {
              saw("quantity skipped (LEDGER_PROPERTY_QUANTITY_EDITS=0)")
              continue
            }
            const item = current[st.pick % current.length]
            const removesLast = st.quantity === 0 && current.length === 1
            if (!item || Number(item.quantity) === st.quantity || removesLast) {
              // Said in the coverage, so a count of runs cannot hide that no quantity edit ran.
              saw(`quantity skipped (${!item ? "no item with a quantity" : removesLast ? "would remove the last item" : "unchanged"})`)
              continue
            }
            spec = { update: [{ item_id: item.id, quantity: st.quantity }] }
          } else {
            const added = st as Extract<Step, { kind: "add" }>
            spec = { add: [{ variant_id: seeded.variants.indoor, quantity: added.quantity, unit_price: Number(fromMinorUnits(added.price, market.currency)) }] }
          }
          if (st.fault === "orders-5xx") env.emulator.faults.add({ method: "POST", path: `${SHOPPING}/draft_orders`, kind: "status", status: 503, times: 1 } as any)
          await editOrder(admin, orderId, spec)
          await payOutstanding(orderId)
          kind = "order_edit"
        }
        count[kind]++
        saw(`${st.kind}${st.kind !== "cancel" && st.fault !== "none" ? ` with ${st.fault}` : ""}${capturedBefore ? "" : " before capture"}`)
        ;({ mirror } = await expectAgreement(orderId, (m) => opsOf(m, kind).length >= count[kind], what))
        if (kind === "order_edit") edited = true
        if (!edited) {
          // Before any edit, each line's captures and refunds are booked on the same line on both sides.
          const rows = lineByLine(env.emulator, mirror, dinteroOrder(env.emulator, dinteroOrderId), transactionId)
          if (rows.some(([, checkout, orders]) => checkout !== orders)) {
            // The records behind a difference, to read in the failure (seed 1234's 30th run was found from these).
            const o = dinteroOrder(env.emulator, dinteroOrderId)
            const detail = {
              transaction: tx(transactionId).items.map((i: any) => [i.line_id, i.id, i.quantity, i.amount]),
              events: tx(transactionId).events.filter((e: any) => e.items?.length).map((e: any) => [e.event, e.success, e.amount, e.items.map((i: any) => [i.line_id, i.amount])]),
              pairs: mirror.dintero_order_mirror.checkout_lines,
              orders_items: o.items.map((i: any) => [i.line_id, i.id, i.quantity, i.gross_amount]),
              captures: o.operations.captures.map((c: any) => [c.success, c.items]),
              refunds: o.operations.refunds.map((c: any) => [c.success, c.items]),
            }
            console.log(`ledger property: a line booked differently (${what}): ${JSON.stringify(detail)}`)
          }
          expect({ what, rows }).toEqual({ what, rows: rows.map(([line, checkout]) => [line, checkout, checkout]) })
        }
        env.emulator.faults.clear()
        if (st.kind === "cancel") break
      }
      // Every Orders record once: the Orders order holds as many captures as the Checkout transactions have.
      const l = await threeLedgers(admin, env.emulator, orderId, dinteroOrderId)
      expect({ label: label("end"), orphans: await orphans(container, env.emulator) }).toEqual({ label: label("end"), orphans: [] })
      return l
    }

    // Issue 9 "no http test with a real rounding cart": carts whose lines need the session's rounding line, through
    // checkout, partial captures and refunds; the Orders order carries the rounding line and every step settles.
    // The carts are chosen so that the rounding is certain, not likely: in NOK each line total (VAT included) ends in
    // 6 øre, so 10 % off leaves 0.4 øre on each of three lines (1.2 øre, the total rounds one øre above the lines);
    // in SEK each line costs 1 mod 4 øre without VAT, so 25 % VAT leaves 0.25 øre on each of four lines; in EUR
    // Finland's 25.5 % VAT leaves 0.315, 0.335 and 0.355 cent on three lines (10.13, 10.17, 10.21 without VAT) and the
    // shipping's 5.9989 rounds up by 0.11: the total lies one cent above the lines.
    it.each([
      ["NOK (prices with VAT), 10 % off the items", "no" as const, [[1112, 3], [1246, 1], [746, 1]], { percentage: 10, fixed: null, freeShipping: false }],
      ["SEK (prices without VAT), free shipping", "se" as const, [[1333, 1], [777, 1], [2501, 1], [909, 1]], { percentage: null, fixed: null, freeShipping: true }],
      ["EUR (prices without VAT, 25.5 % VAT)", "fi" as const, [[1013, 1], [1017, 1], [1021, 1]], { percentage: null, fixed: null, freeShipping: false }],
      // Rounding DOWN: each line total ends in 5 øre, so 10 % off leaves half an øre on each of two lines, both round
      // up, and the total (a whole øre) lies one øre below the lines: a −1 rounding line, carried as a reduction.
      ["NOK (prices with VAT), 10 % off, lines rounding up (a negative rounding line)", "no" as const, [[1115, 1], [2245, 1]], { percentage: 10, fixed: null, freeShipping: false }],
    ])("a rounding cart in %s: the Orders order carries the rounding line and agrees with Checkout through partial captures and refunds", async (_name, code, lines, promo) => {
      const market = seeded.markets[code]
      const items: { variant_id: string; quantity: number }[] = []
      for (const [price, quantity] of lines as [number, number][]) items.push({ variant_id: await oddProduct(price), quantity })
      const { cart, dinteroSessionId } = await cartWithSession(market, items, () => promotions(market, promo))
      const session = (env.emulator.state.sessions as any[]).find((x) => x.id === dinteroSessionId)
      const rounding = session.order.items.find((i: any) => i.line_id === "rounding")
      // The premise: this cart's lines, each rounded to the øre, miss the amount to pay.
      const premise = { lines: session.order.items.map((i: any) => [i.line_id, i.amount]), amount: session.order.amount }
      expect(rounding?.amount ? "a rounding line" : premise).toBe("a rounding line")
      // The third cart's premise: its lines round up, so the rounding line is negative (carried as a reduction).
      if (String(_name).includes("negative")) expect(rounding.amount < 0 ? "a negative rounding line" : premise).toBe("a negative rounding line")
      const { orderId, transactionId } = await checkout(cart.id, dinteroSessionId, "authorized")
      let { mirror } = await expectAgreement(orderId, (m) => opsOf(m, "order_placed").length === 1, "placed")
      const dOrder = () => dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id)
      if (rounding.amount > 0) expect(dOrder().items).toContainEqual(expect.objectContaining({ gross_amount: rounding.amount, description: "Rounding" }))
      else expect(dOrder().items.filter((i: any) => i.gross_amount < 0)).toEqual([])
      expect(dOrder().items.reduce((sum: number, i: any) => sum + i.gross_amount, 0)).toBe(tx(transactionId).amount)

      const [payment] = await payments(orderId)
      const total = tx(transactionId).amount
      const first = Math.floor(total / 3) + 1
      const steps: [string, () => Promise<{ status: number; body: any }>][] = [
        ["capture a third", () => admin.capture(payment.id, payment.major(first))],
        ["capture the rest", async () => admin.capture(payment.id, Number((await payments(orderId))[0].remaining))],
        ["refund an odd part", () => admin.refund(payment.id, payment.major(Math.floor(total / 7) + 3))],
        ["refund a second part", () => admin.refund(payment.id, payment.major(Math.floor(total / 5) + 1))],
      ]
      mirror = await moneyStepsAgree(orderId, mirror, steps)
      const l = await threeLedgers(admin, env.emulator, orderId, mirror.dintero_order_mirror.dintero_order_id)
      expect(l.checkout[transactionId]).toEqual({ captured: total, refunded: Math.floor(total / 7) + 3 + Math.floor(total / 5) + 1 })
      // Every line's captures and refunds stay within the line, the rounding line included (the emulator refuses more).
      for (const t of dOrder().line_totals) expect(Math.abs(t.captured)).toBeLessThanOrEqual(Math.abs(t.gross_amount))
    })

    // Issue 9's open 1 øre finding, built on purpose: a SEK order (prices without VAT) whose item is raised 1 → 2 before
    // capture, so Medusa's rounding (its total against its lines each rounded to the øre) changes with the edit. Each
    // line costs 25 % VAT on an odd øre count: 15.06 → 18.825 and 10.02 → 12.525 round up half an øre each (the
    // session's rounding −1); 2 × 15.06 → 37.65 is whole, so the edited order's rounding is 0, and the payment link asks
    // 18.83 for 18.82 of lines (the finding's figures). 15.05 → 18.8125 and 10.01 → 12.5125 round down a quarter each
    // (rounding +1); 2 × 15.05 → 37.625 rounds up half an øre, and the edited order's rounding is 0: the other way.
    it.each([
      ["the finding: the rounding −1 → 0, a link of 18.83 for 18.82 of lines", [1506, 1002], [-1, 0], 1883],
      ["the rounding +1 → 0, a link of 18.81 for 18.82 of lines", [1505, 1001], [1, 0], 1881],
    ] as [string, [number, number], [number, number], number][])(
      "a SEK rounding cart edited before capture (%s): the Orders order stays worth Medusa's total, the link's payment is recorded whole",
      async (_name, [odd, other], [placedRounding, editedRounding], link) => {
        const market = seeded.markets.se
        const oddVariant = await oddProduct(odd)
        const items = [{ variant_id: oddVariant, quantity: 1 }, { variant_id: await oddProduct(other), quantity: 1 }]
        const { cart, dinteroSessionId } = await cartWithSession(market, items, async () => [])
        const session = (env.emulator.state.sessions as any[]).find((x) => x.id === dinteroSessionId)
        // The premise at placement: the session's rounding line.
        const premise = { lines: session.order.items.map((i: any) => [i.line_id, i.amount]), amount: session.order.amount }
        expect({ rounding: session.order.items.find((i: any) => i.line_id === "rounding")?.amount ?? 0, premise }).toEqual({ rounding: placedRounding, premise })
        const { orderId, transactionId } = await checkout(cart.id, dinteroSessionId, "authorized")
        let { mirror } = await expectAgreement(orderId, (m) => opsOf(m, "order_placed").length === 1, "placed")
        const dOrder = () => dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id)

        const item = (await orderItems(admin, orderId)).find((it) => it.variant_id === oddVariant)!
        await editOrder(admin, orderId, { update: [{ item_id: item.id, quantity: 2 }] })
        expect(await payOutstanding(orderId)).toBe(true)
        ;({ mirror } = await expectAgreement(orderId, (m) => opsOf(m, "order_edit").length === 1, "edited"))
        // The premise after the edit: Medusa's total against its lines, each rounded to the øre.
        const { order } = await admin.ok("get", `/admin/orders/${orderId}?fields=id,total,items.total,shipping_methods.total`)
        const minor = (v: unknown) => toMinorUnits(v as DecimalInput, "SEK")
        const lines = [...order.items, ...order.shipping_methods].reduce((sum: number, l: any) => sum + minor(l.total), 0)
        expect({ rounding: minor(order.total) - lines }).toEqual({ rounding: editedRounding })
        // The Orders order (its reversals netting out what they reverse) is worth Medusa's total, to the øre.
        expect(dOrder().items.reduce((sum: number, i: any) => sum + i.gross_amount, 0)).toBe(minor(order.total))

        const linkPayment = (await payments(orderId)).find((p: any) => p.data?.transaction_id !== transactionId)!
        expect(linkPayment.captureRoom).toBe(link)
        const kept = (await payments(orderId)).find((p: any) => p.data?.transaction_id === transactionId)!
        const steps: [string, () => Promise<{ status: number; body: any }>][] = [
          ["capture part of the link's payment", () => admin.capture(linkPayment.id, linkPayment.major(1000))],
          ["capture the rest of the link's payment", () => admin.capture(linkPayment.id, linkPayment.major(link - 1000))],
          ["capture part of the kept authorization", () => admin.capture(kept.id, kept.major(5001))],
          ["capture the rest of the kept authorization", async () => admin.capture(kept.id, Number((await payments(orderId)).find((p: any) => p.id === kept.id).remaining))],
          ["refund the link's payment", () => admin.refund(linkPayment.id, linkPayment.major(link))],
        ]
        mirror = await moneyStepsAgree(orderId, mirror, steps)
        // Every Orders line is captured within itself, the rounding line included (the emulator refuses more).
        for (const t of dOrder().line_totals) expect(Math.abs(t.captured)).toBeLessThanOrEqual(Math.abs(t.gross_amount))
      }
    )

    // Issue 9's 1 øre finding, its cause built without timing: the edit's event is lost (under load: handled late), so
    // the link's payment is captured, and its authorization enqueued and run, before the outbox holds the edit. Planned
    // then, against the lines as placed, the link's 18.83 found no line (or 1 øre short once the edit's row came
    // between), and the Orders order showed less authorized than Checkout. Now the authorization finds Medusa's
    // confirmed edit not mirrored, enqueues it (sorted by when Medusa confirmed it) and waits until it is mirrored.
    it("a SEK rounding cart edited with its event lost, its link paid and captured first: the edit is mirrored before the link's authorization, recorded whole", async () => {
      const oddVariant = await oddProduct(1506)
      const items = [{ variant_id: oddVariant, quantity: 1 }, { variant_id: await oddProduct(1002), quantity: 1 }]
      const { cart, dinteroSessionId } = await cartWithSession(seeded.markets.se, items, async () => [])
      const { orderId, transactionId } = await checkout(cart.id, dinteroSessionId, "authorized")
      let { mirror } = await expectAgreement(orderId, (m) => opsOf(m, "order_placed").length === 1, "placed")

      const item = (await orderItems(admin, orderId)).find((it) => it.variant_id === oddVariant)!
      // Subscribers run after the edit's HTTP answer: the mirror stays off until the link exists, which the edit's
      // other subscriber (the kept authorization's move, same event) makes, so the event was delivered while it was off.
      await withEventsLost(container, async () => {
        await editOrder(admin, orderId, { update: [{ item_id: item.id, quantity: 2 }] })
        expect(await payOutstanding(orderId)).toBe(true)
      })
      // The event was delivered (the link above) and lost for the mirror: the outbox holds no edit before the capture.
      expect(opsOf(await admin.ok("get", `/admin/dintero/orders/${orderId}`), "order_edit")).toEqual([])

      const linkPayment = (await payments(orderId)).find((p: any) => p.data?.transaction_id !== transactionId)!
      expect(linkPayment.captureRoom).toBe(1883)
      mirror = await moneyStepsAgree(orderId, mirror, [["capture part of the link's payment", () => admin.capture(linkPayment.id, linkPayment.major(1000))]])
      // The edit ran before the authorization that pays for it, though its row was written after.
      expect(mirror.operations.filter((o: any) => o.kind !== "notice").map((o: any) => [o.kind, o.status])).toEqual([
        ["order_placed", "done"],
        ["order_edit", "done"],
        ["authorization", "done"],
        ["capture", "done"],
      ])
      const linkTx = linkPayment.data.transaction_id as string
      const authorizations = dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id).operations.authorizations
      const authorized = authorizations
        .filter((o: any) => o.success && o.payment_details?.payment_id === linkTx)
        .reduce((sum: number, o: any) => sum + o.items.reduce((s: number, i: any) => s + i.amount, 0), 0)
      expect({ authorized, checkout: tx(linkTx).amount }).toEqual({ authorized: 1883, checkout: 1883 })
      expect(mirror.operations.filter((o: any) => o.kind === "notice")).toEqual([])
    })

    // Issue 9, a placement mirrored after an edit: the order.placed event is lost (as after a crash; an Orders API
    // outage before the placement was planned ends the same way) and the order is edited before the mirror learns of
    // it. The order_placed operation then runs on the edited order: it placed the edited lines, authorized in full
    // (more than the Checkout transaction holds), the edit found nothing to change, and the link's 18.83 found 1 øre
    // of room. Now it places the order as its payment paid for it (Medusa's version 1) and mirrors the edit after it
    // as reversed and new lines. Recovered by the link's first capture (which enqueues the placement, the link's
    // authorization and the capture in one statement, before any edit row) or by the reconciliation.
    it.each([["the link's first capture"], ["the reconciliation"]])(
      "a SEK rounding cart whose order.placed event is lost and which is edited before the mirror knows it, recovered by %s: placed as paid, the edit mirrored after it, Checkout's authorizations recorded to the øre",
      async (recovery) => {
        const oddVariant = await oddProduct(1506)
        const items = [{ variant_id: oddVariant, quantity: 1 }, { variant_id: await oddProduct(1002), quantity: 1 }]
        const { cart, dinteroSessionId } = await cartWithSession(seeded.markets.se, items, async () => [])
        const { orderId, transactionId, linkPayment } = await withEventsLost(container, async () => {
          const placed = await checkout(cart.id, dinteroSessionId, "authorized")
          const item = (await orderItems(admin, placed.orderId)).find((it) => it.variant_id === oddVariant)!
          await editOrder(admin, placed.orderId, { update: [{ item_id: item.id, quantity: 2 }] })
          expect(await payOutstanding(placed.orderId)).toBe(true)
          const link = (await payments(placed.orderId)).find((p: any) => p.data?.transaction_id !== placed.transactionId)!
          return { ...placed, linkPayment: link }
        })
        // The premise: the mirror knows nothing of the order, which Medusa has at its second version.
        expect((await admin.ok("get", `/admin/dintero/orders/${orderId}`)).operations).toEqual([])
        const { order } = await admin.ok("get", `/admin/orders/${orderId}?fields=id,version,total`)
        expect(order.version).toBeGreaterThan(1)
        expect(linkPayment.captureRoom).toBe(1883)

        if (recovery === "the reconciliation") {
          await admin.ok("post", "/admin/dintero/reconciliation", {})
          await expectAgreement(orderId, (m) => opsOf(m, "order_placed").length === 1, "reconciled")
        }
        const captured = await admin.capture(linkPayment.id, linkPayment.major(1000))
        expect({ status: captured.status, body: captured.status === 200 ? null : captured.body }).toEqual({ status: 200, body: null })
        const { mirror } = await expectAgreement(orderId, (m) => opsOf(m, "capture").length === 1, "link captured")

        const dOrder = dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id)
        // History as for an edit mirrored in time: the odd line as bought, reversed, and sent again at quantity 2.
        expect(dOrder.items.filter((i: any) => i.related_item?.type === "reversed").map((i: any) => [i.quantity, i.reversed_reason])).toEqual([[1, "Quantity increased"]])
        expect(dOrder.items.filter((i: any) => i.quantity === 2).map((i: any) => i.gross_amount)).toEqual([3765])
        // The Orders order is worth Medusa's total; each transaction's authorization is what Checkout holds.
        const minor = (v: unknown) => toMinorUnits(v as DecimalInput, "SEK")
        expect(dOrder.items.reduce((sum: number, i: any) => sum + i.gross_amount, 0)).toBe(minor(order.total))
        const authorized = (payment: string) =>
          dOrder.operations.authorizations
            .filter((o: any) => o.success && o.payment_details?.payment_id === payment)
            .reduce((sum: number, o: any) => sum + o.items.reduce((s: number, i: any) => s + i.amount, 0), 0)
        const linkTx = linkPayment.data.transaction_id as string
        expect({ kept: authorized(transactionId), link: authorized(linkTx) }).toEqual({ kept: tx(transactionId).amount, link: tx(linkTx).amount })
        expect(tx(linkTx).amount).toBe(1883)
        expect(mirror.operations.filter((o: any) => o.kind === "notice")).toEqual([])
      }
    )

    // Seed 1234's 21st run (path 20), which met a 1 øre difference only with two http files at a time: SEK, 15.06 × 1
    // raised to 2 before capture, a fixed promotion across the items, then the payment link of 18.83. The run captures
    // the first payment the admin API lists; which of the kept authorization and the link comes first is not fixed,
    // and only when it is the link is the link's authorization recorded (at its first capture) and compared. Here the
    // link is captured first on purpose.
    it("a payment link paid and never captured, then an edit lowering the total by less than the link: the capture of the payment reusing the link's authorization keeps the ledgers equal", async () => {
      const market = seeded.markets.se
      const cushion = await oddProduct(131)
      const items = [
        { variant_id: seeded.variants.outdoor, quantity: 1 },
        { variant_id: cushion, quantity: 1 },
      ]
      const { cart, dinteroSessionId } = await cartWithSession(market, items, () => promotions(market, { percentage: null, fixed: null, freeShipping: false }))
      const { orderId, transactionId } = await checkout(cart.id, dinteroSessionId, "authorized")
      await expectAgreement(orderId, (m) => opsOf(m, "order_placed").length === 1, "placed")
      await editOrder(admin, orderId, { add: [{ variant_id: seeded.variants.indoor, quantity: 1 }] })
      expect(await payOutstanding(orderId)).toBe(true)
      await expectAgreement(orderId, (m) => opsOf(m, "order_edit").length === 1, "raised, the link paid")
      const item = (await orderItems(admin, orderId)).find((it) => it.variant_id === cushion)!
      await editOrder(admin, orderId, { update: [{ item_id: item.id, quantity: 0 }] })
      let { mirror } = await expectAgreement(orderId, (m) => opsOf(m, "order_edit").length === 2, "lowered")
      const reusing = (await payments(orderId)).find((p: any) => p.data?.transaction_id !== transactionId)!
      expect(reusing.data?.reused_authorization).toBe(true)
      mirror = await moneyStepsAgree(orderId, mirror, [["capture part of the payment reusing the link's authorization", () => admin.capture(reusing.id, reusing.major(Math.floor(reusing.captureRoom / 3)))]])
      const rest = (await payments(orderId)).find((p: any) => p.id === reusing.id)!
      // The rest Medusa can capture: Dintero releases what the order no longer needs with it.
      await moneyStepsAgree(orderId, mirror, [["capture the rest of it", () => admin.capture(rest.id, rest.major(rest.captureRoom))]])
    })

    it("seed 1234's 21st run with the link's payment captured first: its authorization is recorded whole", async () => {
      const market = seeded.markets.se
      const oddVariant = await oddProduct(1506)
      const items = [
        { variant_id: oddVariant, quantity: 1 },
        { variant_id: seeded.variants.outdoor, quantity: 1 },
        { variant_id: seeded.variants.indoor, quantity: 2 },
      ]
      const { cart, dinteroSessionId } = await cartWithSession(market, items, (c) => {
        const fixed = Math.max(1, Math.min(4994, Math.floor(toMinorUnits(c.item_total, market.currency) / 4)))
        return promotions(market, { percentage: null, fixed, freeShipping: false })
      })
      const { orderId, transactionId } = await checkout(cart.id, dinteroSessionId, "authorized")
      await expectAgreement(orderId, (m) => opsOf(m, "order_placed").length === 1, "placed")
      const item = (await orderItems(admin, orderId)).find((it) => it.variant_id === oddVariant)!
      await editOrder(admin, orderId, { update: [{ item_id: item.id, quantity: 2 }] })
      expect(await payOutstanding(orderId)).toBe(true)
      let { mirror } = await expectAgreement(orderId, (m) => opsOf(m, "order_edit").length === 1, "edited")
      const { order } = await admin.ok("get", `/admin/orders/${orderId}?fields=id,total,items.total,shipping_methods.total`)
      const minor = (v: unknown) => toMinorUnits(v as DecimalInput, "SEK")
      const lines = [...order.items, ...order.shipping_methods].reduce((sum: number, l: any) => sum + minor(l.total), 0)
      const linkPayment = (await payments(orderId)).find((p: any) => p.data?.transaction_id !== transactionId)!
      // The premise: the run's figures (Medusa's total on a half øre, its lines rounded one by one 1 øre below it).
      expect({ total: minor(order.total), lines, link: linkPayment.captureRoom }).toEqual({ total: 153923, lines: 153922, link: 1883 })
      mirror = await moneyStepsAgree(orderId, mirror, [["capture part of the link's payment", () => admin.capture(linkPayment.id, linkPayment.major(Math.floor(linkPayment.captureRoom / 5)))]])
      const dOrder = dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id)
      expect(dOrder.items.reduce((sum: number, i: any) => sum + i.gross_amount, 0)).toBe(minor(order.total))
    })

    // The callback-only road (the shopper never returns; Dintero's callback alone completes the cart), run through the
    // property's own steps and checks with fixed draws: before capture an edit that raises the total (a payment link)
    // and one that lowers it, then partial captures and refunds with lost answers and Orders API outages.
    it.each<[string, Scenario]>([
      [
        "NOK, 10 % off, edits up and down before capture, then captures and refunds with faults",
        { market: "no", outdoor: 1, indoor: 1, odd: { price: 4999, quantity: 2 }, percentage: 10, fixed: null, freeShipping: false, road: "callback-only", placementFault: "none",
          steps: [
            { kind: "add", price: 12345, quantity: 1, fault: "none" },
            { kind: "quantity", pick: 1, quantity: 0, fault: "orders-5xx" },
            { kind: "capture", share: 40, fault: "checkout-lost" },
            { kind: "refund", share: 30, fault: "orders-5xx" },
            { kind: "capture", share: 100, fault: "none" },
          ] },
      ],
      [
        "EUR, a fixed discount, the placement's authorization answer lost, a cancel after a partial capture",
        { market: "fi", outdoor: 2, indoor: 0, odd: { price: 1001, quantity: 3 }, percentage: null, fixed: 733, freeShipping: true, road: "callback-only", placementFault: "authorization-lost",
          steps: [
            { kind: "capture", share: 35, fault: "checkout-5xx" },
            { kind: "refund", share: 50, fault: "none" },
            { kind: "cancel" },
          ] },
      ],
    ])("the callback-only road: %s", async (_name, s) => {
      env.emulator.faults.clear()
      // runScenario asserts the three ledgers after every step, and that no authorization is left orphaned.
      await runScenario(s)
    })

    it(`property (seed ${SEED}, ${RUNS} runs): random carts, payment roads, captures, refunds, edits, cancels and faults keep Medusa, Checkout and the Orders API equal to the øre, nothing orphaned`, async () => {
      console.log(`ledger property: LEDGER_PROPERTY_SEED=${SEED} LEDGER_PROPERTY_RUNS=${RUNS}`)
      try {
        await fc.assert(
          fc.asyncProperty(scenario, async (s) => {
            env.emulator.faults.clear()
            await runScenario(s)
          }),
          { numRuns: RUNS, seed: SEED, ...(PATH ? { path: PATH } : {}), endOnFailure: true }
        )
      } catch (e) {
        // fast-check's report names the seed too; the env variable to set is named here.
        ;(e as Error).message = `ledger property failed; replay with LEDGER_PROPERTY_SEED=${SEED}\n${(e as Error).message}`
        throw e
      }
      console.log(`ledger property covered: ${JSON.stringify(seen)}`)
      // A run of the default size (or more) must have exercised every kind of road, market, step and fault: a change
      // to the draws that drops one fails here instead of leaving a narrower test green.
      if (!PATH && RUNS >= 45) expect(missingCoverage(seen)).toEqual([])
      expect(await orphans(container, env.emulator)).toEqual([])
    })
  },
})
