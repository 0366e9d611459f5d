import axios from "axios"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { dinteroOrder, ledgers, settled, waitForMirror } from "./orders-mirror-helpers"

jest.setTimeout(240_000)

/** 2 × 199.00 + 49.00 shipping, in øre. */
const TOTAL = 44700

// Issue 8 item 2: auto-capture is asynchronous at Dintero. The transaction is AUTHORIZED first and CAPTURED later,
// possibly after the shopper's return, possibly after failed attempts that Dintero retries (SPEC-TS:3204-3223
// AutoCaptureConfiguration; a failed attempt is reported as error=captured, Dintero's WooCommerce V2 reading). Each
// interleaving of return, callbacks and capture must end with the Medusa payment captured exactly once, the Checkout
// transaction CAPTURED by one successful capture event, and one capture record on the Orders API order.
//
// The store runs with `autoCapture: true`. The emulator's auto-capture timer is set far beyond any test: each attempt is
// run by the test itself (emulator.runAutoCapture), so the interleavings are chosen, not raced.
const env = dinteroTestSuite({
  environment: {
    emulator: { autoCaptureDelayMs: 3_600_000, autoCaptureFailureCallbacks: true },
    env: { DINTERO_AUTO_CAPTURE: "true" },
  },
  testSuite: ({ getContainer, seeded, store, admin }) => {
    beforeEach(() => {
      env.emulator.options.autoCaptureFailures = 0
    })

    const dinteroTx = (id: string) => env.emulator.state.transactions.find((t: any) => t.id === id) as any

    /** A cart paid at Dintero with auto-capture: the transaction is AUTHORIZED, its capture pending. */
    async function paidCart() {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }],
      })
      const { session } = await store.initiatePaymentSession(cart.id)
      const dinteroSession = env.emulator.state.sessions.find((s: any) => s.id === session.data.dintero_session_id) as any
      expect(dinteroSession.configuration.auto_capture).toBe(true)
      const paid = await env.emulator.pay(dinteroSession.id, "AUTHORIZED")
      const txId = paid.transaction!.id
      expect(dinteroTx(txId).status).toBe("AUTHORIZED")
      return { cartId: cart.id as string, txId }
    }

    /** The shopper comes back to the store: the storefront completes the cart. */
    async function shopperReturns(cartId: string): Promise<string> {
      const completed = await store.completeCart(cartId)
      expect(completed.body.type).toBe("order")
      return completed.body.order.id as string
    }

    /** Dintero's next auto-capture attempt happens now (it fails while attempts are set to fail). */
    async function autoCaptureAttempt(txId: string) {
      expect(env.emulator.runAutoCapture(txId)).toBe(true)
      await env.emulator.waitForCallbacks()
    }

    /** Calls the callback route as Dintero does (this file runs without a signature secret). */
    async function sendCallback(params: Record<string, string>) {
      const url = new URL(`${env.backendUrl}/hooks/dintero/callback`)
      url.searchParams.set("report_error", "true")
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
      return await axios.get(url.toString(), { validateStatus: () => true })
    }

    async function ordersForCart(cartId: string): Promise<string[]> {
      const { data } = await getContainer()
        .resolve("query")
        .graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
      return data.map((d: any) => d.order_id as string)
    }

    /** Every callback Dintero sent about the transaction was answered 200 (none left for Dintero to retry). */
    function expectCallbacksAnswered(txId: string, kinds: string[]) {
      const mine = env.emulator.callbacks.filter((c: any) => c.transaction_id === txId)
      expect(mine.map((c: any) => (c.error ? `${c.kind}:${c.error}` : c.kind))).toEqual(kinds)
      for (const c of mine) if (!c.dropped) expect(c.attempts.at(-1)?.status).toBe(200)
    }

    /**
     * Captured exactly once everywhere: one Medusa capture of the whole amount, the Checkout transaction CAPTURED by
     * one successful capture event (after `failedAttempts` failed ones), one capture record on the Orders order.
     */
    async function expectCapturedOnce(orderId: string, txId: string, failedAttempts = 0) {
      const order = await admin.getOrder(orderId)
      const payments = order.payment_collections.flatMap((pc: any) => pc.payments)
      expect(payments).toHaveLength(1)
      expect(payments[0].data.transaction_id).toBe(txId)
      expect(payments[0].captured_at).toBeTruthy()
      expect(payments[0].captures.map((c: any) => Number(c.amount))).toEqual([TOTAL / 100])

      const tx = dinteroTx(txId)
      expect(tx.status).toBe("CAPTURED")
      const captureEvents = tx.events.filter((e: any) => e.event === "CAPTURE")
      expect(captureEvents.map((e: any) => e.success)).toEqual([...Array(failedAttempts).fill(false), true])
      expect(captureEvents.at(-1).amount).toBe(TOTAL)

      const mirror = await waitForMirror(admin, orderId, (m) => m.operations.some((o: any) => o.kind === "capture") && settled(2)(m))
      const captureOps = mirror.operations.filter((o: any) => o.kind === "capture")
      expect(captureOps.map((o: any) => o.status)).toEqual(["done"])
      const dOrder = dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id)
      const captures = dOrder.operations.captures.filter((c: any) => c.success)
      expect(captures).toHaveLength(1)
      expect(captures[0].payment_details.payment_id).toBe(txId)
      expect(captures[0].items.reduce((s: number, i: any) => s + i.amount, 0)).toBe(TOTAL)
      const l = await ledgers(admin, env.emulator, orderId, mirror.dintero_order_mirror.dintero_order_id)
      expect({ medusa: l.medusa, checkout: l.checkout, orders: l.orders }).toEqual({ medusa: TOTAL, checkout: TOTAL, orders: TOTAL })
    }

    it("(1) the shopper returns before the capture lands; the capture callback records it later", async () => {
      const { cartId, txId } = await paidCart()
      const orderId = await shopperReturns(cartId)
      let order = await admin.getOrder(orderId)
      expect(order.payment_collections[0].payments[0].captures).toEqual([])
      // Nothing has told Medusa of a capture yet: no callback was sent (Dintero waits for CAPTURED).
      expect(env.emulator.callbacks).toEqual([])

      await autoCaptureAttempt(txId)
      expectCallbacksAnswered(txId, ["payment"])
      order = await admin.getOrder(orderId)
      expect(order.payment_status).toBe("captured")
      await expectCapturedOnce(orderId, txId)
    })

    it("(2a) the capture lands before the return: the callback places the order, the return finds it", async () => {
      const { cartId, txId } = await paidCart()
      await autoCaptureAttempt(txId)
      expectCallbacksAnswered(txId, ["payment"])
      const [orderId] = await ordersForCart(cartId)
      expect(orderId).toBeDefined()
      expect(await shopperReturns(cartId)).toBe(orderId)
      await expectCapturedOnce(orderId, txId)
    })

    it("(2b) the capture lands before the return and the callback arrives after it (its first delivery lost)", async () => {
      const { cartId, txId } = await paidCart()
      env.emulator.faults.add({ kind: "callback", mode: "drop" } as any)
      await autoCaptureAttempt(txId)
      expect(env.emulator.callbacks.map((c: any) => c.dropped)).toEqual([true])
      expect(await ordersForCart(cartId)).toEqual([])

      // The return sees CAPTURED: Medusa authorizes and records the capture in one go.
      const orderId = await shopperReturns(cartId)
      // Dintero's retry of the lost callback.
      const retry = await sendCallback({ transaction_id: txId, session_id: dinteroTx(txId).session_id, merchant_reference: cartId })
      expect(retry.status).toBe(200)
      await expectCapturedOnce(orderId, txId)
    })

    it("(3) auto-capture fails twice then succeeds: the failures' callbacks change nothing, the final one records it once", async () => {
      env.emulator.options.autoCaptureFailures = 2
      const { cartId, txId } = await paidCart()

      // First failed attempt before the shopper returns: the money is held (AUTHORIZED), so its callback places the order.
      await autoCaptureAttempt(txId)
      expectCallbacksAnswered(txId, ["error:captured"])
      const [orderId] = await ordersForCart(cartId)
      expect(orderId).toBeDefined()
      expect(await shopperReturns(cartId)).toBe(orderId)
      expect((await admin.getOrder(orderId)).payment_collections[0].payments[0].captures).toEqual([])

      await autoCaptureAttempt(txId)
      expectCallbacksAnswered(txId, ["error:captured", "error:captured"])
      expect((await admin.getOrder(orderId)).payment_collections[0].payments[0].captures).toEqual([])
      expect(dinteroTx(txId).status).toBe("AUTHORIZED")

      await autoCaptureAttempt(txId)
      expectCallbacksAnswered(txId, ["error:captured", "error:captured", "payment"])
      expect(env.emulator.runAutoCapture(txId)).toBe(false)
      await expectCapturedOnce(orderId, txId, 2)
    })

    it("(3b) auto-capture fails, the shopper returns, then it succeeds", async () => {
      env.emulator.options.autoCaptureFailures = 1
      const { cartId, txId } = await paidCart()
      const orderId = await shopperReturns(cartId)
      await autoCaptureAttempt(txId)
      expectCallbacksAnswered(txId, ["error:captured"])
      await autoCaptureAttempt(txId)
      expectCallbacksAnswered(txId, ["error:captured", "payment"])
      await expectCapturedOnce(orderId, txId, 1)
    })

    it("(5) the merchant captures in Medusa after the auto-capture landed, before its callback: recorded, not sent again", async () => {
      const { cartId, txId } = await paidCart()
      const orderId = await shopperReturns(cartId)
      env.emulator.faults.add({ kind: "callback", mode: "drop" } as any)
      await autoCaptureAttempt(txId)
      const order = await admin.getOrder(orderId)
      const paymentId = order.payment_collections[0].payments[0].id
      const captureCalls = () => env.emulator.requests.filter((r: any) => r.method === "POST" && r.path.endsWith("/capture")).length
      const before = captureCalls()

      const res = await admin.capture(paymentId)
      expect(res.status).toBe(200)
      // Dintero refused a second capture (nothing left), so at most that one refused request reached it.
      expect(captureCalls() - before).toBeLessThanOrEqual(1)
      // Dintero's retry of the lost callback now finds the payment captured.
      const retry = await sendCallback({ transaction_id: txId, session_id: dinteroTx(txId).session_id, merchant_reference: cartId })
      expect(retry.status).toBe(200)
      await expectCapturedOnce(orderId, txId)
    })

    it("(4) duplicate and concurrent callbacks after the capture, with and without the shopper's return", async () => {
      const { cartId, txId } = await paidCart()
      env.emulator.faults.add({ kind: "callback", mode: "duplicate" } as any)
      const params = { transaction_id: txId, session_id: dinteroTx(txId).session_id, merchant_reference: cartId }
      expect(env.emulator.runAutoCapture(txId)).toBe(true)
      // Dintero's duplicated delivery races three more copies and the shopper's return.
      const [answers, completed] = await Promise.all([
        Promise.all([sendCallback(params), sendCallback(params), sendCallback(params)]),
        store.completeCart(cartId),
      ])
      await env.emulator.waitForCallbacks()
      for (const a of answers) expect([200, 503]).toContain(a.status)
      expect(completed.body.type).toBe("order")
      // Whatever was answered 503 is retried by Dintero: one more delivery, now settled.
      expect((await sendCallback(params)).status).toBe(200)
      const orders = await ordersForCart(cartId)
      expect(orders).toEqual([completed.body.order.id])
      const deliveries = env.emulator.callbacks.filter((c: any) => c.transaction_id === txId)
      expect(deliveries).toHaveLength(2)
      await expectCapturedOnce(orders[0], txId)
    })
  },
})
