import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { dinteroOrder, editOrder, ledgers, orderItems, placeOrder, settled, waitForMirror } from "./orders-mirror-helpers"

jest.setTimeout(240_000)

const ops = (m: any, kind: string) => m.operations.filter((o: any) => o.kind === kind)

// Issue 9: refunds after an edit follow the edited lines. An invoice customer must never see a refund on an item
// they kept that the refund is not about, nor on a line an edit removed; the totals agree to the øre with Medusa and
// the Checkout transaction (docs/orders-mirror.md "Checkout lines and Orders lines").
const env = dinteroTestSuite({
  testSuite: ({ seeded, store, admin }) => {
    it("edits after capture, then partial refunds: the refund-remaining line, then the chair refunded, never the chair the shopper kept", async () => {
      // 3 outdoor chairs (3 × 199.00) + shipping 49.00, captured.
      const placed = await placeOrder(store, admin, env.emulator, seeded, { items: [{ variant_id: seeded.variants.outdoor, quantity: 3 }] })
      expect((await admin.capture(placed.paymentId)).status).toBe(200)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "capture").length === 1 && settled(2)(m))

      // Edit 1: one outdoor chair is swapped for an indoor chair at the same price (the total stays 646.00).
      const [outdoor] = await orderItems(admin, placed.orderId)
      await editOrder(admin, placed.orderId, {
        update: [{ item_id: outdoor.id, quantity: 2 }],
        add: [{ variant_id: seeded.variants.indoor, quantity: 1, unit_price: 199 }],
      })
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "order_edit").length === 1 && settled(3)(m))
      // Edit 2: one more outdoor chair goes; the shopper keeps one outdoor and the indoor chair. Medusa owes 199.00.
      await editOrder(admin, placed.orderId, { update: [{ item_id: outdoor.id, quantity: 1 }] })
      let mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "order_edit").length === 2 && settled(4)(m))
      expect(mirror.operations.filter((o: any) => o.status !== "done" && o.status !== "skipped")).toEqual([])

      const lines = mirror.dintero_order_mirror.lines as any[]
      const live = lines.filter((l) => l.role !== "reversal" && l.reversed_by == null)
      const shipping = live.find((l) => l.medusa_id.startsWith("shipping:"))
      const remaining = live.find((l) => l.role === "refund_remaining")
      const outdoorNow = live.find((l) => l.role === "item" && l.medusa_id === outdoor.id)
      const indoor = live.find((l) => l.role === "item" && l.from_edit && l.medusa_id !== outdoor.id)
      expect(live.map((l) => l.line_id).sort()).toEqual([shipping.line_id, indoor.line_id, outdoorNow.line_id, remaining.line_id].sort())
      expect(remaining.gross_amount).toBe(19900)
      // The indoor chair came with the first edit, so it precedes the outdoor chair's latest line.
      expect(indoor.line_id).toBeLessThan(outdoorNow.line_id)

      // Refund 1: what the edits made unneeded. Refund 2: the last outdoor chair, taken back.
      expect((await admin.refund(placed.paymentId, 199)).status).toBe(200)
      await waitForMirror(admin, placed.orderId, (m) => ops(m, "refund").length === 1 && settled(5)(m))
      expect((await admin.refund(placed.paymentId, 199)).status).toBe(200)
      mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "refund").length === 2 && settled(6)(m))
      expect(ops(mirror, "refund").map((o: any) => o.status)).toEqual(["done", "done"])

      // Checkout refunded both on the cart's outdoor chair line (it has no other chair line).
      const tx = (env.emulator.state as any).transactions.find((t: any) => t.id === placed.transactionId)
      const checkoutRefunds = tx.events.filter((e: any) => e.event === "REFUND" && e.success)
      expect(checkoutRefunds.map((e: any) => e.items.map((i: any) => i.amount))).toEqual([[19900], [19900]])
      expect(new Set(checkoutRefunds.map((e: any) => e.items[0].line_id)).size).toBe(1)

      const order = dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id)
      const refunds = order.operations.refunds.filter((r: any) => r.success)
      expect(refunds.map((r: any) => ({ items: r.items, payment_id: r.payment_details.payment_id }))).toEqual([
        { items: [{ line_id: remaining.line_id, amount: 19900 }], payment_id: placed.transactionId },
        { items: [{ line_id: outdoorNow.line_id, amount: 19900 }], payment_id: placed.transactionId },
      ])
      // Only lines the shopper still has (or was charged for): never a reversed line, never the kept indoor chair.
      const refundedLines = new Set(refunds.flatMap((r: any) => r.items.map((i: any) => i.line_id)))
      expect(refundedLines.has(indoor.line_id)).toBe(false)
      for (const id of refundedLines) expect(live.map((l) => l.line_id)).toContain(id)

      const l = await ledgers(admin, env.emulator, placed.orderId, mirror.dintero_order_mirror.dintero_order_id)
      expect({ medusa: l.medusa, checkout: l.checkout, orders: l.orders }).toEqual({ medusa: 24800, checkout: 24800, orders: 24800 })
      // Line by line, the live lines' net money is the kept indoor chair and the shipping.
      const liveIds = new Set(live.map((line) => line.line_id))
      const net = Object.fromEntries(
        l.lineTotals
          .filter((t: any) => liveIds.has(t.line_id) && t.captured - t.refunded !== 0)
          .map((t: any) => [t.line_id, t.captured - t.refunded])
      )
      expect(net).toEqual({ [indoor.line_id]: 19900, [shipping.line_id]: 4900 })
    })
  },
})
