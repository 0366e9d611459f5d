import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { DINTERO_PAYMENTS_MODULE } from "../../src/modules/dintero-payments"
import type DinteroPaymentsService from "../../src/modules/dintero-payments/service"
import { KEEP_MS, databaseKeptAuthorizations } from "../../src/modules/dintero-payments/kept-authorizations"
import { idFloor } from "../../src/workflows/reconcile/window"

jest.setTimeout(60_000)

// Order-edit keep marks and reuse grants in PostgreSQL (issue 10 item 1): what one process writes another reads,
// an expired one is ignored (injected clock), and a reuse grant is taken once even by concurrent takers.
moduleIntegrationTestRunner<DinteroPaymentsService>({
  moduleName: DINTERO_PAYMENTS_MODULE,
  resolve: path.join(__dirname, "../../src/modules/dintero-payments"),
  testSuite: ({ service }) => {
    let t = Date.parse("2026-11-29T09:00:00Z")
    // Each call builds a new store: nothing survives in its memory, only in the database.
    const fresh = () => databaseKeptAuthorizations(() => service, () => t)

    it("reads a keep mark written by another store instance, until the order's marks are released", async () => {
      await fresh().keep("T12345678.kept1", "order_1")
      await fresh().keep("T12345678.kept2", "order_2")
      expect(await fresh().keptFor("T12345678.kept1")).toBe("order_1")
      await fresh().release("order_1")
      expect(await fresh().keptFor("T12345678.kept1")).toBeUndefined()
      expect(await fresh().keptFor("T12345678.kept2")).toBe("order_2")
    })

    it("ignores a keep mark once it expired", async () => {
      await fresh().keep("T12345678.kept3", "order_3")
      t += KEEP_MS - 1
      expect(await fresh().keptFor("T12345678.kept3")).toBe("order_3")
      t += 1
      expect(await fresh().keptFor("T12345678.kept3")).toBeUndefined()
    })

    it("hands a reuse grant written by one instance to another, once", async () => {
      await fresh().grantReuse("pay_col_1", "T12345678.reuse1", 30000)
      expect(await fresh().takeReuse("pay_col_1")).toEqual({ transactionId: "T12345678.reuse1", amount: 30000 })
      expect(await fresh().takeReuse("pay_col_1")).toBeUndefined()
    })

    it("gives a grant to exactly one of several concurrent takers", async () => {
      await fresh().grantReuse("pay_col_2", "T12345678.reuse2", 24800)
      const taken = await Promise.all([1, 2, 3, 4].map(() => fresh().takeReuse("pay_col_2")))
      expect(taken.filter(Boolean)).toEqual([{ transactionId: "T12345678.reuse2", amount: 24800 }])
    })

    it("ignores an expired grant, and a newer grant replaces an older one", async () => {
      await fresh().grantReuse("pay_col_3", "T12345678.old", 100)
      t += KEEP_MS
      expect(await fresh().takeReuse("pay_col_3")).toBeUndefined()

      await fresh().grantReuse("pay_col_4", "T12345678.first", 100)
      await fresh().grantReuse("pay_col_4", "T12345678.second", 200)
      expect(await fresh().takeReuse("pay_col_4")).toEqual({ transactionId: "T12345678.second", amount: 200 })
      expect(await fresh().takeReuse("pay_col_4")).toBeUndefined()
    })

    // Issue 9: a kept authorization the edited order no longer needs is released. The decision is written before the
    // void, so a process that dies in between leaves it for the reconciliation, however long that takes.
    it("keeps a release decision, once per transaction and without expiry, until it is carried out", async () => {
      await fresh().decideRelease("T12345678.link", "order_9", 39800)
      await fresh().decideRelease("T12345678.link", "order_9", 39800)
      await fresh().decideRelease("T12345678.other", "order_10", 100)
      t += 30 * 24 * 3_600_000
      const pending = { transactionId: "T12345678.link", orderId: "order_9", amount: 39800, done: false }
      expect(await fresh().releases({ pending: true, orderId: "order_9" })).toEqual([pending])
      expect(await fresh().releases({ transactionIds: ["T12345678.link", "T12345678.none"] })).toEqual([pending])
      expect(await fresh().releases({ transactionIds: [] })).toEqual([])
      await fresh().finishRelease("T12345678.link")
      expect(await fresh().releases({ pending: true, orderId: "order_9" })).toEqual([])
      // Carried out, it is still known: a later edit of the order does not reuse it.
      expect(await fresh().releases({ transactionIds: ["T12345678.link"] })).toEqual([{ ...pending, done: true }])
      expect((await fresh().releases({ pending: true })).map((r) => r.transactionId)).toEqual(["T12345678.other"])
      // A release is not a keep mark: Medusa's cancel of the payment voids as usual.
      expect(await fresh().keptFor("T12345678.link")).toBeUndefined()
    })

    it("keeps why a release was decided", async () => {
      await fresh().decideRelease("T12345678.nocol", "order_11", 44700, "no_open_collection")
      expect(await fresh().releases({ orderId: "order_11" })).toEqual([
        { transactionId: "T12345678.nocol", orderId: "order_11", amount: 44700, reason: "no_open_collection", done: false },
      ])
    })

    // The reconciliation's candidates for a move a dead process left undone: orders whose keep marks were made from
    // an id on (ids are time-ordered) and are over (the confirm request released them, or they expired).
    it("names the orders whose keep marks from an id on are over, not those still open or older", async () => {
      await fresh().keep("T12345678.before", "order_20")
      await fresh().release("order_20")
      await new Promise((r) => setTimeout(r, 5))
      const from = idFloor("digr", new Date())
      await fresh().keep("T12345678.released", "order_21")
      await fresh().keep("T12345678.open", "order_22")
      await fresh().release("order_21")
      expect(await fresh().keptOrdersFrom(from)).toEqual(["order_21"])
      t += KEEP_MS
      expect((await fresh().keptOrdersFrom(from)).sort()).toEqual(["order_21", "order_22"])
    })

    it("refuses a grant without a positive amount in minor units", async () => {
      await expect(fresh().grantReuse("pay_col_5", "T12345678.x", 12.5)).rejects.toThrow(/positive amount in minor units/)
    })
  },
})
