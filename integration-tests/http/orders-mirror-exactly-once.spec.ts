import { DINTERO_ORDERS_MODULE } from "../../src/modules/dintero-orders"
import type DinteroOrdersService from "../../src/modules/dintero-orders/service"
import { processDinteroOrderOutboxWorkflow } from "../../src/workflows/mirror-order"
import { runOrderOutbox } from "../../src/workflows/outbox/runner"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { dinteroOrder, ledgers, placeOnHold as placeOnHoldIn, placeOrder, waitForMirror } from "./orders-mirror-helpers"

jest.setTimeout(240_000)

const SHOPPING = "/api/v1/accounts/:aid/shopping"

// The scheduled retry job runs every second here: the ON_HOLD tests wait for it, not for an admin's Retry.
const env = dinteroTestSuite({
  environment: { env: { DINTERO_ORDERS_RETRY_INTERVAL_MS: "1000" } },
  testSuite: ({ getContainer, seeded, store, admin }) => {
    it("passes over one order at once (two workflow runs, the job, an admin retry, two passes of other processes): every Orders API record once", async () => {
      const container = getContainer()
      // The Orders API is down while the order is placed and captured: both operations wait in the outbox.
      env.emulator.faults.add({ method: "POST", path: `${SHOPPING}/draft_orders`, kind: "status", status: 503, times: 1 } as any)
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
      await waitForMirror(admin, placed.orderId, (m) => m.operations[0]?.status === "pending" && m.operations[0].attempts === 1)
      expect((await admin.capture(placed.paymentId)).status).toBe(200)
      await waitForMirror(admin, placed.orderId, (m) => m.operations.some((o: any) => o.kind === "capture"))
      expect((env.emulator.state as any).orders).toHaveLength(0)

      // Every Orders API request now takes a while, so that the passes below overlap.
      env.emulator.faults.add({ path: `/api/v1/accounts`, kind: "latency", ms: 300 } as any)
      const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
      // Make the waiting operation due now for the job (its backoff has not elapsed yet).
      await svc.updateDinteroOrderOperations(
        (await svc.listDinteroOrderOperations({ order_id: placed.orderId, status: ["pending"] })).map((o) => ({ id: o.id, next_attempt_at: null }))
      )
      await Promise.all([
        processDinteroOrderOutboxWorkflow(container).run({ input: { order_ids: [placed.orderId], force: true } }),
        processDinteroOrderOutboxWorkflow(container).run({ input: { order_ids: [placed.orderId] } }),
        // The scheduled job's pass over every order (src/jobs/dintero-orders-retry.ts; not imported here: its schedule
        // is read when Medusa loads it, after the interval above is set). The job itself also runs every second.
        processDinteroOrderOutboxWorkflow(container).run({ input: {} }),
        admin.ok("post", `/admin/dintero/orders/${placed.orderId}/retry`, {}),
        // What a second and third process would run: passes that share no memory (and no in-process lock) with this one.
        runOrderOutbox(container, placed.orderId, true),
        runOrderOutbox(container, placed.orderId, true),
      ])
      // Whatever a pass left due (a row another pass held when it looked) is finished by the next pass.
      await processDinteroOrderOutboxWorkflow(container).run({ input: { order_ids: [placed.orderId] } })
      const finished = (o: any) => o.status === "done" || o.status === "skipped"
      const mirror = await waitForMirror(admin, placed.orderId, (m) => m.operations.length === 3 && m.operations.every(finished))
      // Nothing left needs_action (or failed) because two passes met: each operation ran to its end once.
      expect(mirror.operations.map((o: any) => [o.kind, finished(o)])).toEqual([
        ["order_placed", true],
        ["authorization", true],
        ["capture", true],
      ])
      expect(mirror.operations.filter((o: any) => o.kind !== "authorization").map((o: any) => o.status)).toEqual(["done", "done"])
      const orders = (env.emulator.state as any).orders
      expect(orders).toHaveLength(1)
      const order = dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id)
      expect(order.operations.authorizations).toHaveLength(1)
      expect(order.operations.captures).toHaveLength(1)
      expect((env.emulator.state as any).draft_orders).toHaveLength(1)
    })

    const placeOnHold = () => placeOnHoldIn(store, admin, env.emulator, seeded, getContainer())

    it("ON_HOLD: the order placed before its payment is mirrored once the hold ends AUTHORIZED, and its capture after it", async () => {
      const { orderId, transactionId } = await placeOnHold()
      expect((env.emulator.state as any).orders).toHaveLength(0)
      await env.emulator.resolveOnHold(transactionId, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      // Nobody presses Retry: the waiting operation looks again at the scheduled job's next run.
      let mirror = await waitForMirror(admin, orderId, (m) => m.operations[0].status === "done" && !!m.dintero_order_mirror?.dintero_order_id, 30_000)
      const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
      expect(dinteroOrder(env.emulator, dinteroOrderId).operations.authorizations).toEqual([
        expect.objectContaining({ payment_details: expect.objectContaining({ payment_id: transactionId }) }),
      ])
      const order = await admin.getOrder(orderId)
      expect((await admin.capture(order.payment_collections[0].payments[0].id)).status).toBe(200)
      mirror = await waitForMirror(admin, orderId, (m) => m.operations.some((o: any) => o.kind === "capture" && o.status === "done") && m.operations.every((o: any) => !["pending", "processing"].includes(o.status)))
      expect(mirror.operations.filter((o: any) => o.status !== "done" && o.status !== "skipped")).toEqual([])
      const l = await ledgers(admin, env.emulator, orderId, dinteroOrderId)
      expect({ checkout: l.checkout, orders: l.orders }).toEqual({ checkout: l.medusa, orders: l.medusa })
      expect(l.medusa).toBe(44700)
    })

    it("ON_HOLD that ends FAILED: the mirror says the order is not paid (needs action), and sends nothing", async () => {
      const { orderId, transactionId } = await placeOnHold()
      await env.emulator.resolveOnHold(transactionId, "FAILED")
      await env.emulator.waitForCallbacks()
      // The scheduled job's next run finds the hold ended.
      const mirror = await waitForMirror(admin, orderId, (m) => m.operations[0].status === "needs_action", 30_000)
      expect(mirror.operations[0].last_error).toContain(`${transactionId} was on hold and ended FAILED: the order is not paid`)
      expect((env.emulator.state as any).orders).toHaveLength(0)
    })
  },
})
