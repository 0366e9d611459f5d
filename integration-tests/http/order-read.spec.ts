import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { applyPromotions, createTenPercentOffItems } from "../utils/promotions"
import { ORDER_FIELDS, loadOrderWith, type OrderRow } from "../../src/workflows/lib/medusa-data"
import { editOrder, orderItems, placeOrder } from "./orders-mirror-helpers"

jest.setTimeout(240_000)

/** Medusa's BigNumber (query.graph's money and quantities) as the number it serializes to. */
const n = (value: unknown): number => JSON.parse(JSON.stringify(value))

/** What loadOrderWith answered before it read the Order module itself: query.graph on ORDER_FIELDS' line fields. */
async function graphOrder(container: MedusaContainer, orderId: string): Promise<OrderRow | undefined> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const fields = ORDER_FIELDS.filter((f) => !f.startsWith("payment_collections."))
  const { data } = await query.graph({ entity: "order", fields, filters: { id: orderId } })
  return data[0] as OrderRow | undefined
}

// The mirror's `order.placed` pass reads the order's lines and totals from the Order module (loadOrderWith) instead
// of query.graph: the rows must be the same, value for value and type for type (numbers, dates, nulls), for every
// kind of order the mirror sees.
const env = dinteroTestSuite({
  testSuite: ({ seeded, store, admin, getContainer }) => {
    const payments = { payment_collections: [{ id: "pay_col_given", amount: 1, created_at: "2026-11-30T00:00:00.000Z" }] }

    async function expectSameAsGraph(orderId: string): Promise<OrderRow> {
      const container = getContainer()
      const graph = await graphOrder(container, orderId)
      expect(graph).toBeDefined()
      const read = await loadOrderWith(container, orderId, payments)
      expect(read).toStrictEqual({ ...graph, payment_collections: payments.payment_collections })
      return read!
    }

    it("a plain order: the same row as query.graph, its payment collections the ones given", async () => {
      const placed = await placeOrder(store, admin, env.emulator, seeded, {
        items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }, { variant_id: seeded.variants.indoor, quantity: 1 }],
      })
      const order = await expectSameAsGraph(placed.orderId)
      // 2 × 199.00 + 398.00 + shipping 49.00, VAT 25 % inside.
      expect(n(order.total)).toBe(845)
      expect(order.items!.map((i) => [n(i.quantity), n(i.total)]).sort()).toEqual([[1, 398], [2, 398]])
      expect(order.shipping_methods!.map((m) => [n(m.total), n(m.tax_total), m.tax_lines!.map((t) => n(t.rate))])).toEqual([[49, 9.8, [25]]])
      expect(await loadOrderWith(getContainer(), "order_unknown", payments)).toBeNull()
    })

    it("an order with a promotion: the discounted line totals", async () => {
      const code = await createTenPercentOffItems(getContainer())
      const market = seeded.markets.no
      const cart = await store.createCart({
        regionId: market.regionId,
        shippingOptionId: market.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }, { variant_id: seeded.variants.indoor, quantity: 1 }],
      })
      await store.setAddresses(cart.id, market.address)
      await store.addShippingMethod(cart.id, market.shippingOptionId)
      const applied = await applyPromotions(store, seeded.publishableKey, cart.id, [code])
      expect(applied.status).toBe(200)
      const { session } = await store.initiatePaymentSession(cart.id)
      await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      const completed = await store.completeCart(cart.id)
      expect(completed.body.type).toBe("order")
      await env.emulator.waitForCallbacks()

      const order = await expectSameAsGraph(completed.body.order.id)
      // 199 + 398 = 597 less 10 % = 537.30, plus 49.00 shipping.
      expect(n(order.total)).toBe(586.3)
      expect(order.items!.map((i) => n(i.total)).sort()).toEqual([179.1, 358.2])
    })

    it("a tax-exclusive market's order (Finland, EUR at 25.5 %)", async () => {
      const placed = await placeOrder(store, admin, env.emulator, seeded, {
        items: [{ variant_id: seeded.variants.outdoor, quantity: 3 }],
        market: seeded.markets.fi,
      })
      const order = await expectSameAsGraph(placed.orderId)
      expect(order.currency_code).toBe("eur")
      expect(order.items!.map((i) => [i.is_tax_inclusive, i.tax_lines!.map((t) => n(t.rate))])).toEqual([[false, [25.5]]])
    })

    it("an order after two edits: the current version's lines (a line removed, lines added, a quantity changed)", async () => {
      const placed = await placeOrder(store, admin, env.emulator, seeded, {
        items: [{ variant_id: seeded.variants.outdoor, quantity: 3 }, { variant_id: seeded.variants.indoor, quantity: 1 }],
      })
      const before = await orderItems(admin, placed.orderId)
      const outdoor = before.find((i) => i.variant_id === seeded.variants.outdoor)!
      const indoor = before.find((i) => i.variant_id === seeded.variants.indoor)!
      await editOrder(admin, placed.orderId, { update: [{ item_id: indoor.id, quantity: 0 }, { item_id: outdoor.id, quantity: 2 }] })
      await editOrder(admin, placed.orderId, { add: [{ variant_id: seeded.variants.indoor, quantity: 2, unit_price: 150 }] })

      const order = await expectSameAsGraph(placed.orderId)
      expect(order.version).toBe(3)
      const byId = new Map(order.items!.map((i) => [i.id, i]))
      expect(n(byId.get(outdoor.id)?.quantity)).toBe(2)
      expect(n(byId.get(indoor.id)?.quantity ?? 0)).toBe(0)
      const added = order.items!.filter((i) => i.id !== outdoor.id && i.id !== indoor.id)
      expect(added.map((i) => [i.variant_id, n(i.quantity), n(i.total)])).toEqual([[seeded.variants.indoor, 2, 300]])
      // 2 × 199.00 + 2 × 150.00 + shipping 49.00.
      expect(n(order.total)).toBe(747)
    })
  },
})
