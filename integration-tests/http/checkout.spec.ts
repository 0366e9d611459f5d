import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { AdminApi, StoreApi } from "../../scripts/lib/store-api"
import { seedStore, type SeededStore } from "../../scripts/lib/seed-store"
import { useDinteroEnvironment } from "../utils/environment"

jest.setTimeout(180_000)

const env = useDinteroEnvironment()

medusaIntegrationTestRunner({
  testSuite: ({ api, getContainer }) => {
    let seeded: SeededStore
    let store: StoreApi
    let admin: AdminApi

    beforeEach(async () => {
      seeded = await seedStore(getContainer())
      store = new StoreApi(api, seeded.publishableKey)
      admin = new AdminApi(api)
      await admin.login(seeded.admin.email, seeded.admin.password)
    })

    async function paidCart(quantity = 2) {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity }],
      })
      const { session } = await store.initiatePaymentSession(cart.id)
      return { cart, session }
    }

    it("creates the Dintero session from the cart's real lines and returns nothing secret", async () => {
      const { cart, session } = await paidCart(2)
      expect(session.data.dintero_session_id).toMatch(/^T12345678\./)
      expect(session.data.checkout_url).toBe(`${env.emulator.checkoutBaseUrl}/view/${session.data.dintero_session_id}`)
      expect(JSON.stringify(session)).not.toContain("emulator-secret")

      const dinteroSession = env.emulator.state.sessions.find((s: any) => s.id === session.data.dintero_session_id) as any
      expect(dinteroSession.order.merchant_reference).toBe(cart.id)
      expect(dinteroSession.metadata.medusa_payment_session_id).toBe(session.id)
      // 2 × 199.00 NOK incl. 25 % VAT + 49.00 NOK shipping incl. VAT
      expect(dinteroSession.order.amount).toBe(44700)
      expect(dinteroSession.order.items).toEqual([
        expect.objectContaining({ id: "175938", quantity: 2, amount: 39800, vat_amount: 7960, vat: 25 }),
      ])
      expect(dinteroSession.order.shipping_option).toEqual(
        expect.objectContaining({ amount: 4900, vat_amount: 980, vat: 25 })
      )
      const sessionCreate = env.emulator.requests.find((r: any) => r.path.endsWith("/sessions-profile")) as any
      expect(sessionCreate.status).toBe(200)
    })

    it("completes the cart into one order after payment, and captures and refunds exact amounts", async () => {
      const { cart, session } = await paidCart(2)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      expect(paid.redirect_url).toContain("transaction_id=")

      const completed = await store.completeCart(cart.id)
      expect(completed.status).toBe(200)
      expect(completed.body.type).toBe("order")
      const orderId = completed.body.order.id

      await env.emulator.waitForCallbacks()
      const order = await admin.getOrder(orderId)
      const payment = order.payment_collections[0].payments[0]
      expect(payment.data.transaction_id).toBe(paid.transaction!.id)

      const first = await admin.capture(payment.id, 100)
      expect(first.status).toBe(200)
      const rest = await admin.capture(payment.id, 347)
      expect(rest.status).toBe(200)
      const refund = await admin.refund(payment.id, 49.5)
      expect(refund.status).toBe(200)

      const tx = env.emulator.state.transactions.find((t: any) => t.id === paid.transaction!.id) as any
      const captures = tx.events.filter((e: any) => e.event === "CAPTURE")
      expect(captures.map((e: any) => e.amount)).toEqual([10000, 34700])
      expect(captures[1].items.reduce((s: number, i: any) => s + i.amount, 0)).toBe(34700)
      const refunds = tx.events.filter((e: any) => e.event === "REFUND")
      expect(refunds.map((e: any) => e.amount)).toEqual([4950])
      expect(tx.status).toBe("PARTIALLY_REFUNDED")

      // Exactly one order for the cart, however many roads reached it.
      const again = await store.completeCart(cart.id)
      expect(again.body.order?.id).toBe(orderId)
    })
  },
})
