// Issue 8 item 6: the cart changes while the shopper has the Dintero page open. The emulator runs with
// strictSessionLock: as Dintero's spec says (SPEC-TS:7578-7584, DOCS:checkout/updating-session), an unlocked update
// is refused once the page was rendered. The documented road is lockSession() in the page → PUT → refreshSession();
// when Dintero refuses, the plugin replaces the session (cancel + create), and never one that holds money.
import axios from "axios"
import { Modules } from "@medusajs/framework/utils"
import { dinteroTestSuite } from "../utils/dintero-test-suite"

jest.setTimeout(180_000)

const env = dinteroTestSuite({
  environment: { emulator: { strictSessionLock: true }, env: { DINTERO_ORDERS_MIRROR: "false" } },
  testSuite: ({ api, getContainer, seeded, store }) => {
    const browser = axios.create({ validateStatus: () => true })

    const dinteroSession = (id: string) => env.emulator.state.sessions.find((s: any) => s.id === id) as any
    const puts = (sid: string): any[] => env.emulator.requests.filter((r: any) => r.method === "PUT" && r.path.endsWith(`/sessions/${sid}`))

    /** One outdoor chair (199.00 NOK) + 49.00 NOK shipping, its Dintero page opened by the shopper. */
    async function openPage() {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }],
      })
      const { session, paymentCollection } = await store.initiatePaymentSession(cart.id)
      const sid: string = session.data.dintero_session_id
      expect(dinteroSession(sid).order.amount).toBe(24800)
      // The page is rendered (the Web SDK's iframe loads it): from now on Dintero refuses an unlocked update.
      expect((await browser.get(session.data.checkout_url)).status).toBe(200)
      return { cart, session, sid, paymentCollection }
    }

    /** What the page does on the Web SDK's lockSession(): Dintero locks the session (emulator/hosted-page.ts). */
    async function lockFromPage(checkoutUrl: string) {
      const res = await browser.post(`${checkoutUrl}/lock`)
      expect(res.status).toBe(200)
    }

    async function setQuantity(cartId: string, quantity: number) {
      const { cart } = (await api.get(`/store/carts/${cartId}`, { headers: { "x-publishable-api-key": seeded.publishableKey } })).data
      const res = await api.post(
        `/store/carts/${cartId}/line-items/${cart.items[0].id}`,
        { quantity },
        { headers: { "x-publishable-api-key": seeded.publishableKey }, validateStatus: () => true }
      )
      expect(res.status).toBe(200)
      return res.data.cart
    }

    /**
     * Medusa's own update of a payment session (payment module updatePaymentSession → provider updatePayment) after
     * the cart's line changed in the cart module; the store routes would instead delete the session (next test).
     */
    async function updateThroughMedusa(cartId: string, sessionId: string, quantity: number) {
      const cartModule = getContainer().resolve(Modules.CART)
      const payment = getContainer().resolve(Modules.PAYMENT)
      const [line] = await cartModule.listLineItems({ cart_id: cartId })
      await cartModule.updateLineItems(line.id, { quantity })
      const { cart } = (await api.get(`/store/carts/${cartId}`, { headers: { "x-publishable-api-key": seeded.publishableKey } })).data
      const current = await payment.retrievePaymentSession(sessionId)
      return await payment.updatePaymentSession({ id: sessionId, amount: cart.total, currency_code: "nok", data: current.data! })
    }

    it("store road: the page locks, the cart changes, and the next payment session updates the same Dintero session", async () => {
      const { cart, session, sid } = await openPage()
      await lockFromPage(session.data.checkout_url)
      // Medusa drops the payment session on a cart change; the locked Dintero session must survive it.
      const changed = await setQuantity(cart.id, 3)
      expect(changed.total).toBe(646)
      expect(dinteroSession(sid).cancelled_at).toBeUndefined()

      const { session: next } = await store.initiatePaymentSession(cart.id, "pp_dintero_dintero", { locked_dintero_session_id: sid })
      // Same session: the storefront refreshes the page (refreshSession) instead of mounting a new one.
      expect(next.data.dintero_session_id).toBe(sid)
      expect(next.data.amount).toBe(64600)
      expect(next.data.checkout_url).toBe(session.data.checkout_url)
      expect(next.data).not.toHaveProperty("locked_dintero_session_id")
      const updated = dinteroSession(sid)
      expect(updated.order.amount).toBe(64600)
      expect(updated.order.items[0]).toMatchObject({ quantity: 3, amount: 59700 })
      expect(updated.events.map((e: any) => e.name)).toEqual(expect.arrayContaining(["PAY_LOCK_START", "UPDATE_SESSION", "PAY_LOCK_END"]))
      // Sent as the locked road: no update_without_lock, only update-schema fields, the lock released.
      const [put] = puts(sid)
      expect(put).toMatchObject({ status: 200, query: {} })
      expect(put.body.remove_lock).toBe(true)
      expect(put.body.order).not.toHaveProperty("merchant_reference")

      // The shopper pays the refreshed page: the order is for the new amount.
      const paid = await env.emulator.pay(sid, "AUTHORIZED")
      expect(paid.transaction!.amount).toBe(64600)
      const completed = await store.completeCart(cart.id)
      expect(completed.body.type).toBe("order")
      expect(completed.body.order.total).toBe(646)
      expect(env.emulator.state.sessions.filter((s: any) => s.order.merchant_reference === cart.id)).toHaveLength(1)
    })

    it("store road without a lock: the dropped session is cancelled, and the next one is new", async () => {
      const { cart, sid } = await openPage()
      await setQuantity(cart.id, 2)
      expect(dinteroSession(sid).cancelled_at).toEqual(expect.any(String))
      const { session: next } = await store.initiatePaymentSession(cart.id, "pp_dintero_dintero", { locked_dintero_session_id: sid })
      expect(next.data.dintero_session_id).not.toBe(sid)
      expect(dinteroSession(next.data.dintero_session_id).order.amount).toBe(44700)
      expect(puts(sid)).toHaveLength(0)
    })

    it("refuses to continue a Dintero session of another cart", async () => {
      const other = await openPage()
      const { paymentCollection } = await openPage()
      const res = await api.post(
        `/store/payment-collections/${paymentCollection.id}/payment-sessions`,
        { provider_id: "pp_dintero_dintero", data: { locked_dintero_session_id: other.sid } },
        { headers: { "x-publishable-api-key": seeded.publishableKey }, validateStatus: () => true }
      )
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(JSON.stringify(res.data)).toContain("not for this cart")
      expect(puts(other.sid)).toHaveLength(0)
      expect(dinteroSession(other.sid).cancelled_at).toBeUndefined()
    })

    it("updatePayment: Dintero refuses the unlocked update after render, and the session is replaced", async () => {
      const { cart, session, sid } = await openPage()
      const updated = await updateThroughMedusa(cart.id, session.id, 2)

      const [refused] = puts(sid)
      expect(refused).toMatchObject({ status: 400, query: { update_without_lock: "true" } })
      expect(refused.responseBody).toMatchObject({ error: { code: "SESSION_NOT_LOCKED" } })
      expect(dinteroSession(sid).cancelled_at).toEqual(expect.any(String))
      expect(dinteroSession(sid).order.amount).toBe(24800)

      const newSid = updated.data!.dintero_session_id as string
      expect(newSid).not.toBe(sid)
      expect(updated.data!.checkout_url).toBe(`${env.emulator.checkoutBaseUrl}/view/${newSid}`)
      expect(updated.data!.amount).toBe(44700)
      const replacement = dinteroSession(newSid)
      expect(replacement.order).toMatchObject({ amount: 44700, merchant_reference: cart.id })
      expect(replacement.metadata.medusa_payment_session_id).toBe(session.id)

      // Medusa keeps the replacement; the shopper can pay it, and not the cancelled one.
      const stored = await getContainer().resolve(Modules.PAYMENT).retrievePaymentSession(session.id)
      expect(stored.data).toMatchObject({ dintero_session_id: newSid, amount: 44700 })
      await expect(env.emulator.pay(sid, "AUTHORIZED")).rejects.toThrow(/cancelled/)
      await expect(env.emulator.pay(newSid, "AUTHORIZED")).resolves.toMatchObject({ transaction: { amount: 44700 } })
    })

    it("updatePayment: a session the page locked is updated in place", async () => {
      const { cart, session, sid } = await openPage()
      await lockFromPage(session.data.checkout_url)
      const updated = await updateThroughMedusa(cart.id, session.id, 2)
      expect(updated.data!.dintero_session_id).toBe(sid)
      expect(puts(sid)).toEqual([expect.objectContaining({ status: 200, query: {} })])
      expect(dinteroSession(sid)).toMatchObject({ order: { amount: 44700 } })
      expect(dinteroSession(sid).cancelled_at).toBeUndefined()
      // The lock is released: the shopper can pay the refreshed page.
      await expect(env.emulator.pay(sid, "AUTHORIZED")).resolves.toMatchObject({ transaction: { amount: 44700 } })
    })

    it("updatePayment: a session somebody already paid is never cancelled; the error says so", async () => {
      const { cart, session, sid } = await openPage()
      const paid = await env.emulator.pay(sid, "AUTHORIZED")
      await expect(updateThroughMedusa(cart.id, session.id, 2)).rejects.toThrow(
        new RegExp(`already paid \\(transaction ${paid.transaction!.id.replace(".", "\\.")}, AUTHORIZED\\)`)
      )
      expect(dinteroSession(sid).cancelled_at).toBeUndefined()
      expect(env.emulator.state.sessions.filter((s: any) => s.order.merchant_reference === cart.id)).toHaveLength(1)
    })
  },
})
