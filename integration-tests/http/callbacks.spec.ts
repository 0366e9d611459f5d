import axios from "axios"
import { Modules } from "@medusajs/framework/utils"
import { signCallback } from "../../src/dintero"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { merchantDinteroClient } from "../utils/environment"
import { holdThenFail } from "./hold-failed-helpers"
import { waitForMirror } from "./orders-mirror-helpers"
import { processDinteroOrderOutboxWorkflow } from "../../src/workflows/mirror-order"

jest.setTimeout(180_000)

// Signed callbacks, as a merchant with a Dintero signature secret runs them.
const SECRET = "callback-signing-secret"
const env = dinteroTestSuite({
  environment: {
    emulator: { signatureSecret: SECRET },
    env: { DINTERO_CALLBACK_SECRET: SECRET },
  },
  testSuite: ({ getContainer, seeded, store, admin }) => {
    async function cartWithSession(quantity = 1) {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity }],
      })
      const { session } = await store.initiatePaymentSession(cart.id)
      return { cart, session, dinteroSessionId: session.data.dintero_session_id as string }
    }

    async function ordersForCart(cartId: string) {
      const query = getContainer().resolve("query")
      const { data } = await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
      return data.map((d: any) => d.order_id as string)
    }

    async function paymentSession(id: string) {
      return await getContainer().resolve(Modules.PAYMENT).retrievePaymentSession(id)
    }

    /** Calls the callback route as Dintero would, signing with the given secret and time. */
    async function sendCallback(params: Record<string, string>, opts: { secret?: string; t?: number; method?: string } = {}) {
      const url = new URL(`${env.backendUrl}/hooks/dintero/callback`)
      url.searchParams.set("report_error", "true")
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
      const headers: Record<string, string> = {}
      if (opts.secret !== undefined) {
        headers["Dintero-Signature"] = signCallback({
          secret: opts.secret,
          accountId: "T12345678",
          method: opts.method ?? "GET",
          url: url.toString(),
          timestamp: opts.t ?? Math.floor(Date.now() / 1000),
        })
      }
      return await axios.request({
        method: opts.method ?? "GET",
        url: url.toString(),
        headers,
        validateStatus: () => true,
      })
    }

    it("completes the cart from the callback when the shopper never returns", async () => {
      const { cart } = await cartWithSession()
      const sessionId = (await store.getCart(cart.id)).payment_collection?.payment_sessions?.[0]?.data?.dintero_session_id
      await env.emulator.pay(sessionId, "AUTHORIZED")
      await env.emulator.waitForCallbacks()

      const delivery = env.emulator.callbacks[0]
      expect(delivery.signature).toBe(true)
      expect(delivery.attempts.at(-1)!.status).toBe(200)
      const orders = await ordersForCart(cart.id)
      expect(orders).toHaveLength(1)

      // The shopper comes back later: the same order, not a second one.
      const completed = await store.completeCart(cart.id)
      expect(completed.body.order?.id).toBe(orders[0])
      expect(await ordersForCart(cart.id)).toHaveLength(1)
      const order = await admin.getOrder(orders[0])
      expect(order.payment_collections[0].payments).toHaveLength(1)
      expect(order.payment_collections[0].payments[0].amount).toBe(248)
    })

    it("makes exactly one order from duplicate and concurrent callbacks racing the shopper's return", async () => {
      const { cart, dinteroSessionId } = await cartWithSession(2)
      env.emulator.faults.add({ kind: "callback", mode: "duplicate", path: "*" } as any)
      const paid = await env.emulator.pay(dinteroSessionId, "AUTHORIZED")
      const tx = paid.transaction!
      const params = {
        transaction_id: tx.id,
        session_id: dinteroSessionId,
        merchant_reference: cart.id,
        time: new Date().toISOString(),
      }
      const results = await Promise.all([
        store.completeCart(cart.id),
        sendCallback(params, { secret: SECRET }),
        sendCallback(params, { secret: SECRET }),
        sendCallback(params, { secret: SECRET }),
        store.completeCart(cart.id),
      ])
      await env.emulator.waitForCallbacks()
      const callbackStatuses = results.slice(1, 4).map((r: any) => r.status)
      // Either done (200) or "busy, retry" (503) while another road holds the cart's lock; never a 4xx.
      for (const status of callbackStatuses) expect([200, 503]).toContain(status)

      const orders = await ordersForCart(cart.id)
      expect(orders).toHaveLength(1)
      const order = await admin.getOrder(orders[0])
      expect(order.payment_collections[0].payments).toHaveLength(1)
      expect(env.emulator.callbacks.length).toBeGreaterThanOrEqual(2)
    })

    it("creates the order on ON_HOLD and authorizes the payment when the hold ends", async () => {
      const { cart, dinteroSessionId } = await cartWithSession()
      const paid = await env.emulator.pay(dinteroSessionId, "ON_HOLD")
      await env.emulator.waitForCallbacks()
      const orders = await ordersForCart(cart.id)
      expect(orders).toHaveLength(1)
      let order = await admin.getOrder(orders[0])
      expect(order.payment_collections[0].payments ?? []).toHaveLength(0)
      expect(order.payment_collections[0].status).not.toBe("authorized")

      await env.emulator.resolveOnHold(paid.transaction!.id, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      order = await admin.getOrder(orders[0])
      expect(order.payment_collections[0].payments).toHaveLength(1)
      expect(order.payment_collections[0].status).toBe("authorized")
    })

    // Issue 9: a hold that ends after its session has left the reconciliation's lookback, with every callback lost.
    it("the mirror's operation waiting for a held payment settles the hold once it ended, without any callback", async () => {
      const { cart, dinteroSessionId } = await cartWithSession()
      const paid = await env.emulator.pay(dinteroSessionId, "ON_HOLD")
      await env.emulator.waitForCallbacks()
      const [orderId] = await ordersForCart(cart.id)
      const placed = await waitForMirror(admin, orderId, (m) => /on hold/.test(m.operations[0]?.last_error ?? ""))
      expect(placed.operations[0].status).toBe("pending")

      env.emulator.faults.add({ kind: "callback", mode: "drop", path: "*" } as any)
      await env.emulator.resolveOnHold(paid.transaction!.id, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      // The callbacks were lost: Medusa still awaits the payment.
      expect((await admin.getOrder(orderId)).payment_collections[0].payments ?? []).toHaveLength(0)

      // The retry job's pass over the order (run here at once instead of at its interval).
      await processDinteroOrderOutboxWorkflow(getContainer()).run({ input: { order_ids: [orderId], force: true } })
      const order = await admin.getOrder(orderId)
      expect(order.payment_collections[0].payments).toHaveLength(1)
      expect(order.payment_collections[0].status).toBe("authorized")
      const mirror = await waitForMirror(admin, orderId, (m) => m.operations[0]?.status === "done")
      expect(mirror.dintero_order_mirror.dintero_order_id).toBeTruthy()
      env.emulator.faults.clear()
    })

    // Issue 9: a failed hold is shown on the order (Medusa's payment status, the widget's route), and the mirror records it.
    it("ON_HOLD that ends FAILED: the order says not paid, the widget's route shows the failed hold, the mirror needs action", async () => {
      const { orderId, transactionId } = await holdThenFail(store, admin, env.emulator, seeded, getContainer())
      // The mirror's waiting operation looks again at the next pass (the job's, or the admin's Retry as here).
      await admin.ok("post", `/admin/dintero/orders/${orderId}/retry`, {})
      const mirror = await waitForMirror(admin, orderId, (m) => m.operations[0]?.status === "needs_action")
      expect(mirror.operations[0].last_error).toContain(`${transactionId} was on hold and ended FAILED: the order is not paid`)
    })

    it("an order cancelled while its payment is on hold: when the hold ends AUTHORIZED the money is released, never authorized into the cancelled order", async () => {
      const { cart, dinteroSessionId } = await cartWithSession()
      const paid = await env.emulator.pay(dinteroSessionId, "ON_HOLD")
      const transactionId = paid.transaction!.id as string
      await env.emulator.waitForCallbacks()
      const [orderId] = await ordersForCart(cart.id)
      // The merchant cancels the order while Dintero reviews the payment (Medusa has no payment to cancel yet).
      await admin.ok("post", `/admin/orders/${orderId}/cancel`, {})
      expect(env.emulator.state.transactions.find((t: any) => t.id === transactionId)?.status).toBe("ON_HOLD")

      await env.emulator.resolveOnHold(transactionId, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      expect(env.emulator.callbacks.at(-1)!.attempts.at(-1)!.status).toBe(200)
      // Dintero: released. Medusa: the cancelled order holds no payment, and the reason is on the order.
      expect(env.emulator.state.transactions.find((t: any) => t.id === transactionId)?.status).toBe("AUTHORIZATION_VOIDED")
      const order = await admin.getOrder(orderId)
      expect(order.status).toBe("canceled")
      expect(order.payment_collections.flatMap((c: any) => c.payments ?? [])).toEqual([])
      // Dintero's callback again (a redelivery): answered, nothing changes.
      const again = await sendCallback(
        { transaction_id: transactionId, session_id: dinteroSessionId, merchant_reference: cart.id, time: new Date().toISOString() },
        { secret: SECRET }
      )
      expect(again.status).toBe(200)
      expect((await admin.getOrder(orderId)).payment_collections.flatMap((c: any) => c.payments ?? [])).toEqual([])
      const [tx] = await merchantDinteroClient(env.emulator).checkout.listTransactions({ session_id: dinteroSessionId })
      expect(tx.status).toBe("AUTHORIZATION_VOIDED")
      // The mirror's operation, which waited for the hold, has nothing to mirror for a cancelled order.
      await admin.ok("post", `/admin/dintero/orders/${orderId}/retry`, {})
      const mirror = await waitForMirror(admin, orderId, (m) => m.operations.every((o: any) => o.status !== "pending" && o.status !== "processing"))
      expect(mirror.dintero_order_mirror?.dintero_order_id ?? null).toBeNull()
      expect(mirror.operations.map((o: any) => [o.kind, o.status])).toContainEqual(["order_placed", "skipped"])
    })

    it("records a declined payment on the payment session, keeps it payable and creates no order", async () => {
      const { cart, session, dinteroSessionId } = await cartWithSession()
      const declined = await env.emulator.pay(dinteroSessionId, "DECLINED")
      await env.emulator.waitForCallbacks()
      expect(env.emulator.callbacks[0].attempts.at(-1)!.status).toBe(200)
      const after = await paymentSession(session.id)
      // The shopper may pay again on the same Dintero page (checkout-reliability.spec.ts), so not "error".
      expect(after.status).toBe("pending")
      expect(after.data!.dintero_status).toBe("DECLINED")
      expect(after.data!.declined_transaction_id).toBe(declined.transaction!.id)
      expect(await ordersForCart(cart.id)).toHaveLength(0)
      const completed = await store.completeCart(cart.id)
      expect(completed.body.type).not.toBe("order")
    })

    it("records a cancelled checkout as canceled on the payment session", async () => {
      const { session, dinteroSessionId } = await cartWithSession()
      const result = await env.emulator.pay(dinteroSessionId, "CANCELLED")
      expect(result.redirect_url).toContain("error=cancelled")
      await env.emulator.waitForCallbacks()
      expect(env.emulator.callbacks[0].error).toBe("cancelled")
      expect(env.emulator.callbacks[0].attempts.at(-1)!.status).toBe(200)
      const after = await paymentSession(session.id)
      expect(after.status).toBe("canceled")
    })

    describe("a callback for an order already placed (the shortcut that reads no cart)", () => {
      /** A paid cart whose callbacks Dintero has not delivered yet: the test sends them itself. */
      async function paidWithCallbacksHeld(status: "AUTHORIZED" | "ON_HOLD") {
        const { cart, session, dinteroSessionId } = await cartWithSession()
        env.emulator.faults.add({ kind: "callback", mode: "drop", path: "*" } as any)
        const paid = await env.emulator.pay(dinteroSessionId, status)
        const params = {
          transaction_id: paid.transaction!.id,
          session_id: dinteroSessionId,
          merchant_reference: cart.id,
          time: new Date().toISOString(),
        }
        return { cart, session, params, txId: paid.transaction!.id }
      }

      /** What a callback could change: the orders of the cart, their payments (data, status) and the sessions. */
      async function snapshot(cartId: string) {
        const orders = await ordersForCart(cartId)
        const order = orders[0] ? await admin.getOrder(orders[0]) : null
        const collections = (order?.payment_collections ?? []).map((pc: any) => ({
          id: pc.id,
          status: pc.status,
          payments: (pc.payments ?? []).map((p: any) => ({
            id: p.id,
            data: p.data,
            captured_at: p.captured_at,
            canceled_at: p.canceled_at,
            captures: p.captures,
            refunds: p.refunds,
          })),
          sessions: (pc.payment_sessions ?? []).map((s: any) => ({ id: s.id, status: s.status, data: s.data })),
        }))
        return { orders, metadata: order?.metadata ?? null, collections }
      }

      it("answers 200 from the order's payment and changes nothing; forged ones still change nothing", async () => {
        const { cart, params, txId } = await paidWithCallbacksHeld("AUTHORIZED")
        // The shopper's return places the order first (the normal case).
        const completed = await store.completeCart(cart.id)
        expect(completed.body.type).toBe("order")
        const before = await snapshot(cart.id)
        expect(before.orders).toHaveLength(1)
        expect(before.collections[0].payments.map((p: any) => p.data.transaction_id)).toEqual([txId])

        const first = await sendCallback(params, { secret: SECRET })
        expect(first.status).toBe(200)
        expect(first.data.result).toBe("already settled: the order holds this payment")
        // Dintero's retry of the same callback, and the POST form: the same answer.
        const again = await sendCallback(params, { secret: SECRET, method: "POST" })
        expect(again.status).toBe(200)
        expect(again.data.result).toBe("already settled: the order holds this payment")
        // The query's values are only pointers: a merchant_reference naming another cart changes nothing either,
        // since the transaction read from Dintero names this cart.
        const otherCart = await cartWithSession()
        const pointed = await sendCallback({ ...params, merchant_reference: otherCart.cart.id }, { secret: SECRET })
        expect(pointed.status).toBe(200)
        expect(await ordersForCart(otherCart.cart.id)).toHaveLength(0)

        // Forged or replayed: refused before anything is read.
        expect((await sendCallback(params)).status).toBe(401)
        expect((await sendCallback(params, { secret: "not-the-secret" })).status).toBe(401)
        expect((await sendCallback(params, { secret: SECRET, t: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401)

        expect(await snapshot(cart.id)).toEqual(before)
      })

      it("still takes the full road when the transaction's status moved: ON_HOLD, then AUTHORIZED", async () => {
        const { cart, params } = await paidWithCallbacksHeld("ON_HOLD")
        const held = await sendCallback(params, { secret: SECRET })
        expect(held.status).toBe(200)
        expect(held.data.result).toBe("order placed, payment on hold")
        const [orderId] = await ordersForCart(cart.id)
        expect((await admin.getOrder(orderId)).payment_collections[0].payments ?? []).toHaveLength(0)

        // The hold ends at Dintero (its callback held back): the order has no payment yet, so no shortcut.
        await env.emulator.resolveOnHold(params.transaction_id, "AUTHORIZED")
        const authorized = await sendCallback(params, { secret: SECRET })
        expect(authorized.status).toBe(200)
        expect(authorized.data.result).toBe("held payment authorized")
        const order = await admin.getOrder(orderId)
        expect(order.payment_collections[0].payments).toHaveLength(1)
        expect(order.payment_collections[0].status).toBe("authorized")

        // Now the order holds the payment: the next delivery takes the shortcut and changes nothing.
        const before = await snapshot(cart.id)
        const repeat = await sendCallback(params, { secret: SECRET })
        expect(repeat.data.result).toBe("already settled: the order holds this payment")
        expect(await snapshot(cart.id)).toEqual(before)
      })

      // Issue 10: processPaymentWorkflow waits up to 30 s for Medusa's cart lock (its acquireLockStep, key: the cart id,
      // as completeCartWorkflow's), longer than Dintero waits for a callback's answer. Held by another completion, the
      // callback is answered 503 at once (settle-payment.ts cartLockFree), without starting the workflow.
      it("answers 503 within Dintero's timeout while another completion holds the cart's lock, then authorizes once", async () => {
        const { cart, params, txId } = await paidWithCallbacksHeld("ON_HOLD")
        expect((await sendCallback(params, { secret: SECRET })).data.result).toBe("order placed, payment on hold")
        const before = await snapshot(cart.id)
        expect(before.orders).toHaveLength(1)
        expect(before.collections[0].payments).toEqual([])

        const locking = getContainer().resolve(Modules.LOCKING)
        await locking.acquire(cart.id, { ownerId: "a-running-completion", expire: 120 })
        try {
          // The hold ends: the emulator delivers the callback as Dintero does (its callback timeout, its retries on 5xx).
          await env.emulator.resolveOnHold(txId, "AUTHORIZED")
          await env.emulator.waitForCallbacks()
          const answers = env.emulator.callbacks.filter((c) => c.transaction_id === txId).at(-1)!.attempts.map((a) => a.status ?? a.error)
          // Every attempt answered 503, none timed out (a run waiting for the lock would have).
          expect(answers.length).toBeGreaterThan(0)
          expect(answers).toEqual(answers.map(() => 503))
          expect(await snapshot(cart.id)).toEqual(before)
        } finally {
          await locking.release(cart.id, { ownerId: "a-running-completion" })
        }

        // The lock is free: Dintero's next delivery authorizes the held payment, and a further one changes nothing.
        const settled = await sendCallback(params, { secret: SECRET })
        expect({ status: settled.status, result: settled.data.result }).toEqual({ status: 200, result: "held payment authorized" })
        const after = await snapshot(cart.id)
        expect(after.collections[0].payments.map((p: any) => p.data.transaction_id)).toEqual([txId])
        expect(after.collections[0].status).toBe("authorized")
        const repeat = await sendCallback(params, { secret: SECRET })
        expect(repeat.data.result).toBe("already settled: the order holds this payment")
        expect(await snapshot(cart.id)).toEqual(after)
      })

      it("still takes the full road when Dintero voided the payment after the order was placed", async () => {
        const { cart, params } = await paidWithCallbacksHeld("AUTHORIZED")
        expect((await store.completeCart(cart.id)).body.type).toBe("order")
        // A void done in Dintero's backoffice (the merchant's own API access): the transaction is no longer
        // AUTHORIZED, so the callback is settled from the cart's records, not answered from the payment.
        const client = merchantDinteroClient(env.emulator)
        await client.checkout.voidTransaction(params.transaction_id)
        const voided = await sendCallback(params, { secret: SECRET })
        expect(voided.status).toBe(200)
        expect(voided.data.result).toBe("authorization voided")
      })
    })

    describe("forged, malformed and replayed callbacks change nothing", () => {
      async function paidButNotCompleted() {
        const { cart, session, dinteroSessionId } = await cartWithSession()
        env.emulator.faults.add({ kind: "callback", mode: "drop", path: "*" } as any)
        const paid = await env.emulator.pay(dinteroSessionId, "AUTHORIZED")
        const params = {
          transaction_id: paid.transaction!.id,
          session_id: dinteroSessionId,
          merchant_reference: cart.id,
          time: new Date().toISOString(),
        }
        return { cart, session, params }
      }

      it("rejects a missing, wrong, malformed or replayed signature with 401 and leaves the cart open", async () => {
        const { cart, params } = await paidButNotCompleted()
        const now = Math.floor(Date.now() / 1000)
        expect((await sendCallback(params)).status).toBe(401)
        expect((await sendCallback(params, { secret: "not-the-secret" })).status).toBe(401)
        expect((await sendCallback(params, { secret: SECRET, t: now - 3600 })).status).toBe(401)
        expect((await sendCallback(params, { secret: SECRET, t: now + 3600 })).status).toBe(401)
        const malformed = await axios.get(`${env.backendUrl}/hooks/dintero/callback?transaction_id=${params.transaction_id}`, {
          headers: { "Dintero-Signature": "t=abc,v0-hmac-sha256=zz" },
          validateStatus: () => true,
        })
        expect(malformed.status).toBe(401)
        expect(await ordersForCart(cart.id)).toHaveLength(0)

        // The genuine callback, signed for the method it uses (POST here), still goes through afterwards.
        const genuine = await sendCallback(params, { secret: SECRET, method: "POST" })
        expect(genuine.status).toBe(200)
        expect(await ordersForCart(cart.id)).toHaveLength(1)
      })

      it("ignores unknown transactions and transactions that are not this store's sessions (200, nothing changes)", async () => {
        const { cart, session, params } = await paidButNotCompleted()
        const unknown = await sendCallback({ ...params, transaction_id: "T12345678.doesnotexist000000000" }, { secret: SECRET })
        expect(unknown.status).toBe(200)

        // A transaction made on the same Dintero account by someone else, pointing at this session but for
        // another amount and merchant reference.
        const client = merchantDinteroClient(env.emulator)
        const foreign = await client.checkout.createSession({
          profile_id: "default",
          url: { return_url: "https://elsewhere.example/return" },
          order: {
            amount: 100,
            currency: "NOK",
            merchant_reference: "someone-else",
            items: [{ id: "x", line_id: "1", description: "x", quantity: 1, amount: 100, vat_amount: 0, vat: 0 }],
          },
          metadata: { medusa_payment_session_id: session.id },
        } as any)
        const foreignPaid = await env.emulator.pay(foreign.id, "AUTHORIZED")
        const forged = await sendCallback(
          { transaction_id: foreignPaid.transaction!.id, session_id: foreign.id, merchant_reference: cart.id, time: params.time },
          { secret: SECRET }
        )
        expect(forged.status).toBe(200)
        expect(forged.data.result).toBe("ignored")
        expect(await ordersForCart(cart.id)).toHaveLength(0)
        expect((await paymentSession(session.id)).status).toBe("pending")
      })

      it("answers 503 while Dintero forbids reading the transaction (a missing scope), and completes the cart once it may", async () => {
        const { cart, session, params } = await paidButNotCompleted()
        env.emulator.faults.add({ method: "GET", path: "/checkout/v1/transactions/:id", kind: "status", status: 403, times: 2 })
        const forbidden = await sendCallback(params, { secret: SECRET })
        // Not "unknown to Dintero" (a 200 would end Dintero's retries with the money held and no order).
        expect(forbidden.status).toBe(503)
        expect(await ordersForCart(cart.id)).toHaveLength(0)
        expect((await paymentSession(session.id)).status).toBe("pending")
        env.emulator.faults.clear()
        const allowed = await sendCallback(params, { secret: SECRET })
        expect(allowed.status).toBe(200)
        expect(await ordersForCart(cart.id)).toHaveLength(1)
      })

      it("refuses a signed callback sent to Medusa's generic webhook route, which cannot verify signatures", async () => {
        const { cart, params } = await paidButNotCompleted()
        const res = await axios.post(
          `${env.backendUrl}/hooks/payment/dintero_dintero`,
          { id: params.transaction_id, merchant_reference: cart.id },
          { validateStatus: () => true }
        )
        expect(res.status).toBe(200) // Medusa acks first and processes later
        await new Promise((r) => setTimeout(r, 6500)) // the generic route delays processing by 5 s
        expect(await ordersForCart(cart.id)).toHaveLength(0)

        // Positive control: the cart could be completed all along; the plugin's own route, signed, completes it.
        const genuine = await sendCallback(params, { secret: SECRET, method: "POST" })
        expect(genuine.status).toBe(200)
        expect(await ordersForCart(cart.id)).toHaveLength(1)
      })
    })
  },
})
