import axios from "axios"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { applyPromotions, createTenPercentOffItems } from "../utils/promotions"
import { merchantDinteroClient } from "../utils/environment"
import { holdThenFail } from "./hold-failed-helpers"

jest.setTimeout(180_000)

// Everything the app prints during this file, to prove no secret reaches a log line. Medusa's logger writes
// through console (which jest buffers when it runs several files) or straight to the streams: capture both.
const printed: string[] = []
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream)
  jest.spyOn(stream, "write").mockImplementation(((chunk: any, ...rest: any[]) => {
    printed.push(String(chunk))
    return write(chunk, ...rest)
  }) as any)
}
for (const method of ["log", "info", "warn", "error", "debug"] as const) {
  const original = console[method].bind(console)
  jest.spyOn(console, method).mockImplementation((...args: unknown[]) => {
    printed.push(args.map((a) => (typeof a === "string" ? a : JSON.stringify(a))).join(" "))
    original(...args)
  })
}

// The Orders mirror reads the Checkout transaction in the background after captures and refunds; this file counts
// Checkout requests precisely (fault budgets), so it runs with the mirror off. orders-mirror.spec.ts covers it.
const env = dinteroTestSuite({
  environment: { env: { LOG_LEVEL: "debug", DINTERO_ORDERS_MIRROR: "false" } },
  testSuite: ({ getContainer, seeded, store, admin }) => {
    async function paidCart(quantity = 2) {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity }],
      })
      const { session } = await store.initiatePaymentSession(cart.id)
      return { cart, session }
    }

    it("creates the Dintero session from the cart's real lines and returns nothing secret", async () => {
      const { cart, session } = await paidCart(2)
      expect(session.data.dintero_session_id).toMatch(/^T12345678\./)
      expect(session.data.checkout_url).toBe(`${env.emulator.checkoutBaseUrl}/view/${session.data.dintero_session_id}`)
      expect(JSON.stringify(session)).not.toContain("emulator-secret")

      const dinteroSession = env.emulator.state.sessions.find((s: any) => s.id === session.data.dintero_session_id) as any
      expect(dinteroSession.order.merchant_reference).toBe(cart.id)
      expect(dinteroSession.metadata.medusa_payment_session_id).toBe(session.id)
      // 2 × 199.00 NOK incl. 25 % VAT + 49.00 NOK shipping incl. VAT
      expect(dinteroSession.order.amount).toBe(44700)
      expect(dinteroSession.order.items).toEqual([
        expect.objectContaining({ id: "175938", quantity: 2, amount: 39800, vat_amount: 7960, vat: 25 }),
      ])
      expect(dinteroSession.order.shipping_option).toEqual(
        expect.objectContaining({ amount: 4900, vat_amount: 980, vat: 25 })
      )
      const sessionCreate = env.emulator.requests.find((r: any) => r.path.endsWith("/sessions-profile")) as any
      expect(sessionCreate.status).toBe(200)
      // Who pays and where it goes, when the cart knows it.
      expect(dinteroSession.customer).toEqual({ email: "kari@example.com", phone_number: "+4799999999" })
      expect(dinteroSession.order.shipping_address).toEqual(
        expect.objectContaining({ first_name: "Kari", last_name: "Nordmann", postal_code: "0154", postal_place: "Oslo", country: "NO" })
      )
    })

    it("sends discounted line amounts that add up to exactly what Medusa charges", async () => {
      const code = await createTenPercentOffItems(getContainer())
      let cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [
          { variant_id: seeded.variants.outdoor, quantity: 1 },
          { variant_id: seeded.variants.indoor, quantity: 1 },
        ],
      })
      const applied = await applyPromotions(store, seeded.publishableKey, cart.id, [code])
      expect(applied.status).toBe(200)
      cart = applied.data.cart
      expect(cart.discount_total).toBeGreaterThan(0)

      const { session } = await store.initiatePaymentSession(cart.id)
      const dinteroSession = env.emulator.state.sessions.find((s: any) => s.id === session.data.dintero_session_id) as any
      const lines = [...dinteroSession.order.items, dinteroSession.order.shipping_option]
      // 199 + 398 = 597 less 10 % = 537.30, plus 49.00 shipping
      expect(dinteroSession.order.amount).toBe(58630)
      expect(lines.reduce((sum: number, l: any) => sum + l.amount, 0)).toBe(58630)
      // Items added in one request share a timestamp, so their order is Medusa's; compare them by SKU.
      const bySku = [...dinteroSession.order.items].sort((a: any, b: any) => a.id.localeCompare(b.id))
      expect(bySku.map((i: any) => [i.id, i.amount])).toEqual([
        ["003929", 35820],
        ["175938", 17910],
      ])
      // VAT inside each discounted line: 25 % of the net, i.e. a fifth of the gross.
      expect(bySku.map((i: any) => i.vat_amount)).toEqual([7164, 3582])

      await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      const completed = await store.completeCart(cart.id)
      expect(completed.body.type).toBe("order")
      const order = await admin.getOrder(completed.body.order.id)
      const payment = order.payment_collections[0].payments[0]
      expect(payment.amount).toBe(586.3)
      expect((await admin.capture(payment.id)).status).toBe(200)
      const tx = env.emulator.state.transactions.find((t: any) => t.session_id === session.data.dintero_session_id) as any
      expect(tx.status).toBe("CAPTURED")
      expect(tx.events.find((e: any) => e.event === "CAPTURE").amount).toBe(58630)
    })

    it("completes the cart into one order after payment, and captures and refunds exact amounts", async () => {
      const { cart, session } = await paidCart(2)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      expect(paid.redirect_url).toContain("transaction_id=")

      const completed = await store.completeCart(cart.id)
      expect(completed.status).toBe(200)
      expect(completed.body.type).toBe("order")
      const orderId = completed.body.order.id

      await env.emulator.waitForCallbacks()
      const order = await admin.getOrder(orderId)
      const payment = order.payment_collections[0].payments[0]
      expect(payment.data.transaction_id).toBe(paid.transaction!.id)

      const first = await admin.capture(payment.id, 100)
      expect(first.status).toBe(200)
      const rest = await admin.capture(payment.id, 347)
      expect(rest.status).toBe(200)
      const refund = await admin.refund(payment.id, 49.5)
      expect(refund.status).toBe(200)

      const tx = env.emulator.state.transactions.find((t: any) => t.id === paid.transaction!.id) as any
      const captures = tx.events.filter((e: any) => e.event === "CAPTURE")
      expect(captures.map((e: any) => e.amount)).toEqual([10000, 34700])
      expect(captures[1].items.reduce((s: number, i: any) => s + i.amount, 0)).toBe(34700)
      const refunds = tx.events.filter((e: any) => e.event === "REFUND")
      expect(refunds.map((e: any) => e.amount)).toEqual([4950])
      expect(tx.status).toBe("PARTIALLY_REFUNDED")

      // Exactly one order for the cart, however many roads reached it.
      const again = await store.completeCart(cart.id)
      expect(again.body.order?.id).toBe(orderId)
    })

    async function placedOrder(quantity = 2) {
      const { cart, session } = await paidCart(quantity)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      const completed = await store.completeCart(cart.id)
      expect(completed.body.type).toBe("order")
      await env.emulator.waitForCallbacks()
      const order = await admin.getOrder(completed.body.order.id)
      return { order, payment: order.payment_collections[0].payments[0], transactionId: paid.transaction!.id }
    }

    const dinteroTx = (id: string) => env.emulator.state.transactions.find((t: any) => t.id === id) as any
    const events = (id: string, kind: string) => dinteroTx(id).events.filter((e: any) => e.event === kind && e.success)

    it("captures once when Dintero failed (5xx) or its answer was lost, and the merchant retries", async () => {
      const { payment, transactionId } = await placedOrder(2)
      // 1) Dintero answers 503 without applying: the capture fails in Medusa, the retry captures once.
      env.emulator.faults.add({ method: "POST", path: "/checkout/v1/transactions/:id/capture", kind: "status", status: 503, times: 10 })
      const failed = await admin.capture(payment.id, 100)
      expect(failed.status).toBeGreaterThanOrEqual(400)
      expect(events(transactionId, "CAPTURE")).toHaveLength(0)
      env.emulator.faults.clear()
      expect((await admin.capture(payment.id, 100)).status).toBe(200)
      expect(events(transactionId, "CAPTURE").map((e: any) => e.amount)).toEqual([10000])

      // 2) Dintero applies the capture but every answer is lost: Medusa's retry must not capture again.
      env.emulator.faults.add({ method: "POST", path: "/checkout/v1/transactions/:id/capture", kind: "lose-response", times: 10 })
      // The client's re-reads after the lost answer fail too, so it cannot tell whether the capture happened and
      // Medusa deletes its capture row; the plugin parks the reference on the payment.
      env.emulator.faults.add({ method: "GET", path: "/checkout/v1/transactions/:id", kind: "status", status: 503, times: 40 })
      const lost = await admin.capture(payment.id, 50)
      expect(lost.status).toBeGreaterThanOrEqual(400)
      env.emulator.faults.clear()
      expect(events(transactionId, "CAPTURE").map((e: any) => e.amount)).toEqual([10000, 5000])
      // Enough is left to capture 50.00 again, so only the reference check prevents a double capture.
      const retried = await admin.capture(payment.id, 50)
      expect(retried.status).toBe(200)
      expect(events(transactionId, "CAPTURE").map((e: any) => e.amount)).toEqual([10000, 5000])

      const captures = (await admin.ok("get", `/admin/payments/${payment.id}?fields=*captures`)).payment.captures
      expect(captures.map((c: any) => c.amount).sort((a: number, b: number) => a - b)).toEqual([50, 100])
    })

    it("refunds once when the answer was lost, and two equal partial refunds are both made", async () => {
      const { payment, transactionId } = await placedOrder(2)
      expect((await admin.capture(payment.id)).status).toBe(200)
      expect((await admin.refund(payment.id, 10)).status).toBe(200)
      env.emulator.faults.add({ method: "POST", path: "/checkout/v1/transactions/:id/refund", kind: "lose-response", times: 10 })
      env.emulator.faults.add({ method: "GET", path: "/checkout/v1/transactions/:id", kind: "status", status: 503, times: 40 })
      expect((await admin.refund(payment.id, 10)).status).toBeGreaterThanOrEqual(400)
      expect(events(transactionId, "REFUND").map((e: any) => e.amount)).toEqual([1000, 1000])
      env.emulator.faults.clear()
      expect((await admin.refund(payment.id, 10)).status).toBe(200)
      expect(events(transactionId, "REFUND").map((e: any) => e.amount)).toEqual([1000, 1000])
      const refunds = (await admin.ok("get", `/admin/payments/${payment.id}?fields=*refunds`)).payment.refunds
      expect(refunds.map((r: any) => r.amount)).toEqual([10, 10])
    })

    it("re-reads and re-allocates when a capture was made outside Medusa (Dintero Backoffice)", async () => {
      const { payment, transactionId } = await placedOrder(2)
      const client = merchantDinteroClient(env.emulator)
      const itemLine = dinteroTx(transactionId).items.find((i: any) => i.id === "175938")
      await client.checkout.captureTransaction(transactionId, {
        amount: 39800,
        capture_reference: "backoffice-1",
        items: [{ line_id: itemLine.line_id, amount: 39800, quantity: 2 }],
      })
      client.close()
      // Medusa still believes nothing is captured; its next capture must land on the shipping line.
      expect((await admin.capture(payment.id, 49)).status).toBe(200)
      const medusaCapture = events(transactionId, "CAPTURE").at(-1)
      expect(medusaCapture.amount).toBe(4900)
      expect(medusaCapture.items).toEqual([expect.objectContaining({ amount: 4900 })])
      expect(medusaCapture.items[0].line_id).not.toBe(itemLine.line_id)
      // The first allocation (from the stale view) was refused by Dintero, the second one went through.
      const capturePosts = env.emulator.requests.filter((r: any) => r.method === "POST" && r.path.endsWith("/capture"))
      expect(capturePosts.map((r: any) => r.status)).toEqual([200, 400, 200])
    })

    it("voids the authorization when the order is cancelled", async () => {
      const { order, transactionId } = await placedOrder(1)
      const res = await admin.cancelOrder(order.id)
      expect(res.status).toBe(200)
      expect(dinteroTx(transactionId).status).toBe("AUTHORIZATION_VOIDED")
    })

    it("accepts Dintero's POST callback on Medusa's generic webhook route when no signature secret is set", async () => {
      const { cart, session } = await paidCart(1)
      env.emulator.faults.add({ kind: "callback", mode: "drop", path: "*" } as any)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      // The body is only a pointer: the plugin re-reads the transaction. Its amount is a lie on purpose.
      const res = await axios.post(
        `${env.backendUrl}/hooks/payment/dintero_dintero`,
        { ...paid.transaction, amount: 1 },
        { validateStatus: () => true }
      )
      expect(res.status).toBe(200)
      const query = getContainer().resolve("query")
      let orders: any[] = []
      for (let i = 0; i < 40 && orders.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 500))
        orders = (await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cart.id } })).data
      }
      expect(orders).toHaveLength(1)
      const order = await admin.getOrder(orders[0].order_id)
      expect(order.payment_collections[0].payments[0].amount).toBe(248)
    })

    // Issue 9: with the Orders mirror off nothing else tells the merchant; Medusa's order and the widget's route do.
    it("ON_HOLD that ends FAILED with the mirror off: the order says not paid, the widget's route shows the failed hold, and the order can be cancelled", async () => {
      const { orderId } = await holdThenFail(store, admin, env.emulator, seeded, getContainer())
      const mirror = await admin.ok("get", `/admin/dintero/orders/${orderId}`)
      expect([mirror.dintero_order_mirror, mirror.operations]).toEqual([null, []])
      // What the widget tells the merchant to do: cancelling the order is Medusa's own road.
      await admin.ok("post", `/admin/orders/${orderId}/cancel`, {})
      const order = await admin.getOrder(orderId)
      expect([order.status, order.payment_status]).toEqual(["canceled", "canceled"])
    })

    it("never prints the client secret or an access token", async () => {
      await placedOrder(1)
      const all = printed.join("")
      expect(all.length).toBeGreaterThan(1000)
      expect(all).not.toContain("emulator-secret")
      expect(all).not.toMatch(/Basic [A-Za-z0-9+/=]{20,}/)
      const tokens = env.emulator.issuedTokens()
      expect(tokens.length).toBeGreaterThan(0)
      for (const token of tokens) {
        expect(all).not.toContain(token)
      }
    })
  },
})
