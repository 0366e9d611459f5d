import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { DINTERO_ORDERS_MODULE } from "../../src/modules/dintero-orders"
import type DinteroOrdersService from "../../src/modules/dintero-orders/service"

jest.setTimeout(120_000)

// The outbox row's claim: the one guard that keeps two workers from running one operation, whatever lock they hold.
moduleIntegrationTestRunner<DinteroOrdersService>({
  moduleName: DINTERO_ORDERS_MODULE,
  resolve: path.join(__dirname, "../../src/modules/dintero-orders"),
  testSuite: ({ service, MikroOrmWrapper }) => {
    const operation = (over: Record<string, unknown> = {}) =>
      service.createDinteroOrderOperations({ order_id: "order_1", identity: `capture:${Math.random()}`, kind: "capture", sequence: 0, ...over } as any)

    /** The attempt's number when the claim is won, else null. */
    const claim = async (id: string, c: Parameters<DinteroOrdersService["claimAttempt"]>[1]) => (await service.claimAttempt(id, c))?.attempts ?? null

    /** Moves a row's claim into the past, as if its pass had died that long ago. */
    async function lapse(id: string) {
      await MikroOrmWrapper.forkManager().execute(`update "dintero_order_operation" set "claimed_until" = now() - interval '1 second' where "id" = ?`, [id])
    }

    it("two claimers at once: exactly one gets the row, and the attempt is counted once", async () => {
      const op = await operation()
      const results = await Promise.all(
        ["worker-a", "worker-b", "worker-c", "worker-d"].map((owner) => claim(op.id, { owner, ttlMs: 60_000, from: ["pending"] }))
      )
      expect(results.filter((r) => r !== null)).toEqual([1])
      const [row] = await service.listDinteroOrderOperations({ id: op.id })
      expect(row.status).toBe("processing")
      expect(row.attempts).toBe(1)
      expect(["worker-a", "worker-b", "worker-c", "worker-d"]).toContain(row.claimed_by)
    })

    it("a live claim is not taken; a lapsed one is, and the old owner can no longer write its result", async () => {
      const op = await operation()
      expect(await claim(op.id, { owner: "dead", ttlMs: 60_000, from: ["pending"] })).toBe(1)
      expect(await claim(op.id, { owner: "next", ttlMs: 60_000, from: ["pending"] })).toBeNull()
      // The admin's retry leaves a row under a live claim alone.
      expect(await service.resetOperations("order_1", op.id)).toEqual([])

      await lapse(op.id)
      expect(await claim(op.id, { owner: "next", ttlMs: 60_000, from: ["pending"] })).toBe(2)
      expect(await service.finishOperation(op.id, "dead", { status: "needs_action", last_error: "stale" })).toBe(false)
      expect(await service.finishOperation(op.id, "next", { status: "done", completed_at: new Date() })).toBe(true)
      const [row] = await service.listDinteroOrderOperations({ id: op.id })
      expect({ status: row.status, claimed_by: row.claimed_by, last_error: row.last_error }).toEqual({ status: "done", claimed_by: null, last_error: null })
      // Finished rows are not claimed again.
      expect(await claim(op.id, { owner: "late", ttlMs: 60_000, from: ["pending", "failed", "needs_action"] })).toBeNull()
    })

    it("a row waiting out its backoff is claimed only by a forced pass; stopped rows only when asked for", async () => {
      const waiting = await operation({ next_attempt_at: new Date(Date.now() + 60_000) })
      expect(await claim(waiting.id, { owner: "job", ttlMs: 60_000, from: ["pending"] })).toBeNull()
      expect(await claim(waiting.id, { owner: "admin", ttlMs: 60_000, from: ["pending"], ignoreBackoff: true })).toBe(1)

      const stopped = await operation({ status: "needs_action" })
      expect(await claim(stopped.id, { owner: "job", ttlMs: 60_000, from: ["pending"] })).toBeNull()
      expect(await service.resetOperations("order_1", stopped.id)).toEqual([stopped.id])
      expect(await claim(stopped.id, { owner: "job", ttlMs: 60_000, from: ["pending"] })).toBe(1)
    })

    // The order.placed subscriber, the reconciliation and an admin Retry may enqueue for one order at the same moment
    // (on different processes): they must end with one mirror and one row per identity, and none of them may fail.
    it("concurrent creators of an order's mirror and of one outbox identity converge on one row each, without an error", async () => {
      const orderId = `order_race_${Math.random()}`
      const mirrors = await Promise.all(Array.from({ length: 6 }, () => service.ensureMirror(orderId)))
      expect(new Set(mirrors.map((m) => m.id)).size).toBe(1)
      expect(mirrors.filter((m) => m.created)).toHaveLength(1)
      expect(await service.listDinteroOrderMirrors({ order_id: orderId })).toHaveLength(1)
      // Positive control: another order gets its own mirror.
      const other = await service.ensureMirror(`${orderId}_other`)
      expect(other).toMatchObject({ created: true })
      expect(other.id).not.toBe(mirrors[0].id)

      const identity = `order_placed:${orderId}`
      const created = await Promise.all(
        Array.from({ length: 6 }, () =>
          service.enqueueOperations(orderId, [
            { identity, kind: "order_placed", sequence: 0 },
            { identity: `notice:${orderId}`, kind: "notice", sequence: 1, status: "needs_action", input: { message: "m" }, last_error: "m" },
          ])
        )
      )
      expect(created.flat()).toHaveLength(2)
      const rows = await service.listDinteroOrderOperations({ order_id: orderId }, { order: { sequence: "ASC" } })
      expect(rows.map((r) => [r.identity, r.kind, r.status, r.input])).toEqual([
        [identity, "order_placed", "pending", null],
        [`notice:${orderId}`, "notice", "needs_action", { message: "m" }],
      ])
      expect(created.flat().sort()).toEqual(rows.map((r) => r.id).sort())
    })

    // The order.placed subscriber's enqueue writes the mirror row and the operation rows in one statement.
    it("an enqueue with its mirror: racing enqueues create one mirror and each identity once; a mirror already there is kept", async () => {
      const orderId = `order_with_mirror_${Math.random()}`
      const created = await Promise.all(
        Array.from({ length: 6 }, () =>
          service.enqueueOperations(orderId, [{ identity: `order_placed:${orderId}`, kind: "order_placed", sequence: 0 }], { withMirror: true })
        )
      )
      expect(created.flat()).toHaveLength(1)
      const [mirror, ...more] = await service.listDinteroOrderMirrors({ order_id: orderId })
      expect(more).toEqual([])
      expect(await service.listDinteroOrderOperations({ order_id: orderId })).toHaveLength(1)

      // A later enqueue with its mirror leaves the existing mirror (and what it holds) as it is.
      await service.updateDinteroOrderMirrors({ id: mirror.id, dintero_order_id: "ABC123XYZ" } as any)
      expect(await service.enqueueOperations(orderId, [{ identity: `capture:${orderId}`, kind: "capture", sequence: 0 }], { withMirror: true })).toHaveLength(1)
      const after = await service.listDinteroOrderMirrors({ order_id: orderId })
      expect(after.map((m) => [m.id, m.dintero_order_id])).toEqual([[mirror.id, "ABC123XYZ"]])
    })

    // The recorded ledger (docs/orders-mirror.md): taken off the mirror by the claim holder before it sends, put back
    // only in the same statement as its done mark, and only by the attempt that took it last.
    describe("the recorded ledger on the mirror row", () => {
      const L1 = { authorizations: { T: { 1: 1000 } }, captures: {}, refunds: {}, cancellations: {} }
      const L2 = { ...L1, captures: { T: { 1: 400 } } }

      async function mirrorOf(orderId: string) {
        const [row] = await MikroOrmWrapper.forkManager().execute(`select "recorded", "recorded_version" from "dintero_order_mirror" where "order_id" = ?`, [orderId])
        return { recorded: row.recorded, version: Number(row.recorded_version) }
      }
      async function orderWithLedger() {
        const orderId = `order_ledger_${Math.random()}`
        await service.ensureMirror(orderId)
        await MikroOrmWrapper.forkManager().execute(`update "dintero_order_mirror" set "recorded" = ?::jsonb where "order_id" = ?`, [JSON.stringify(L1), orderId])
        const op = await operation({ order_id: orderId })
        return { orderId, op }
      }

      /** The ledger the claim took, without the mirror row it answers too. */
      const takenBy = async (id: string, owner: string) => {
        const claimed = await service.claimAttempt(id, { owner, ttlMs: 60_000, from: ["pending"] })
        return claimed && (claimed.taken ? { recorded: claimed.taken.recorded, version: claimed.taken.version } : null)
      }

      it("only the claim's winner takes it, with the mirror row; the mirror has none while the attempt runs; done puts the new one back", async () => {
        const { orderId, op } = await orderWithLedger()
        const [a, b] = await Promise.all(["worker-a", "worker-b"].map((owner) => service.claimAttempt(op.id, { owner, ttlMs: 60_000, from: ["pending"] })))
        const winner = a ?? b
        // Exactly one claim won, and only it took the ledger (once: the version moved by one).
        expect([a, b].filter(Boolean)).toHaveLength(1)
        expect(winner!.taken).toMatchObject({ recorded: L1, version: 1, mirror: { order_id: orderId, dintero_order_id: null } })
        expect(await mirrorOf(orderId)).toEqual({ recorded: null, version: 1 })
        const owner = a ? "worker-a" : "worker-b"

        expect(await service.finishOperation(op.id, owner, { status: "done", completed_at: new Date() }, { orderId, version: 1, recorded: L2 })).toBe(true)
        expect(await mirrorOf(orderId)).toEqual({ recorded: L2, version: 1 })
      })

      it("a lost claim takes nothing: a row not due leaves the ledger where it is", async () => {
        const { orderId, op } = await orderWithLedger()
        await MikroOrmWrapper.forkManager().execute(`update "dintero_order_operation" set "next_attempt_at" = now() + interval '1 minute' where "id" = ?`, [op.id])
        expect(await service.claimAttempt(op.id, { owner: "job", ttlMs: 60_000, from: ["pending"] })).toBeNull()
        expect(await mirrorOf(orderId)).toEqual({ recorded: L1, version: 0 })
        // An order without a mirror: the claim is won and there is nothing to take.
        const bare = await operation({ order_id: `order_bare_${Math.random()}` })
        expect(await service.claimAttempt(bare.id, { owner: "job", ttlMs: 60_000, from: ["pending"] })).toMatchObject({ attempts: 1, taken: null })
      })

      it("an attempt that lost its claim writes neither its outcome nor its ledger; the one that took over does", async () => {
        const { orderId, op } = await orderWithLedger()
        expect(await takenBy(op.id, "dead")).toEqual({ recorded: L1, version: 1 })

        await lapse(op.id)
        // The next attempt finds no ledger (the dead one took it): it must read Dintero's records.
        expect(await takenBy(op.id, "next")).toEqual({ recorded: null, version: 2 })

        expect(await service.finishOperation(op.id, "dead", { status: "done", completed_at: new Date() }, { orderId, version: 1, recorded: L2 })).toBe(false)
        expect(await mirrorOf(orderId)).toEqual({ recorded: null, version: 2 })
        const [row] = await service.listDinteroOrderOperations({ id: op.id })
        expect(row.status).toBe("processing")

        expect(await service.finishOperation(op.id, "next", { status: "done", completed_at: new Date() }, { orderId, version: 2, recorded: L2 })).toBe(true)
        expect(await mirrorOf(orderId)).toEqual({ recorded: L2, version: 2 })
      })

      it("a ledger written under an older version than the last take is not kept (the outcome is)", async () => {
        const { orderId, op } = await orderWithLedger()
        await takenBy(op.id, "a")
        // The same owner's claim lapses and is taken again (as its own next attempt would): the version moves on.
        await lapse(op.id)
        await takenBy(op.id, "a")
        expect(await service.finishOperation(op.id, "a", { status: "done", completed_at: new Date() }, { orderId, version: 1, recorded: L2 })).toBe(true)
        expect(await mirrorOf(orderId)).toEqual({ recorded: null, version: 2 })
        // Positive control: the version that took last is kept.
        const other = await orderWithLedger()
        const taken = await takenBy(other.op.id, "a")
        expect(await service.finishOperation(other.op.id, "a", { status: "done", completed_at: new Date() }, { orderId: other.orderId, version: taken!.version, recorded: L2 })).toBe(true)
        expect(await mirrorOf(other.orderId)).toEqual({ recorded: L2, version: 1 })
      })
    })
  },
})
