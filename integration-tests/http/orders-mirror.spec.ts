import { DINTERO_ORDERS_MODULE } from "../../src/modules/dintero-orders"
import type DinteroOrdersService from "../../src/modules/dintero-orders/service"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import {
  dinteroOrder,
  editOrder,
  ledgers,
  orderItems,
  placeOrder,
  SETTLED,
  settled,
  waitForMirror,
  withoutShipping,
} from "./orders-mirror-helpers"

jest.setTimeout(240_000)

const ops = (m: any, kind: string) => m.operations.filter((o: any) => o.kind === kind)
const records = (order: any, kind: string) => order.operations[kind].map((r: any) => ({ items: r.items, payment_id: r.payment_details.payment_id }))

// The scheduled retry job runs every second here: failed operations are sent again by it, as in production (where
// it runs every minute), not by an admin's Retry.
const env = dinteroTestSuite({
  environment: { env: { DINTERO_ORDERS_RETRY_INTERVAL_MS: "1000" } },
  testSuite: ({ getContainer, seeded, store, admin }) => {
    async function expectLedgersAgree(orderId: string, dinteroOrderId: string) {
      const l = await ledgers(admin, env.emulator, orderId, dinteroOrderId)
      expect({ checkout: l.checkout, orders: l.orders }).toEqual({ checkout: l.medusa, orders: l.medusa })
      return l
    }

    /**
     * Waits until `ready` holds while the scheduled job (every second here) does the sending. Whenever an operation
     * waits for its backoff (pending, tried, next_attempt_at still ahead, nothing in progress), moves the clock past
     * it: its next_attempt_at becomes now, so the job's next run sends it, as the job would 10-20 s later.
     */
    async function throughBackoffs(orderId: string, ready: (m: any) => boolean) {
      const svc = getContainer().resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
      const waiting = (m: any) =>
        m.operations.some((o: any) => o.status === "processing")
          ? []
          : m.operations.filter((o: any) => o.status === "pending" && o.attempts > 0 && o.next_attempt_at && new Date(o.next_attempt_at).getTime() > Date.now())
      for (let round = 0; round < 10; round++) {
        const m = await waitForMirror(admin, orderId, (x) => ready(x) || waiting(x).length > 0)
        if (ready(m)) return m
        await svc.updateDinteroOrderOperations(waiting(m).map((o: any) => ({ id: o.id, next_attempt_at: new Date() })))
      }
      throw new Error(`the mirror of ${orderId} did not get ready within 10 backoffs`)
    }

    it("mirrors the seed scenario: placed, captured, item replaced (reversal line 2, new line 3)", async () => {
      await withoutShipping(getContainer(), seeded)
      const placed = await placeOrder(store, admin, env.emulator, seeded, {
        items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }],
        shipping: false,
      })
      let mirror = await waitForMirror(admin, placed.orderId, settled(1))
      const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
      expect(dinteroOrderId).toMatch(/^[A-Z0-9]{9}$/)
      // The placement paired the order's lines with the Checkout lines the payment recorded at its authorization: the
      // transaction was read by the callback's settlement only (with its session), never by the mirror (a read
      // without includes, as the placement made before).
      const transactionReads = env.emulator.requests.filter(
        (r: any) => r.method === "GET" && r.path.endsWith(`/transactions/${placed.transactionId}`)
      )
      expect(transactionReads.length).toBeGreaterThan(0)
      expect(transactionReads.filter((r: any) => r.query.includes !== "session")).toEqual([])
      // The mirror is readable from the order's side (the read-only link on the mirror's order_id).
      const { data: linked } = await getContainer()
        .resolve("query")
        .graph({ entity: "order", fields: ["id", "dintero_order_mirror.id"], filters: { id: placed.orderId } })
      expect(linked[0].dintero_order_mirror?.id).toBe(mirror.dintero_order_mirror.id)

      const draft = (env.emulator.state as any).draft_orders[0]
      expect(draft.options).toEqual({ generate_order_id: "ALPHANUMERIC_9" })
      expect(draft.order.items).toEqual([
        expect.objectContaining({ id: "175938", line_id: 1, quantity: 2, gross_amount: 39800, tax_lines: [{ amount: 7960, percentage: 25 }] }),
      ])
      expect(typeof draft.order.items[0].description).toBe("string")

      expect((await admin.capture(placed.paymentId)).status).toBe(200)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "capture").length === 1 && settled(3)(m))

      const [item] = await orderItems(admin, placed.orderId)
      await editOrder(admin, placed.orderId, {
        add: [{ variant_id: seeded.variants.indoor, quantity: 1 }],
        update: [{ item_id: item.id, quantity: 0 }],
      })
      mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "order_edit").length === 1 && settled(4)(m))
      expect(ops(mirror, "order_edit")[0].status).toBe("done")

      const order = dinteroOrder(env.emulator, dinteroOrderId)
      expect(order.items).toEqual([
        expect.objectContaining({ id: "175938", line_id: 1, gross_amount: 39800 }),
        expect.objectContaining({
          id: "175938", line_id: 2, quantity: 2, gross_amount: -39800, tax_lines: [{ amount: -7960, percentage: 25 }],
          reversed_reason: "Replace item", related_item: { line_id: 1, type: "reversed" },
        }),
        expect.objectContaining({ id: "003929", line_id: 3, quantity: 1, gross_amount: 39800, tax_lines: [{ amount: 7960, percentage: 25 }] }),
      ])
      const pid = placed.transactionId
      expect(records(order, "authorizations")).toEqual([
        { items: [{ line_id: 1, amount: 39800 }], payment_id: pid },
        { items: [{ line_id: 2, amount: -39800 }], payment_id: pid },
        { items: [{ line_id: 3, amount: 39800 }], payment_id: pid },
      ])
      expect(records(order, "captures")).toEqual([
        { items: [{ line_id: 1, amount: 39800 }], payment_id: pid },
        { items: [{ line_id: 2, amount: -39800 }], payment_id: pid },
        { items: [{ line_id: 3, amount: 39800 }], payment_id: pid },
      ])
      await expectLedgersAgree(placed.orderId, dinteroOrderId)
    })

    it("adds a refund-remaining line when the new item costs less, and records Medusa's refund of the difference on it", async () => {
      await withoutShipping(getContainer(), seeded)
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }], shipping: false })
      await admin.capture(placed.paymentId)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "capture").length === 1 && settled(3)(m))
      const [item] = await orderItems(admin, placed.orderId)
      await editOrder(admin, placed.orderId, {
        add: [{ variant_id: seeded.variants.indoor, quantity: 1, unit_price: 300 }],
        update: [{ item_id: item.id, quantity: 0 }],
      })
      const mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "order_edit").length === 1 && settled(4)(m))
      const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
      let order = dinteroOrder(env.emulator, dinteroOrderId)
      expect(order.items.slice(1)).toEqual([
        expect.objectContaining({ line_id: 2, gross_amount: -39800, related_item: { line_id: 1, type: "reversed" } }),
        expect.objectContaining({ id: "003929", line_id: 3, gross_amount: 30000 }),
        expect.objectContaining({ line_id: 4, quantity: 1, gross_amount: 9800, tax_lines: [{ amount: 1960, percentage: 25 }] }),
      ])
      const pid = placed.transactionId
      expect(records(order, "captures").slice(1)).toEqual([
        { items: [{ line_id: 2, amount: -39800 }], payment_id: pid },
        { items: [{ line_id: 3, amount: 30000 }, { line_id: 4, amount: 9800 }], payment_id: pid },
      ])
      expect(records(order, "authorizations").slice(-1)).toEqual([
        { items: [{ line_id: 3, amount: 30000 }, { line_id: 4, amount: 9800 }], payment_id: pid },
      ])

      expect((await admin.refund(placed.paymentId, 98)).status).toBe(200)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "refund").length === 1 && settled(1)(m))
      order = dinteroOrder(env.emulator, dinteroOrderId)
      expect(records(order, "refunds")).toEqual([{ items: [{ line_id: 4, amount: 9800 }], payment_id: pid }])
      await expectLedgersAgree(placed.orderId, dinteroOrderId)
    })

    it("records captures and refunds of fractions of an øre as the Checkout moved them: the three ledgers agree to the øre", async () => {
      await withoutShipping(getContainer(), seeded)
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }], shipping: false })
      // 398.00 NOK in three captures Medusa records exactly; rounded one by one they would ask Dintero for 398.01.
      for (const amount of [132.6667, 132.6667, 132.6666]) expect((await admin.capture(placed.paymentId, amount)).status).toBe(200)
      for (const amount of [0.3333, 0.3333, 0.3333, 0.0001]) expect((await admin.refund(placed.paymentId, amount)).status).toBe(200)
      const mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "refund").length === 4 && settled(1)(m))
      // The last refund moved nothing at Dintero (0.0001 adds no øre to 0.9999), so there is nothing to record.
      expect(ops(mirror, "capture").map((o: any) => o.status)).toEqual(["done", "done", "done"])
      expect(ops(mirror, "refund").map((o: any) => o.status)).toEqual(["done", "done", "done", "skipped"])
      const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
      const order = dinteroOrder(env.emulator, dinteroOrderId)
      const amounts = (kind: string) => order.operations[kind].map((r: any) => r.items.reduce((s: number, i: any) => s + i.amount, 0))
      expect(amounts("captures")).toEqual([13267, 13266, 13267])
      expect(amounts("refunds")).toEqual([33, 34, 33])
      expect(await expectLedgersAgree(placed.orderId, dinteroOrderId)).toEqual(expect.objectContaining({ medusa: 39700 }))
    })

    it("records a part authorization with the new payment's id when the edit raises the total", async () => {
      await withoutShipping(getContainer(), seeded)
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }], shipping: false })
      await admin.capture(placed.paymentId)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "capture").length === 1 && settled(3)(m))
      const [item] = await orderItems(admin, placed.orderId)
      await editOrder(admin, placed.orderId, {
        add: [{ variant_id: seeded.variants.indoor, quantity: 1, unit_price: 500 }],
        update: [{ item_id: item.id, quantity: 0 }],
      })
      const mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "order_edit").length === 1 && settled(4)(m))
      expect(ops(mirror, "order_edit")[0].last_error).toContain("10200 of the new lines awaits the payment of the difference")
      const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
      const pid = placed.transactionId
      expect(records(dinteroOrder(env.emulator, dinteroOrderId), "captures").slice(1)).toEqual([
        { items: [{ line_id: 2, amount: -39800 }], payment_id: pid },
        { items: [{ line_id: 3, amount: 39800 }], payment_id: pid },
      ])

      // The order was captured: the plugin opens a Dintero session for the difference on the collection Medusa
      // opened, and the widget's route shows its payment link; the shopper pays through it.
      const full = await admin.ok("get", `/admin/orders/${placed.orderId}?fields=id,*payment_collections`)
      const open = full.order.payment_collections.find((pc: any) => pc.status === "not_paid")
      expect(Number(open.amount)).toBe(102)
      const withLink = await waitForMirror(admin, placed.orderId, (m) => !!m.payment_link)
      expect(withLink.payment_link).toMatchObject({ amount: 10200, currency: "NOK", payment_collection_id: open.id })
      const { order: withSessions } = await admin.ok("get", `/admin/orders/${placed.orderId}?fields=id,payment_collections.id,payment_collections.payment_sessions.*`)
      const session = withSessions.payment_collections.find((pc: any) => pc.id === open.id).payment_sessions.find((ps: any) => ps.id === withLink.payment_link.payment_session_id)
      expect(withLink.payment_link.url).toBe(session.data.checkout_url)
      // The session for the difference states its VAT (the order's lines are all at 25 %), not one line with VAT 0.
      const dinteroSession = (env.emulator.state as any).sessions.find((x: any) => x.id === session.data.dintero_session_id)
      expect(dinteroSession.order.items).toEqual([expect.objectContaining({ amount: 10200, vat: 25, vat_amount: 2040 })])
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      const after = await admin.getOrder(placed.orderId)
      const newPayment = after.payment_collections.find((pc: any) => pc.id === open.id).payments[0]
      expect((await admin.capture(newPayment.id)).status).toBe(200)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "capture").length === 2 && settled(1)(m))
      const order = dinteroOrder(env.emulator, dinteroOrderId)
      expect(records(order, "authorizations").slice(-1)).toEqual([{ items: [{ line_id: 3, amount: 10200 }], payment_id: paid.transaction!.id }])
      expect(records(order, "captures").slice(-1)).toEqual([{ items: [{ line_id: 3, amount: 10200 }], payment_id: paid.transaction!.id }])
      await expectLedgersAgree(placed.orderId, dinteroOrderId)
    })

    it("mirrors a quantity change with an addition, then a removal, as successive edits", async () => {
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
      await admin.capture(placed.paymentId)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "capture").length === 1 && settled(3)(m))
      const [item] = await orderItems(admin, placed.orderId)
      await editOrder(admin, placed.orderId, {
        add: [{ variant_id: seeded.variants.indoor, quantity: 1 }],
        update: [{ item_id: item.id, quantity: 1 }],
      })
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "order_edit").length === 1 && settled(4)(m))
      const indoor = (await orderItems(admin, placed.orderId)).find((i) => i.variant_id === seeded.variants.indoor)!
      await editOrder(admin, placed.orderId, { update: [{ item_id: indoor.id, quantity: 0 }] })
      const mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "order_edit").length === 2 && settled(5)(m))
      expect(ops(mirror, "order_edit").map((o: any) => o.status)).toEqual(["done", "done"])
      const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
      let order = dinteroOrder(env.emulator, dinteroOrderId)
      // 1 chair ×2, 2 shipping | edit 1: 3 reverses 1, 4 chair ×1, 5 indoor chair | edit 2: 6 reverses 5, 7 refund remaining
      expect(order.items.map((i: any) => [i.line_id, i.gross_amount, i.related_item?.line_id ?? null])).toEqual([
        [1, 39800, null], [2, 4900, null], [3, -39800, 1], [4, 19900, null], [5, 39800, null], [6, -39800, 5], [7, 19900, null],
      ])
      const pid = placed.transactionId
      expect(records(order, "captures").slice(1)).toEqual([
        { items: [{ line_id: 3, amount: -39800 }], payment_id: pid },
        { items: [{ line_id: 4, amount: 19900 }, { line_id: 5, amount: 19900 }], payment_id: pid },
        { items: [{ line_id: 6, amount: -19900 }], payment_id: pid },
        { items: [{ line_id: 7, amount: 19900 }], payment_id: pid },
      ])
      expect((await admin.refund(placed.paymentId, 199)).status).toBe(200)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "refund").length === 1 && settled(1)(m))
      order = dinteroOrder(env.emulator, dinteroOrderId)
      expect(records(order, "refunds")).toEqual([{ items: [{ line_id: 7, amount: 19900 }], payment_id: pid }])
      await expectLedgersAgree(placed.orderId, dinteroOrderId)
    })

    it("Orders API down during placement and during an edit: retried by the scheduled job, each record exactly once", async () => {
      const shopping = "/api/v1/accounts/:aid/shopping"
      env.emulator.faults.add({ method: "POST", path: `${shopping}/draft_orders`, kind: "status", status: 503, times: 1 } as any)
      env.emulator.faults.add({ method: "POST", path: `${shopping}/orders/:oid/authorizations`, kind: "lose-response", times: 1 } as any)
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
      let mirror = await waitForMirror(admin, placed.orderId, (m) => m.operations[0]?.status === "pending" && m.operations[0].attempts === 1)
      expect(mirror.operations[0].last_error).toContain("503")
      expect(mirror.operations[0].next_attempt_at).toBeTruthy()
      // Nobody presses Retry: the job sends each attempt once its backoff (10 s, then 20 s, ±20 %: a unit test of
      // classify-failure) has elapsed; the clock is moved past each one instead of waiting for it.
      mirror = await throughBackoffs(placed.orderId, settled(1))
      expect(mirror.operations[0].status).toBe("done")
      expect(mirror.operations[0].attempts).toBeGreaterThan(1)
      const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
      expect((env.emulator.state as any).orders).toHaveLength(1)
      expect(dinteroOrder(env.emulator, dinteroOrderId).operations.authorizations).toHaveLength(1)

      await admin.capture(placed.paymentId)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "capture").length === 1 && settled(3)(m))
      env.emulator.faults.add({ method: "PUT", path: `${shopping}/draft_orders/:id/complete`, kind: "lose-response", times: 1 } as any)
      env.emulator.faults.add({ method: "POST", path: `${shopping}/orders/:oid/captures`, kind: "status", status: 502, times: 1 } as any)
      const [item] = await orderItems(admin, placed.orderId)
      await editOrder(admin, placed.orderId, { update: [{ item_id: item.id, quantity: 1 }] })
      mirror = await throughBackoffs(placed.orderId, (m) => ops(m, "order_edit").length === 1 && SETTLED.has(ops(m, "order_edit")[0].status))
      expect(ops(mirror, "order_edit")[0].status).toBe("done")
      expect(ops(mirror, "order_edit")[0].attempts).toBeGreaterThan(1)
      const order = dinteroOrder(env.emulator, dinteroOrderId)
      expect(order.items.map((i: any) => i.line_id)).toEqual([1, 2, 3, 4, 5])
      expect(order.operations.captures).toHaveLength(3) // placement capture, reversal, new + refund remaining
      expect(order.operations.authorizations).toHaveLength(3)
      await expectLedgersAgree(placed.orderId, dinteroOrderId)
    })
  },
})
