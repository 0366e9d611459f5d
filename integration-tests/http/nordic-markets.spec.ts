import { Modules } from "@medusajs/framework/utils"
import { createRegionsWorkflow } from "@medusajs/medusa/core-flows"
import type { MarketCode } from "../../scripts/lib/seed-store"
import { toMinorUnits } from "../../src/mapping/money"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { dinteroOrder, editOrder, ledgers, orderItems, placeOrder, settled, waitForMirror } from "./orders-mirror-helpers"

/**
 * A three-market store (medusa-config.ts: a Dintero payment profile per market; the emulator's profiles each take one
 * currency): every market pays through its own profile in its own currency, end to end; a market without a profile,
 * and a currency Dintero does not take, are refused before Dintero is asked.
 */

jest.setTimeout(240_000)

/** medusa-config.ts: the profile each market's sessions must use. */
const PROFILE: Record<MarketCode, string> = { no: "default", se: "sweden", dk: "denmark", fi: "finland" }

/**
 * Per market, in minor units: 2 outdoor chairs + shipping with 25 % VAT, the chair line and its VAT, one chair.
 * SE's catalog prices exclude VAT (239.20 + VAT = 299.00), NO's and DK's include it.
 */
const EXPECTED: Record<Exclude<MarketCode, "fi">, { total: number; chairs: number; chairsVat: number; chair: number }> = {
  no: { total: 44700, chairs: 39800, chairsVat: 7960, chair: 19900 },
  se: { total: 66700, chairs: 59800, chairsVat: 11960, chair: 29900 },
  dk: { total: 33700, chairs: 29800, chairsVat: 5960, chair: 14900 },
}

const ops = (m: any, kind: string) => m.operations.filter((o: any) => o.kind === kind)
const sessionRequests = () => env.emulator.requests.filter((r) => r.method === "POST" && r.path === "/checkout/v1/sessions-profile")

