import axios from "axios"
import { Modules } from "@medusajs/framework/utils"
import { reconcileStore } from "../../src/workflows/reconcile/reconcile"
import { dinteroTestSuite } from "../utils/dintero-test-suite"

jest.setTimeout(180_000)

/**
 * Issue 9: a paid cart whose completion fails every time must not hold the shopper's money for ever. Before the bound
 * (the provider option releaseUncompletableCartAfterMinutes, 30 minutes by default) the callback answers 503 and the
 * reconciliation retries, so a fix in time still gives the order; after it the reconciliation voids the transaction
 * with the reason recorded. The clock is the reconciliation's injected `now` (the production road, run later).
 *
 * The cart is made uncompletable after the Dintero session was created: its variant starts managing inventory with no
 * stock location for the sales channel, so Medusa's completeCartWorkflow throws on every attempt.
 */
const BOUND_MINUTES = 30

const env = dinteroTestSuite({
  // The scheduled run stays out of the way: the tests start runs themselves, with their own clock.
  environment: { env: { DINTERO_RECONCILE_INTERVAL_MS: String(3_600_000) } },
  testSuite: ({ getContainer, seeded, store }) => {
    const dinteroTx = (id: string) => env.emulator.state.transactions.find((t: any) => t.id === id) as any
    const lastAnswer = (txId: string) =>
      env.emulator.callbacks.filter((c: any) => c.transaction_id === txId).at(-1)?.attempts.at(-1)?.status
    const minutesFromNow = (m: number) => new Date(Date.now() + m * 60_000)

    async function setManagedInventory(on: boolean) {
      await getContainer().resolve(Modules.PRODUCT).updateProductVariants(seeded.variants.outdoor, { manage_inventory: on })
    }

    /** A cart paid at Dintero while it cannot be completed: every callback so far answered 503. */
    async function paidUncompletableCart() {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }],
      })
      const { session } = await store.initiatePaymentSession(cart.id)
      await setManagedInventory(true)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      const txId = paid.transaction!.id as string
      return { cart, session, txId }
    }

    async function ordersForCart(cartId: string): Promise<string[]> {
      const { data } = await getContainer().resolve("query").graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cartId } })
      return data.map((d: any) => d.order_id as string)
    }

    async function cartMetadata(cartId: string) {
      const { data } = await getContainer().resolve("query").graph({ entity: "cart", fields: ["metadata"], filters: { id: cartId } })
      return data[0]?.metadata ?? null
    }

    const paymentSession = (id: string) => getContainer().resolve(Modules.PAYMENT).retrievePaymentSession(id)

    /** Calls the callback route as Dintero does (no signature secret in this environment). */
    async function sendCallback(txId: string, cartId: string) {
      const url = new URL(`${env.backendUrl}/hooks/dintero/callback`)
      url.searchParams.set("transaction_id", txId)
      url.searchParams.set("merchant_reference", cartId)
      return await axios.get(url.toString(), { validateStatus: () => true })
    }

    it("answers 503 before the bound, then the reconciliation voids the payment with the reason; later callbacks answer 200 and change nothing", async () => {
      const { cart, session, txId } = await paidUncompletableCart()
      expect(lastAnswer(txId)).toBe(503)

      // Before the bound: retried, nothing released.
      expect((await sendCallback(txId, cart.id)).status).toBe(503)
      const early = await reconcileStore(getContainer(), { now: minutesFromNow(BOUND_MINUTES - 5) })
      expect(early!.findings).toEqual([expect.objectContaining({ what: "settle_failed", ref: session.id })])
      expect(early!.repaired).toEqual([])
      expect(dinteroTx(txId).status).toBe("AUTHORIZED")
      const failing = await paymentSession(session.id)
      expect(failing.status).toBe("pending")
      const failure = failing.data!.completion_failure as any
      // The last attempt's error (Medusa's own message; under load its workflow engine may report another one).
      expect(failure).toMatchObject({ transaction_id: txId, last_error: expect.stringMatching(/\S/) })
      expect(failure.attempts).toBeGreaterThanOrEqual(3)
      // The first failure's time stays the first one's (the bound counts from it).
      expect(Date.parse(failure.first_failed_at)).toBeLessThanOrEqual(Date.now())

      // Past the bound: the reconciliation voids the transaction at Dintero and records why.
      const late = await reconcileStore(getContainer(), { now: minutesFromNow(BOUND_MINUTES + 1) })
      expect(late!.status).toBe("done")
      expect(late!.repaired).toEqual([{ what: "voided", ref: txId }])
      expect(late!.findings).toEqual([
        {
          what: "payment_released",
          ref: txId,
          detail: expect.stringMatching(new RegExp(`cart ${cart.id}: voided: .*more than ${BOUND_MINUTES} minutes.*transaction ${txId}.*last error: \\S`)),
        },
      ])
      const tx = dinteroTx(txId)
      expect(tx.status).toBe("AUTHORIZATION_VOIDED")
      expect(await ordersForCart(cart.id)).toEqual([])

      const metadata = await cartMetadata(cart.id)
      expect(metadata.dintero_released_payments).toEqual([
        expect.objectContaining({
          transaction_id: txId,
          action: "voided",
          amount: tx.amount,
          currency: tx.currency,
          reason: expect.stringContaining(`${tx.amount} ${tx.currency} minor units`),
        }),
      ])
      const ended = await paymentSession(session.id)
      expect(ended.status).toBe("canceled")
      expect(ended.data).toMatchObject({
        dintero_status: "AUTHORIZATION_VOIDED",
        transaction_id: txId,
        dintero_error: expect.stringContaining("payment voided: the cart could not be completed"),
      })

      // A late duplicate callback: the work can never be done, so 200, and nothing moves.
      const events = tx.events.length
      expect((await sendCallback(txId, cart.id)).status).toBe(200)
      expect(await paymentSession(session.id)).toEqual(ended)
      expect(await cartMetadata(cart.id)).toEqual(metadata)
      expect(dinteroTx(txId).events).toHaveLength(events)
      expect(await ordersForCart(cart.id)).toEqual([])
      // Nor does the next run find anything left to do.
      const after = await reconcileStore(getContainer(), { now: minutesFromNow(BOUND_MINUTES + 10) })
      expect({ repaired: after!.repaired, findings: after!.findings }).toEqual({ repaired: [], findings: [] })
    })

    it("positive control: a cart fixed before the bound completes into exactly one order, and nothing is voided later", async () => {
      const { cart, session, txId } = await paidUncompletableCart()
      expect(lastAnswer(txId)).toBe(503)
      expect((await sendCallback(txId, cart.id)).status).toBe(503)
      expect((await paymentSession(session.id)).data!.completion_failure).toMatchObject({ transaction_id: txId })

      await setManagedInventory(false)
      expect((await sendCallback(txId, cart.id)).status).toBe(200)
      const orders = await ordersForCart(cart.id)
      expect(orders).toHaveLength(1)

      const late = await reconcileStore(getContainer(), { now: minutesFromNow(BOUND_MINUTES + 1) })
      expect(late!.findings.filter((f) => f.ref === txId || f.ref === session.id)).toEqual([])
      expect(late!.repaired.filter((r) => r.what === "voided" || r.what === "refunded")).toEqual([])
      expect(dinteroTx(txId).status).toBe("AUTHORIZED")
      expect(await ordersForCart(cart.id)).toEqual(orders)
      expect((await cartMetadata(cart.id))?.dintero_released_payments).toBeUndefined()
    })

    it("a completion that works again after the bound wins: the order is made, nothing is voided", async () => {
      const { cart, txId } = await paidUncompletableCart()
      expect(lastAnswer(txId)).toBe(503)
      await setManagedInventory(false)

      const late = await reconcileStore(getContainer(), { now: minutesFromNow(BOUND_MINUTES + 1) })
      expect(late!.repaired).toEqual([expect.objectContaining({ what: "settled" })])
      expect(late!.findings.filter((f) => f.what === "payment_released")).toEqual([])
      expect(dinteroTx(txId).status).toBe("AUTHORIZED")
      expect(await ordersForCart(cart.id)).toHaveLength(1)
    })
  },
})
