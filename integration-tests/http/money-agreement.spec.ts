import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { sumToMinorUnits } from "../../src/mapping/money"
import { exactOf } from "./orders-mirror-helpers"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { merchantDinteroClient } from "../utils/environment"

jest.setTimeout(240_000)

const CAPTURE = "/checkout/v1/transactions/:id/capture"
const REFUND = "/checkout/v1/transactions/:id/refund"
const VOID = "/checkout/v1/transactions/:id/void"
const READ = "/checkout/v1/transactions/:id"

// Medusa and Dintero agree after any failure (issue 9 item 3, issue 8 item 2.3): an attempt Dintero applied is
// recorded in Medusa before anything else is sent, or the new operation is refused with a message saying what
// Dintero has; a 2xx whose event says success:false records nothing and shows Dintero's reason.
// The mirror is off: this file counts Checkout events precisely; orders-mirror.spec.ts covers the mirror.
const env = dinteroTestSuite({
  environment: { env: { DINTERO_ORDERS_MIRROR: "false" } },
  testSuite: ({ getContainer, seeded, store, admin }) => {
    /** 2 × 199.00 + 49.00 shipping = 447.00 NOK, authorized. */
    async function placedOrder() {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }],
      })
      const { session } = await store.initiatePaymentSession(cart.id)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      const completed = await store.completeCart(cart.id)
      expect(completed.body.type).toBe("order")
      await env.emulator.waitForCallbacks()
      const order = await admin.getOrder(completed.body.order.id)
      return { orderId: order.id as string, paymentId: order.payment_collections[0].payments[0].id as string, transactionId: paid.transaction!.id as string }
    }

    const tx = (id: string) => (env.emulator.state.transactions as any[]).find((t) => t.id === id)
    const dinteroTotal = (id: string, kind: string) =>
      tx(id).events.filter((e: any) => e.event === kind && e.success === true).reduce((s: number, e: any) => s + e.amount, 0)
    const sends = (suffix: string) =>
      env.emulator.requests.filter((r: any) => r.method === "POST" && r.path.endsWith(suffix)).length

    /** Medusa's recorded captures and refunds of the payment, in øre: each kind's exact sum rounded once. */
    async function medusaTotals(paymentId: string) {
      const { payment } = await admin.ok("get", `/admin/payments/${paymentId}?fields=*captures,*refunds`)
      const sum = (rows: any[]) => sumToMinorUnits(rows.map(exactOf), "NOK")
      return { captured: sum(payment.captures ?? []), refunded: sum(payment.refunds ?? []) }
    }

    async function expectAgreement(paymentId: string, transactionId: string) {
      const medusa = await medusaTotals(paymentId)
      expect({ captured: dinteroTotal(transactionId, "CAPTURE"), refunded: dinteroTotal(transactionId, "REFUND") }).toEqual(medusa)
      return medusa
    }

    /** Dintero applies the operation, its answer is lost and every re-read fails: Medusa cannot know. */
    function loseAnswerAndReads(path: string) {
      env.emulator.faults.add({ method: "POST", path, kind: "lose-response", times: 10 })
      env.emulator.faults.add({ method: "GET", path: READ, kind: "status", status: 503, times: 40 })
    }

    it("refuses a capture of another amount while a lost capture is applied at Dintero, and records it first", async () => {
      const { paymentId, transactionId } = await placedOrder()
      expect((await admin.capture(paymentId, 100)).status).toBe(200)

      loseAnswerAndReads(CAPTURE)
      expect((await admin.capture(paymentId, 50)).status).toBeGreaterThanOrEqual(400)
      env.emulator.faults.clear()
      // Dintero captured 150.00, Medusa recorded 100.00: the parked attempt is the difference.
      expect(dinteroTotal(transactionId, "CAPTURE")).toBe(15000)

      // The merchant captures a different amount: refused before anything is sent, saying what Dintero has.
      const before = sends("/capture")
      const other = await admin.capture(paymentId, 30)
      expect(other.status).toBe(400)
      expect(other.body.message).toContain("Dintero already captured 50.00 NOK")
      expect(other.body.message).toContain("capture exactly 50.00 NOK to record it")
      expect(sends("/capture")).toBe(before)
      expect(dinteroTotal(transactionId, "CAPTURE")).toBe(15000)

      // A refund is refused the same way: Medusa must first know what was captured.
      const refund = await admin.refund(paymentId, 10)
      expect(refund.status).toBe(400)
      expect(refund.body.message).toContain("Dintero already captured 50.00 NOK")

      // Following the message records the applied attempt without moving money again.
      expect((await admin.capture(paymentId, 50)).status).toBe(200)
      expect(sends("/capture")).toBe(before)
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 15000, refunded: 0 })

      // Then the rest goes through as usual.
      expect((await admin.capture(paymentId, 30)).status).toBe(200)
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 18000, refunded: 0 })
    })

    it("captures and refunds of fractions of an øre add up at Dintero to Medusa's totals rounded once", async () => {
      const { paymentId, transactionId } = await placedOrder()
      // 447.00 NOK in three captures Medusa records exactly; rounded one by one they would move 446.99.
      for (const amount of [149.3333, 149.3333, 148.3334]) expect((await admin.capture(paymentId, amount)).status).toBe(200)
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 44700, refunded: 0 })
      expect(tx(transactionId).status).toBe("CAPTURED")
      const captures = tx(transactionId).events.filter((e: any) => e.event === "CAPTURE").map((e: any) => e.amount)
      expect(captures).toEqual([14933, 14934, 14833])

      // 1.00 NOK back in four refunds; the last moves the rounded total by nothing, so nothing is sent for it.
      for (const amount of [0.3333, 0.3333, 0.3333]) expect((await admin.refund(paymentId, amount)).status).toBe(200)
      const before = sends("/refund")
      expect((await admin.refund(paymentId, 0.0001)).status).toBe(200)
      expect(sends("/refund")).toBe(before)
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 44700, refunded: 100 })
    })

    it("forgets a lost capture that Dintero never applied and sends the new one", async () => {
      const { paymentId, transactionId } = await placedOrder()
      // Dintero fails without applying (the answer is an error), and the re-reads fail too: Medusa cannot tell.
      env.emulator.faults.add({ method: "POST", path: CAPTURE, kind: "status", status: 503, times: 10 })
      env.emulator.faults.add({ method: "GET", path: READ, kind: "status", status: 503, times: 40 })
      expect((await admin.capture(paymentId, 50)).status).toBeGreaterThanOrEqual(400)
      env.emulator.faults.clear()
      expect((await admin.capture(paymentId, 30)).status).toBe(200)
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 3000, refunded: 0 })
    })

    it("refuses a refund of another amount while a lost refund is applied at Dintero, and records it first", async () => {
      const { paymentId, transactionId } = await placedOrder()
      expect((await admin.capture(paymentId)).status).toBe(200)

      loseAnswerAndReads(REFUND)
      expect((await admin.refund(paymentId, 20)).status).toBeGreaterThanOrEqual(400)
      env.emulator.faults.clear()
      expect(dinteroTotal(transactionId, "REFUND")).toBe(2000)

      const before = sends("/refund")
      const other = await admin.refund(paymentId, 15)
      expect(other.status).toBe(400)
      expect(other.body.message).toContain("Dintero already refunded 20.00 NOK")
      expect(other.body.message).toContain("refund exactly 20.00 NOK to record it")
      // One too small to move an øre is refused the same way: recorded, it would take the position the parked one needs.
      const tiny = await admin.refund(paymentId, 0.004)
      expect(tiny.status).toBe(400)
      expect(tiny.body.message).toContain("Dintero already refunded 20.00 NOK")
      expect(sends("/refund")).toBe(before)

      expect((await admin.refund(paymentId, 20)).status).toBe(200)
      expect(sends("/refund")).toBe(before)
      expect((await admin.refund(paymentId, 15)).status).toBe(200)
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 44700, refunded: 3500 })
    })

    it("refuses to send a capture again while Dintero is still applying it (an asynchronous answer that was lost), then records it once applied", async () => {
      const { paymentId, transactionId } = await placedOrder()
      // Dintero accepts the capture asynchronously (202: applied some seconds later); its answer is lost and the
      // re-reads fail, so Medusa cannot know and the capture fails in Medusa.
      env.emulator.options.asyncMode = true
      env.emulator.options.asyncDelayMs = 20_000
      try {
        loseAnswerAndReads(CAPTURE)
        expect((await admin.capture(paymentId, 50)).status).toBeGreaterThanOrEqual(400)
        env.emulator.faults.clear()
        expect(tx(transactionId).events.filter((e: any) => e.event === "INITIATE_CAPTURE")).toHaveLength(1)

        // The merchant retries the same capture while Dintero is still on it: nothing is sent (it would capture twice).
        const before = sends("/capture")
        const retry = await admin.capture(paymentId, 50)
        expect(retry.status).toBe(400)
        expect(retry.body.message).toContain("still in progress at Dintero")
        expect(sends("/capture")).toBe(before)

        // Once Dintero has applied it, the retry records it without sending anything.
        for (let i = 0; i < 150 && dinteroTotal(transactionId, "CAPTURE") === 0; i++) await new Promise((r) => setTimeout(r, 200))
        expect(dinteroTotal(transactionId, "CAPTURE")).toBe(5000)
        expect((await admin.capture(paymentId, 50)).status).toBe(200)
        expect(sends("/capture")).toBe(before)
        expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 5000, refunded: 0 })
      } finally {
        env.emulator.options.asyncMode = false
        env.emulator.options.asyncDelayMs = 50
        env.emulator.faults.clear()
      }
    })

    it("a 2xx answer it cannot read leaves the capture's reference parked: the next attempt reads Dintero before sending", async () => {
      const { paymentId, transactionId } = await placedOrder()
      // A 200 whose body is not a transaction (outside Dintero's contract): whether money moved cannot be told from it.
      env.emulator.faults.add({ method: "POST", path: CAPTURE, kind: "status", status: 200, body: { unexpected: true }, times: 1 })
      expect((await admin.capture(paymentId, 50)).status).toBeGreaterThanOrEqual(400)
      const { payment } = await admin.ok("get", `/admin/payments/${paymentId}?fields=id,metadata`)
      expect(payment.metadata?.dintero_unresolved_references).toEqual([expect.stringContaining("5000")])

      // The next attempt reads the transaction first (nothing was applied here), then sends once.
      const reads = () => env.emulator.requests.filter((r: any) => r.method === "GET" && r.path.endsWith(transactionId)).length
      const [readsBefore, sendsBefore] = [reads(), sends("/capture")]
      expect((await admin.capture(paymentId, 50)).status).toBe(200)
      expect(reads()).toBeGreaterThan(readsBefore)
      expect(sends("/capture")).toBe(sendsBefore + 1)
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 5000, refunded: 0 })
    })

    it("a capture Dintero applied whose answer never reached the payment's data: the refund after it reads Dintero and goes through", async () => {
      const { paymentId, transactionId } = await placedOrder()
      const pg = getContainer().resolve(ContainerRegistrationKeys.PG_CONNECTION)
      const [{ data: before }] = await pg("payment").where({ id: paymentId }).select("data")
      expect((await admin.capture(paymentId, 50)).status).toBe(200)
      // What a crash after Dintero's answer and Medusa's capture row, before the payment's data was saved, leaves.
      await pg("payment").where({ id: paymentId }).update({ data: before })

      // The payment's data says nothing was captured; Dintero says 50.00. The refund reads Dintero and splits again.
      const refund = await admin.refund(paymentId, 50)
      expect([refund.status, refund.body?.message]).toEqual([200, undefined])
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 5000, refunded: 5000 })
    })

    it("shows Dintero's reason and records nothing when a 2xx capture or refund event says success: false", async () => {
      const { paymentId, transactionId } = await placedOrder()
      env.emulator.faults.add({
        kind: "operation-failure",
        operation: "capture",
        code: "INSUFFICIENT_FUNDS",
        message: "The card issuer refused the capture",
      } as any)
      const refused = await admin.capture(paymentId, 100)
      expect(refused.status).toBe(400)
      expect(refused.body.message).toContain("The card issuer refused the capture")
      expect(refused.body.message).toContain("Nothing was captured")
      // Dintero recorded the failed attempt; no money moved and Medusa recorded nothing.
      expect(tx(transactionId).events.filter((e: any) => e.event === "CAPTURE").map((e: any) => e.success)).toEqual([false])
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 0, refunded: 0 })

      expect((await admin.capture(paymentId, 100)).status).toBe(200)
      env.emulator.faults.add({ kind: "operation-failure", operation: "refund", message: "Refund declined by the acquirer" } as any)
      const refundRefused = await admin.refund(paymentId, 10)
      expect(refundRefused.status).toBe(400)
      expect(refundRefused.body.message).toContain("Refund declined by the acquirer")
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 10000, refunded: 0 })
    })

    it("says the authorization is voided when a cancel's answer was lost, and sends no capture after it", async () => {
      const { orderId, paymentId, transactionId } = await placedOrder()
      loseAnswerAndReads(VOID)
      // Medusa cancels the order even when the provider's void fails (core-flows cancelPaymentStep logs and goes on);
      // Dintero did void: the order and Dintero agree, the Medusa payment record stays uncancelled.
      expect((await admin.cancelOrder(orderId)).status).toBe(200)
      env.emulator.faults.clear()
      expect(tx(transactionId).status).toBe("AUTHORIZATION_VOIDED")

      const capture = await admin.capture(paymentId, 100)
      expect(capture.status).toBe(400)
      expect(capture.body.message).toContain(`Dintero has already voided transaction ${transactionId}`)
      expect(capture.body.message).toContain("nothing can be captured")
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 0, refunded: 0 })
    })

    it("records a void made outside Medusa (Dintero Backoffice) when the merchant cancels the order", async () => {
      const { orderId, paymentId, transactionId } = await placedOrder()
      const backoffice = merchantDinteroClient(env.emulator)
      await backoffice.checkout.voidTransaction(transactionId)
      backoffice.close()
      expect(tx(transactionId).status).toBe("AUTHORIZATION_VOIDED")

      const capture = await admin.capture(paymentId, 100)
      expect(capture.status).toBe(400)
      expect(capture.body.message).toContain("If the order is still open, cancel it in Medusa to record the void")
      expect((await admin.cancelOrder(orderId)).status).toBe(200)
      const { payment } = await admin.ok("get", `/admin/payments/${paymentId}?fields=id,canceled_at`)
      expect(payment.canceled_at).toBeTruthy()
      expect(await expectAgreement(paymentId, transactionId)).toEqual({ captured: 0, refunded: 0 })
    })
  },
})