const env = dinteroTestSuite({
  testSuite: ({ getContainer, seeded, store, admin }) => {
    it.each(["no", "se", "dk"] as Exclude<MarketCode, "fi">[])(
      "%s: checkout through the market's own payment profile and currency, capture, order edit and refund",
      async (code) => {
        const market = seeded.markets[code]
        const currency = market.currency.toUpperCase()
        const expected = EXPECTED[code]
        const placed = await placeOrder(store, admin, env.emulator, seeded, {
          items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }],
          market,
        })

        // The Dintero session: the market's profile, its currency, the cart's lines with VAT in minor units.
        const tx = env.emulator.state.transactions.find((t) => t.id === placed.transactionId)!
        const session = env.emulator.state.sessions.find((s) => s.id === tx.session_id)! as any
        expect(session.metadata["session:profile_id"]).toBe(PROFILE[code])
        expect(session.order.currency).toBe(currency)
        expect(session.order.amount).toBe(expected.total)
        expect(session.order.items[0]).toEqual(
          expect.objectContaining({ quantity: 2, amount: expected.chairs, vat_amount: expected.chairsVat, vat: 25 })
        )
        const order = await admin.getOrder(placed.orderId)
        expect(order.currency_code).toBe(market.currency)
        expect(toMinorUnits(order.total, currency)).toBe(expected.total)
        expect(tx).toEqual(expect.objectContaining({ currency, amount: expected.total, status: "AUTHORIZED" }))

        // Capture it all.
        expect((await admin.capture(placed.paymentId)).status).toBe(200)
        expect(env.emulator.state.transactions.find((t) => t.id === placed.transactionId)!.status).toBe("CAPTURED")
        let mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "capture").length === 1 && settled(3)(m))
        const dinteroOrderId = mirror.dintero_order_mirror.dintero_order_id
        expect(dinteroOrder(env.emulator, dinteroOrderId).currency).toBe(currency)

        // Edit: one chair instead of two. Medusa owes the shopper one chair; the mirror reverses and re-adds lines.
        const [item] = await orderItems(admin, placed.orderId)
        await editOrder(admin, placed.orderId, { update: [{ item_id: item.id, quantity: 1 }] })
        mirror = await waitForMirror(admin, placed.orderId, (m) => ops(m, "order_edit").length === 1 && settled(4)(m))
        expect(ops(mirror, "order_edit")[0].status).toBe("done")
        const edited = await admin.getOrderWithItems(placed.orderId)
        const due = -toMinorUnits(String(edited.summary.pending_difference), currency)
        expect(due).toBe(expected.chair)

        // Refund what Medusa owes, in the market's currency.
        expect((await admin.refund(placed.paymentId, Number(String(edited.summary.pending_difference).replace("-", "")))).status).toBe(200)
        await waitForMirror(admin, placed.orderId, (m) => ops(m, "refund").length === 1 && settled(1)(m))
        const refunds = env.emulator.state.transactions
          .find((t) => t.id === placed.transactionId)!
          .events!.filter((e) => e.event === "REFUND" && e.success)
        expect(refunds.map((e) => e.amount)).toEqual([expected.chair])
        const orders = dinteroOrder(env.emulator, dinteroOrderId)
        expect(orders.operations.refunds.map((r: any) => r.items.reduce((s: number, i: any) => s + i.amount, 0))).toEqual([expected.chair])

        const l = await ledgers(admin, env.emulator, placed.orderId, dinteroOrderId)
        expect(l.medusa).toBe(expected.total - expected.chair)
        expect({ checkout: l.checkout, orders: l.orders }).toEqual({ checkout: l.medusa, orders: l.medusa })
      }
    )

    it("refuses a payment session without a profile for its currency or country, or in a currency Dintero does not take, before asking Dintero", async () => {
      const container = getContainer()
      // Germany (EUR, but Finland's profile serves FI only), the USA (USD) and Greenland (DKK, but Denmark's profile
      // serves DK only) with Dintero enabled, and a chair price in USD (the seeded store has EUR for Finland).
      const { result: regions } = await createRegionsWorkflow(container).run({
        input: {
          regions: [
            { name: "Deutschland", currency_code: "eur", countries: ["de"], payment_providers: ["pp_dintero_dintero"] },
            { name: "USA", currency_code: "usd", countries: ["us"], payment_providers: ["pp_dintero_dintero"] },
            { name: "Kalaallit Nunaat", currency_code: "dkk", countries: ["gl"], payment_providers: ["pp_dintero_dintero"] },
          ],
        },
      })
      const { data: variants } = await container.resolve("query").graph({
        entity: "variant",
        fields: ["price_set.id"],
        filters: { id: seeded.variants.outdoor },
      })
      await container.resolve(Modules.PRICING).addPrices({
        priceSetId: variants[0].price_set.id,
        prices: [{ currency_code: "usd", amount: 25 }],
      })
      const address = (country: string, city: string) => ({ ...seeded.markets.no.address, country_code: country, city, postal_code: "00100" })

      async function refusal(regionId: string, shipTo?: ReturnType<typeof address>) {
        const cart = await store.createCart({ regionId, shippingOptionId: "", items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }] })
        if (shipTo) await store.setAddresses(cart.id, shipTo)
        const error = await store.initiatePaymentSession(cart.id).then(
          () => undefined,
          (e) => e as { status: number; body: { type: string; message: string } }
        )
        expect(error).toBeDefined()
        return error!
      }

      const eur = await refusal(regions[0].id, address("de", "Berlin"))
      expect(eur.status).toBe(400)
      expect(eur.body.type).toBe("not_allowed")
      expect(eur.body.message).toContain("Dintero is not set up in this store for payments in EUR for DE")

      const usd = await refusal(regions[1].id, address("us", "New York"))
      expect(usd.status).toBe(400)
      expect(usd.body.message).toBe("Dintero cannot take payments in USD (it takes NOK, SEK, DKK and EUR). Please choose another payment method.")

      // A currency with a profile, but not for this country.
      const dkk = await refusal(regions[2].id, address("gl", "Nuuk"))
      expect(dkk.status).toBe(400)
      expect(dkk.body.message).toContain("Dintero is not set up in this store for payments in DKK for GL")

      expect(sessionRequests()).toHaveLength(0)
      // Positive control: the same route reaches Dintero for a market with a profile.
      const cart = await store.createCart({
        regionId: seeded.markets.dk.regionId,
        shippingOptionId: seeded.markets.dk.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }],
      })
      await store.setAddresses(cart.id, seeded.markets.dk.address)
      await store.addShippingMethod(cart.id, seeded.markets.dk.shippingOptionId)
      const { session } = await store.initiatePaymentSession(cart.id)
      expect(session.data.dintero_session_id).toBeTruthy()
      expect(sessionRequests()).toHaveLength(1)
    })
  },
})
