import { ContainerRegistrationKeys, generateEntityId } from "@medusajs/framework/utils"
import { DEFAULT_SETTINGS, reconcileStore, reconcileStoreWhenDue } from "../../src/workflows/reconcile/reconcile"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { dinteroOrder, editOrder, orderItems, placeOrder, settled, waitForMirror, withEventsLost } from "./orders-mirror-helpers"

jest.setTimeout(240_000)

// The scheduled run stays out of the way: these tests start runs themselves.
const env = dinteroTestSuite({
  environment: { env: { DINTERO_RECONCILE_INTERVAL_MS: String(3_600_000) } },
  testSuite: ({ getContainer, seeded, store, admin }) => {
    /** A paid cart whose callbacks are all dropped and whose shopper never comes back: no order until someone repairs it. */
    async function paidCartWithCallbacksLost() {
      const market = seeded.markets.no
      let cart = await store.createCart({ regionId: market.regionId, shippingOptionId: market.shippingOptionId, items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }] })
      await store.setAddresses(cart.id, market.address)
      cart = await store.addShippingMethod(cart.id, market.shippingOptionId)
      const { session } = await store.initiatePaymentSession(cart.id)
      env.emulator.faults.add({ kind: "callback", mode: "drop", times: 5 } as any)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      return { cart, session, paid }
    }

    const orderOfCart = async (cartId: string) =>
      (await getContainer().resolve("query").graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })).data[0]
        ?.order_id as string | undefined

    it("mirrors an order and a capture whose events were lost, once; the next run repairs nothing", async () => {
      const container = getContainer()
      const placed = await withEventsLost(container, async () => {
        const p = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
        await admin.capture(p.paymentId)
        return p
      })
      const before = await admin.ok("get", `/admin/dintero/orders/${placed.orderId}`).catch((e: any) => e?.response?.status ?? e)
      // Positive control: nothing was enqueued while the events were lost.
      expect(before?.operations ?? []).toHaveLength(0)

      const run = await reconcileStore(container)
      expect(run?.status).toBe("done")
      expect(run!.repaired.map((r) => r.what).sort()).toEqual(["order_placed"])
      // order_placed enqueues the captures Medusa already holds with it.
      const mirror = await waitForMirror(admin, placed.orderId, (m) => m.operations.length >= 2 && settled(2)(m))
      expect(mirror.operations.map((o: any) => [o.kind, o.status])).toEqual([
        ["order_placed", "done"],
        ["capture", "done"],
      ])
      const order = dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id)
      expect(order.operations.captures).toHaveLength(1)

      const again = await reconcileStore(container)
      expect(again?.repaired).toEqual([])
      expect(again!.window_from.getTime()).toBeLessThan(again!.window_to.getTime())
      expect((env.emulator.state as any).orders).toHaveLength(1)

      const { reconciliation_runs } = await admin.ok("get", "/admin/dintero/reconciliation")
      expect(reconciliation_runs.map((r: any) => r.repaired.length)).toEqual([0, 1])
    })

    it("the admin Retry reconciles the order first: a capture whose event was lost is enqueued and sent", async () => {
      const container = getContainer()
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
      const first = await waitForMirror(admin, placed.orderId, settled(1))
      await withEventsLost(container, () => admin.capture(placed.paymentId))
      const unchanged = await admin.ok("get", `/admin/dintero/orders/${placed.orderId}`)
      expect(unchanged.operations.map((o: any) => o.kind)).toEqual(["order_placed"])

      const retry = await admin.ok("post", `/admin/dintero/orders/${placed.orderId}/retry`, {})
      expect(retry.reconciliation.repaired.map((r: any) => r.what)).toEqual(["capture"])
      const mirror = await waitForMirror(admin, placed.orderId, (m) => m.operations.some((o: any) => o.kind === "capture") && settled(2)(m))
      expect(mirror.operations.filter((o: any) => o.kind === "capture").map((o: any) => o.status)).toEqual(["done"])
      expect(dinteroOrder(env.emulator, first.dintero_order_mirror.dintero_order_id).operations.captures).toHaveLength(1)

      const second = await admin.ok("post", `/admin/dintero/orders/${placed.orderId}/retry`, {})
      expect(second.reconciliation.repaired).toEqual([])
    })

    /** A cart paid and completed by the shopper's return: its order, payment collection and authorized session. */
    async function completedCheckout() {
      const market = seeded.markets.no
      let cart = await store.createCart({ regionId: market.regionId, shippingOptionId: market.shippingOptionId, items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }] })
      await store.setAddresses(cart.id, market.address)
      cart = await store.addShippingMethod(cart.id, market.shippingOptionId)
      const { session, paymentCollection } = await store.initiatePaymentSession(cart.id)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      const completed = await store.completeCart(cart.id)
      expect(completed.body.type).toBe("order")
      return { cart, session, collectionId: paymentCollection.id as string, orderId: completed.body.order.id as string, transactionId: paid.transaction!.id as string }
    }
    const pg = () => getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
    const dinteroStatus = (id: string) => (env.emulator.state.transactions as any[]).find((t) => t.id === id)?.status

    it("a cancelled order whose Dintero payment is still authorized (cancelled outside Medusa's cancel, or a hold that ended as it was cancelled) has it voided, once", async () => {
      const { orderId, transactionId } = await completedCheckout()
      // Cancelled as Medusa's cancel would, except for its payments step.
      await getContainer().resolve("order").updateOrders(orderId, { status: "canceled", canceled_at: new Date() } as any)
      expect(dinteroStatus(transactionId)).toBe("AUTHORIZED")

      const run = await reconcileStore(getContainer(), { now: new Date(Date.now() + 60_000) })
      expect(run!.repaired.filter((r) => r.ref === transactionId)).toEqual([{ what: "voided", order_id: orderId, ref: transactionId }])
      expect(dinteroStatus(transactionId)).toBe("AUTHORIZATION_VOIDED")
      const [payment] = (await admin.getOrder(orderId)).payment_collections[0].payments
      expect(payment.canceled_at).toBeTruthy()
      const again = await reconcileStore(getContainer(), { now: new Date(Date.now() + 120_000) })
      expect(again!.repaired.filter((r) => r.ref === transactionId)).toEqual([])
    })

    it("a payment session asked for again after the order was placed is refused, and the order's authorized session and its money stay", async () => {
      const { cart, session, orderId, transactionId } = await completedCheckout()
      // A storefront's second "pay" on the completed cart (a double click, a stale page): Medusa would replace the
      // collection's sessions, the authorized one the order's payment came from among them.
      // Refused: Medusa answers with whichever of its two parallel steps failed first (the plugin refuses both the new
      // session for a completed cart and the deletion of the authorized one).
      await expect(store.initiatePaymentSession(cart.id)).rejects.toThrow(/payment-sessions -> [45]\d\d: .*(already completed|Could not delete all payment sessions)/)
      const sessions = await pg()("payment_session").where({ payment_collection_id: session.payment_collection_id }).select("id", "status")
      expect(sessions).toEqual([{ id: session.id, status: "authorized" }])

      const run = await reconcileStore(getContainer(), { now: new Date(Date.now() + 60_000) })
      expect(run!.repaired.filter((r) => r.ref === transactionId)).toEqual([])
      expect(dinteroStatus(transactionId)).toBe("AUTHORIZED")
      expect((await admin.getOrder(orderId)).payment_collections[0].payments.map((p: any) => p.data.transaction_id)).toEqual([transactionId])
    })

    it("a transaction the order's payment holds is never voided as an orphan when its session row is gone (replaced by a pending one)", async () => {
      const { session, orderId, transactionId } = await completedCheckout()
      const replacement = generateEntityId("", "payses")
      // What Medusa's session create did before it was refused for a completed cart: the authorized session deleted,
      // a pending one for another Dintero session in its place. The order's payment still holds the transaction.
      await pg().raw(
        `insert into payment_session (id, currency_code, amount, raw_amount, provider_id, data, context, status, payment_collection_id, created_at, updated_at)
         select ?, currency_code, amount, raw_amount, provider_id,
                jsonb_set(jsonb_set(data, '{dintero_session_id}', '"T12345678.replacedsession"'), '{session_id}', to_jsonb(?::text)) - 'transaction_id',
                context, 'pending', payment_collection_id, now(), now()
           from payment_session where id = ?`,
        [replacement, replacement, session.id]
      )
      await pg()("payment_session").where({ id: session.id }).delete()

      const run = await reconcileStore(getContainer(), { now: new Date(Date.now() + 60_000) })
      expect(run!.repaired.filter((r) => r.ref === transactionId)).toEqual([])
      expect(run!.findings.filter((f) => f.ref === transactionId)).toEqual([])
      expect(dinteroStatus(transactionId)).toBe("AUTHORIZED")
      expect((await admin.getOrder(orderId)).payment_collections[0].payments).toHaveLength(1)
    })

    it("settles a payment whose callback was lost and whose shopper never came back: one order, mirrored", async () => {
      const container = getContainer()
      const { cart, session, paid } = await paidCartWithCallbacksLost()
      // Positive control: no order exists for the cart before the reconciliation.
      expect(await orderOfCart(cart.id)).toBeUndefined()

      const run = await reconcileStore(container)
      expect(run!.repaired.filter((r) => r.what === "settled").map((r) => r.ref)).toEqual([`${session.id} authorized (${paid.transaction!.id})`])
      const orderId = await orderOfCart(cart.id)
      expect(orderId).toBeTruthy()
      await waitForMirror(admin, orderId!, settled(1))

      const again = await reconcileStore(container)
      expect(again!.repaired.filter((r) => r.what === "settled")).toEqual([])
    })

    it("enqueues an order edit and a cancellation whose events were lost, each once", async () => {
      const container = getContainer()
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
      await waitForMirror(admin, placed.orderId, settled(1))
      const [item] = await orderItems(admin, placed.orderId)
      await withEventsLost(container, () => editOrder(admin, placed.orderId, { update: [{ item_id: item.id, quantity: 1 }] }))
      await withEventsLost(container, async () => {
        const res = await admin.cancelOrder(placed.orderId)
        expect(res.status).toBe(200)
      })
      const mirrored = (m: any) => m.operations.map((o: any) => o.kind).filter((k: string) => k !== "notice" && k !== "authorization")
      const before = await admin.ok("get", `/admin/dintero/orders/${placed.orderId}`)
      expect(mirrored(before)).toEqual(["order_placed"])

      const run = await reconcileStore(container)
      expect(run!.repaired.map((r) => r.what).sort()).toEqual(["cancellation", "order_edit"])
      const mirror = await waitForMirror(admin, placed.orderId, (m) => mirrored(m).length >= 3 && settled(3)(m))
      expect(mirrored(mirror).sort()).toEqual([
        "cancellation",
        "order_edit",
        "order_placed",
      ])
      const again = await reconcileStore(container)
      expect(again!.repaired).toEqual([])
    })

    it("a repair Dintero fails ends the run incomplete with the finding open; the next run goes over that window again and repairs it", async () => {
      const container = getContainer()
      // A clean run first: the cursor the failed run's window starts from.
      const clean = await reconcileStore(container)
      expect(clean?.status).toBe("done")

      const { cart, session, paid } = await paidCartWithCallbacksLost()

      // The settlement's read of the transaction answers 503 however often the client retries it.
      const readTransaction = `/checkout/v1/transactions/${paid.transaction!.id}`
      env.emulator.faults.add({ kind: "status", status: 503, method: "GET", path: readTransaction, times: 1000 } as any)
      const failed = await reconcileStore(container)
      env.emulator.faults.clear()
      expect(failed?.status).toBe("incomplete")
      expect(failed!.repaired).toEqual([])
      expect(failed!.findings.map((f) => [f.what, f.ref])).toEqual([["settle_failed", session.id]])
      expect(failed!.window_from).toEqual(new Date(clean!.window_to.getTime() - DEFAULT_SETTINGS.overlapMs))
      // The fault was met (the 5xx came from the read, not from something else failing).
      expect(env.emulator.requests.some((r: any) => r.path === readTransaction && r.status === 503)).toBe(true)
      // Still open: no order for the paid cart, and the recorded run says so.
      expect(await orderOfCart(cart.id)).toBeUndefined()
      const { reconciliation_runs } = await admin.ok("get", "/admin/dintero/reconciliation")
      const recorded = reconciliation_runs.find((r: any) => r.id === failed!.id)
      expect(recorded.status).toBe("incomplete")
      expect(recorded.findings.map((f: any) => f.what)).toEqual(["settle_failed"])

      // Dintero answers again: the next run starts from the clean run's end, not the incomplete one's, and settles it.
      const retried = await reconcileStore(container)
      expect(retried!.window_from).toEqual(failed!.window_from)
      expect(retried!.repaired.map((r) => [r.what, r.ref])).toEqual([["settled", `${session.id} authorized (${paid.transaction!.id})`]])
      expect(retried!.findings).toEqual([])
      expect(retried!.status).toBe("done")
      const orderId = await orderOfCart(cart.id)
      expect(orderId).toBeTruthy()
      await waitForMirror(admin, orderId!, settled(1))

      // That run was clean: the cursor moves on past it.
      const next = await reconcileStore(container)
      expect(next!.window_from).toEqual(new Date(retried!.window_to.getTime() - DEFAULT_SETTINGS.overlapMs))
      expect(next!.repaired).toEqual([])
    })

    // Last in the file: it records runs in the future (removed again), which later store-wide runs would start from.
    it("goes over an incomplete run's window again, for at most a day; a clean run moves the cursor on; the job runs when due", async () => {
      const container = getContainer()
      const db = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const now = new Date(Date.now() + 10 * 24 * 3_600_000)
      const ago = (ms: number) => new Date(now.getTime() - ms)
      const hour = 3_600_000
      const overlap = DEFAULT_SETTINGS.overlapMs
      const ids: string[] = []
      const record = async (status: string, end: Date) => {
        const id = `direc_test_${ids.length}`
        ids.push(id)
        await db("dintero_reconciliation_run").insert({ id, scope: "store", order_id: null, window_from: ago(48 * hour), window_to: end, status, finished_at: end })
      }
      try {
        await record("done", ago(3 * hour))
        await record("incomplete", ago(2 * hour))
        await record("incomplete", ago(hour))
        // The last clean run's end, not the incomplete runs after it.
        const retried = await reconcileStore(container, { now })
        expect(retried!.window_from).toEqual(new Date(ago(3 * hour).getTime() - overlap))
        expect(retried!.status).toBe("done")

        // That run was clean: the next one starts from it.
        const next = await reconcileStore(container, { now: new Date(now.getTime() + 60_000) })
        expect(next!.window_from).toEqual(new Date(now.getTime() - overlap))
        ids.push(retried!.id, next!.id)

        // The scheduled job's tick: due an interval after the last recorded start (`next`, at now + 1 min), not before.
        const schedule = { intervalMs: 5 * 60_000, tickMs: 60_000 }
        expect(await reconcileStoreWhenDue(container, schedule, new Date(now.getTime() + 4 * 60_000))).toBeNull()
        const due = await reconcileStoreWhenDue(container, schedule, new Date(now.getTime() + 6 * 60_000))
        expect(due?.window_from).toEqual(new Date(now.getTime() + 60_000 - overlap))
        ids.push(due!.id)

        // Incomplete for more than a day: a day before the last finished run, not further back.
        await record("incomplete", new Date(now.getTime() + 30 * hour))
        const bounded = await reconcileStore(container, { now: new Date(now.getTime() + 31 * hour) })
        ids.push(bounded!.id)
        expect(bounded!.window_from).toEqual(new Date(now.getTime() + 30 * hour - 24 * hour - overlap))
      } finally {
        await db("dintero_reconciliation_run").whereIn("id", ids).delete()
      }
    })
  },
})
