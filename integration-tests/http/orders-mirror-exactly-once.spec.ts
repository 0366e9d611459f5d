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

    // The hold watch spaces its looks out on a long hold (classify-failure.ts holdWatchDelayMs): the end of the hold,
    // settled by its callback, makes the waiting operation due again, so the job's next run mirrors it rather than
    // the watch's next look.
    async function heldForLong() {
      const placed = await placeOnHold()
      const svc = getContainer().resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
      await waitForMirror(admin, placed.orderId, (m) => /on hold/.test(m.operations[0]?.last_error ?? ""))
      // As after a day of looks: the next one an hour away. A look running at that moment writes its own next time
      // when it ends, so the push is repeated until it holds over more than one run of the job (every second here).
      const later = new Date(Date.now() + 3600_000)
      for (let tries = 0; ; tries++) {
        const [waiting] = await svc.listDinteroOrderOperations({ order_id: placed.orderId, status: ["pending"] })
        if (waiting) await svc.updateDinteroOrderOperations([{ id: waiting.id, next_attempt_at: later }])
        await new Promise((r) => setTimeout(r, 1500))
        const [row] = await svc.listDinteroOrderOperations({ order_id: placed.orderId, kind: "order_placed" })
        if (row.status === "pending" && new Date(row.next_attempt_at as Date).getTime() === later.getTime()) break
        if (tries > 10) throw new Error(`the waiting operation kept being looked at: ${JSON.stringify(row)}`)
      }
      const reads = () => env.emulator.requests.filter((r: any) => r.method === "GET" && (r.path as string).includes(placed.transactionId)).length
      const readsBefore = reads()
      // Dintero's reads of the transaction since the push: the callback's own only, when no look of the watch came.
      return { ...placed, readsSince: () => reads() - readsBefore }
    }

    it("ON_HOLD for long, then AUTHORIZED: the hold's callback makes the spaced-out waiting operation due, and the job mirrors it at its next run", async () => {
      const { orderId, transactionId, readsSince } = await heldForLong()
      await env.emulator.resolveOnHold(transactionId, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      const mirror = await waitForMirror(admin, orderId, (m) => m.operations[0].status === "done" && !!m.dintero_order_mirror?.dintero_order_id, 30_000)
      expect(dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id).operations.authorizations).toEqual([
        expect.objectContaining({ payment_details: expect.objectContaining({ payment_id: transactionId }) }),
      ])
      expect(readsSince()).toBe(1)
    })

    it("ON_HOLD for long, then FAILED: the hold's callback makes the waiting operation due, and the job says the order is not paid", async () => {
      const { orderId, transactionId, readsSince } = await heldForLong()
      await env.emulator.resolveOnHold(transactionId, "FAILED")
      await env.emulator.waitForCallbacks()
      const mirror = await waitForMirror(admin, orderId, (m) => m.operations[0].status === "needs_action", 30_000)
      expect(mirror.operations[0].last_error).toContain(`${transactionId} was on hold and ended FAILED: the order is not paid`)
      expect((env.emulator.state as any).orders).toHaveLength(0)
      expect(readsSince()).toBe(1)
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

    // The recorded ledger (docs/orders-mirror.md): a capture is planned from it without listing the order's records,
    // and any doubt leaves none behind, so the next plan reads Dintero's records again.
    describe("the recorded ledger", () => {
      const LISTS = /^GET \S*\/shopping\/orders\/[^/ ]+\/(authorizations|captures|refunds|cancellations) $/
      /** The Orders record lists read while `run` and the mirror work it set off ran. */
      async function listsDuring(run: () => Promise<void>): Promise<string[]> {
        const start = env.emulator.requests.length
        await run()
        return env.emulator.requests.slice(start).map((r: any) => `${r.method} ${r.route || r.path} `).filter((r: string) => LISTS.test(r))
      }
      const captureOps = (m: any) => m.operations.filter((o: any) => o.kind === "capture")
      async function captureMirrored(orderId: string, paymentId: string, amount: number, n: number) {
        expect((await admin.capture(paymentId, amount)).status).toBe(200)
        return await waitForMirror(admin, orderId, (m) => captureOps(m).length === n && captureOps(m).every((o: any) => o.status === "done"))
      }

      it("plans from it; a lost answer leaves none, the next capture reads Dintero's records, and the one after plans from it again", async () => {
        const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
        const first = await waitForMirror(admin, placed.orderId, (m) => m.operations[0]?.status === "done")
        const dinteroOrderId = first.dintero_order_mirror.dintero_order_id

        // Normal case: the order placed by this process left the ledger; the capture lists nothing.
        expect(await listsDuring(() => captureMirrored(placed.orderId, placed.paymentId, 10, 1).then(() => undefined))).toEqual([])

        // The capture record's answer is lost (Dintero applied it): the attempt fails, the retry finds the record.
        env.emulator.faults.add({ method: "POST", path: `${SHOPPING}/orders/:oid/captures`, kind: "lose-response", times: 1 } as any)
        expect((await admin.capture(placed.paymentId, 10)).status).toBe(200)
        await waitForMirror(admin, placed.orderId, (m) => captureOps(m).length === 2 && captureOps(m)[1].status === "pending" && !!captureOps(m)[1].last_error)
        await admin.ok("post", `/admin/dintero/orders/${placed.orderId}/retry`, {})
        await waitForMirror(admin, placed.orderId, (m) => captureOps(m).every((o: any) => o.status === "done"))
        expect(dinteroOrder(env.emulator, dinteroOrderId).operations.captures).toHaveLength(2)

        // The fallback: that retry could not vouch for a ledger, so this capture reads Dintero's four record lists.
        const lists = await listsDuring(() => captureMirrored(placed.orderId, placed.paymentId, 10, 3).then(() => undefined))
        expect(lists.map((l) => l.split("/").pop()!.trim()).sort()).toEqual(["authorizations", "cancellations", "captures", "refunds"])
        // And the shortcut is back for the next one (the read above became the ledger).
        expect(await listsDuring(() => captureMirrored(placed.orderId, placed.paymentId, 10, 4).then(() => undefined))).toEqual([])

        const order = dinteroOrder(env.emulator, dinteroOrderId)
        const ops = captureOps(await admin.ok("get", `/admin/dintero/orders/${placed.orderId}`))
        expect(order.operations.captures.map((c: any) => c.metadata?.medusa_operation).sort()).toEqual(ops.map((o: any) => `${o.identity}#capture`).sort())
        const { medusa, checkout, orders } = await ledgers(admin, env.emulator, placed.orderId, dinteroOrderId)
        expect([checkout, orders]).toEqual([medusa, medusa])
        expect(medusa).toBe(4000)
      })

      it("a record made outside the plugin: the ledger's plan is refused, and the retry plans again from Dintero's records", async () => {
        const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }] })
        const first = await waitForMirror(admin, placed.orderId, (m) => m.operations[0]?.status === "done")
        const dinteroOrderId = first.dintero_order_mirror.dintero_order_id
        // Someone captures everything on the Orders order in Dintero Backoffice: the ledger does not know.
        const client = getContainer().resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).getDinteroClient()
        const lines = dinteroOrder(env.emulator, dinteroOrderId).line_totals.map((t: any) => ({ line_id: t.line_id, amount: t.authorized - t.cancelled - t.captured }))
        await client.orders.createCapture(dinteroOrderId, { items: lines.filter((l: any) => l.amount > 0), payment_details: { payment_id: placed.transactionId }, success: true } as any)

        expect((await admin.capture(placed.paymentId, 10)).status).toBe(200)
        // Planned from the ledger, the record over-captures: Dintero refuses it.
        const refused = await waitForMirror(admin, placed.orderId, (m) => captureOps(m).length === 1 && ["failed", "pending"].includes(captureOps(m)[0].status) && !!captureOps(m)[0].last_error)
        expect(captureOps(refused)[0].last_error).toContain("more than authorized")
        // The retry reads Dintero's records: nothing is left to capture on the lines, which the mirror says.
        await admin.ok("post", `/admin/dintero/orders/${placed.orderId}/retry`, {})
        const replanned = await waitForMirror(admin, placed.orderId, (m) => captureOps(m)[0].status === "needs_action")
        expect(captureOps(replanned)[0].last_error).toContain("has no Orders line left")
        expect(dinteroOrder(env.emulator, dinteroOrderId).operations.captures).toHaveLength(1)
      })
    })
  },
})
