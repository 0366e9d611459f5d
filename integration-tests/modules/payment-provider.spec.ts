import path from "node:path"
import { moduleIntegrationTestRunner } from "@medusajs/test-utils"
import { Modules } from "@medusajs/framework/utils"
import type { IPaymentModuleService } from "@medusajs/framework/types"
import { startEmulator, type Emulator } from "../../emulator"

jest.setTimeout(120_000)

// The payment module with this plugin's provider, against the emulator. Without a booted app there is no cart, so
// sessions carry one line for the whole amount (the road taken for payment collections that have no cart).
let emulator: Emulator

const providerOptions = () => ({
  accountId: "T12345678",
  clientId: "emulator-client",
  clientSecret: "emulator-secret",
  profileId: "default",
  checkoutBaseUrl: emulator.checkoutBaseUrl,
  apiBaseUrl: emulator.apiBaseUrl,
  returnUrl: "http://localhost:8000/checkout/return",
  // Nothing listens on the discard port: the emulator's callbacks must not reach a dev store on :9000.
  backendUrl: "http://127.0.0.1:9",
})

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, callbackRetries: 0, allowInsecureCallbacks: true })
})
afterAll(async () => {
  await emulator?.close()
})

// moduleOptions is read when the suite is declared, before beforeAll: resolve lazily through a getter.
const lazyOptions = {
  providers: [
    {
      resolve: path.join(__dirname, "../../src/providers/dintero"),
      id: "dintero",
      get options() {
        return providerOptions()
      },
    },
  ],
}

moduleIntegrationTestRunner<IPaymentModuleService>({
  moduleName: Modules.PAYMENT,
  resolve: path.dirname(require.resolve("@medusajs/payment/package.json")),
  moduleOptions: lazyOptions,
  testSuite: ({ service }) => {
    beforeEach(() => emulator.reset())

    /** A payment collection and a Dintero payment session for `amount` NOK (storefront data: none). */
    async function openSession(amount: number) {
      const collection = await service.createPaymentCollections({ currency_code: "nok", amount })
      const session = await service.createPaymentSession(collection.id, {
        provider_id: "pp_dintero_dintero",
        currency_code: "nok",
        amount,
        data: {},
      })
      return { collection, session }
    }

    async function authorizedPayment(amount = 447) {
      const collection = await service.createPaymentCollections({ currency_code: "nok", amount })
      const session = await service.createPaymentSession(collection.id, {
        provider_id: "pp_dintero_dintero",
        currency_code: "nok",
        amount,
        data: { amount: 1, return_url: "https://evil.example" },
      })
      await emulator.pay(session.data!.dintero_session_id as string, "AUTHORIZED")
      const payment = await service.authorizePaymentSession(session.id, {})
      if (!payment) throw new Error("the session was not authorized")
      return { collection, session, payment }
    }

    it("registers the provider as pp_dintero_dintero", async () => {
      const providers = await service.listPaymentProviders()
      expect(providers.map((p) => p.id)).toContain("pp_dintero_dintero")
    })

    it("creates a session for the exact amount and ignores amounts sent by the storefront", async () => {
      const collection = await service.createPaymentCollections({ currency_code: "nok", amount: 447.5 })
      const session = await service.createPaymentSession(collection.id, {
        provider_id: "pp_dintero_dintero",
        currency_code: "nok",
        amount: 447.5,
        data: { amount: 1, return_url: "https://evil.example" },
      })
      const dintero = emulator.state.sessions.find((s: any) => s.id === session.data!.dintero_session_id) as any
      expect(dintero.order.amount).toBe(44750)
      expect(dintero.order.items.reduce((s: number, i: any) => s + i.amount, 0)).toBe(44750)
      expect(dintero.url.return_url).toBe("http://localhost:8000/checkout/return")
      expect(dintero.metadata.medusa_payment_session_id).toBe(session.id)
      expect(session.data!.amount).toBe(44750)
      expect(JSON.stringify(session.data)).not.toMatch(/emulator-secret|access_token/)
    })

    it("authorizes after payment, captures partially twice and refunds with exact amounts", async () => {
      const { payment } = await authorizedPayment(447)
      expect(payment.data!.transaction_id).toBeDefined()

      await service.capturePayment({ payment_id: payment.id, amount: 100 })
      await service.capturePayment({ payment_id: payment.id, amount: 347 })
      await service.refundPayment({ payment_id: payment.id, amount: 10.05 })
      await service.refundPayment({ payment_id: payment.id, amount: 10.05 })

      const tx = emulator.state.transactions.find((t: any) => t.id === payment.data!.transaction_id) as any
      expect(tx.events.filter((e: any) => e.event === "CAPTURE").map((e: any) => e.amount)).toEqual([10000, 34700])
      // Two equal refunds are two refunds, not one de-duplicated one.
      expect(tx.events.filter((e: any) => e.event === "REFUND").map((e: any) => e.amount)).toEqual([1005, 1005])
      expect(tx.status).toBe("PARTIALLY_REFUNDED")
    })

    it("does not capture twice when the first capture's response was lost", async () => {
      const { payment } = await authorizedPayment(447)
      emulator.faults.add({ method: "POST", path: "/checkout/v1/transactions/:id/capture", kind: "lose-response", times: 1 })
      await service.capturePayment({ payment_id: payment.id, amount: 200 }).catch(() => undefined)
      // Medusa either recorded it (client recovered) or deleted the row and the merchant retries.
      const current = await service.retrievePayment(payment.id, { relations: ["captures"] })
      if (current.captures!.length === 0) {
        await service.capturePayment({ payment_id: payment.id, amount: 200 })
      }
      const tx = emulator.state.transactions.find((t: any) => t.id === payment.data!.transaction_id) as any
      expect(tx.events.filter((e: any) => e.event === "CAPTURE").map((e: any) => e.amount)).toEqual([20000])
    })

    it("voids on cancel, and refuses to cancel a captured payment with a clear error", async () => {
      const first = await authorizedPayment(100)
      await service.cancelPayment(first.payment.id)
      const voided = emulator.state.transactions.find((t: any) => t.id === first.payment.data!.transaction_id) as any
      expect(voided.status).toBe("AUTHORIZATION_VOIDED")

      const second = await authorizedPayment(100)
      await service.capturePayment({ payment_id: second.payment.id })
      await expect(service.cancelPayment(second.payment.id)).rejects.toThrow(/captured/)
    })

    it("updates the Dintero session when the amount changes before payment, and not after", async () => {
      const { session } = await openSession(100)
      const updated = await service.updatePaymentSession({
        id: session.id,
        amount: 150.25,
        currency_code: "nok",
        data: session.data!,
      })
      const dintero = emulator.state.sessions.find((s: any) => s.id === session.data!.dintero_session_id) as any
      expect(dintero.order.amount).toBe(15025)
      expect(updated.data!.amount).toBe(15025)
      const put = emulator.requests.filter((r: any) => r.method === "PUT")
      expect(put).toHaveLength(1)
      expect(put[0].query.update_without_lock).toBe("true")

      // Once paid, the session is history: no further PUT reaches Dintero.
      await emulator.pay(session.data!.dintero_session_id as string, "AUTHORIZED")
      await service.authorizePaymentSession(session.id, {})
      const afterPay = await service.retrievePaymentSession(session.id)
      await service.updatePaymentSession({ id: session.id, amount: 150.25, currency_code: "nok", data: afterPay.data! })
      expect(emulator.requests.filter((r: any) => r.method === "PUT")).toHaveLength(1)
      // A new amount for a paid session is an error saying so, not a silent "updated" (issue 8 item 6).
      await expect(
        service.updatePaymentSession({ id: session.id, amount: 170, currency_code: "nok", data: afterPay.data! })
      ).rejects.toThrow(/is already paid \(transaction T12345678\.[^,]+, AUTHORIZED\); it cannot take the new amount 17000 NOK/)
      expect(emulator.requests.filter((r: any) => r.method === "PUT")).toHaveLength(1)
    })

    it("deletes sessions without error whether they are open, gone or paid", async () => {
      const { collection, session: open } = await openSession(100)
      await service.deletePaymentSession(open.id)
      const cancelled = emulator.state.sessions.find((s: any) => s.id === open.data!.dintero_session_id) as any
      expect(cancelled.cancelled_at).toBeDefined()

      const paid = await service.createPaymentSession(collection.id, {
        provider_id: "pp_dintero_dintero",
        currency_code: "nok",
        amount: 100,
        data: {},
      })
      await emulator.pay(paid.data!.dintero_session_id as string, "AUTHORIZED")
      emulator.faults.add({ method: "POST", path: "/checkout/v1/sessions/:id/cancel", kind: "status", status: 404 })
      await expect(service.deletePaymentSession(paid.id)).resolves.toBeUndefined()
    })

    it("never cancels a Dintero session that belongs to another payment session", async () => {
      const { collection, session: victim } = await openSession(100)
      // What a storefront could send as `data` when Medusa hands it back to deletePayment after a failed create.
      const forged = await service.createPaymentSession(collection.id, {
        provider_id: "pp_dintero_dintero",
        currency_code: "nok",
        amount: 100,
        data: {},
      })
      await service.updatePaymentSession({
        id: forged.id,
        amount: 100,
        currency_code: "nok",
        data: { ...forged.data!, dintero_session_id: victim.data!.dintero_session_id, dintero_status: "x" },
      })
      await service.deletePaymentSession(forged.id)
      const dintero = emulator.state.sessions.find((s: any) => s.id === victim.data!.dintero_session_id) as any
      expect(dintero.cancelled_at).toBeUndefined()
    })

    it("refuses a transaction whose amount, currency or merchant reference does not match the session", async () => {
      for (const tamper of [
        (tx: any) => (tx.amount = tx.amount - 1),
        (tx: any) => (tx.currency = "SEK"),
        (tx: any) => (tx.merchant_reference = "another-cart"),
      ]) {
        const { session } = await openSession(100)
        const paid = await emulator.pay(session.data!.dintero_session_id as string, "AUTHORIZED")
        tamper(emulator.state.transactions.find((t: any) => t.id === paid.transaction!.id))
        await expect(service.authorizePaymentSession(session.id, {})).rejects.toThrow(/not authorized/)
        const after = await service.retrievePaymentSession(session.id)
        expect(after.status).toBe("error")
        expect(after.data!.dintero_error).toMatch(/mismatch/)
      }
    })

    it("maps every Dintero outcome to Medusa's session status", async () => {
      const outcomes: [string, string][] = [
        ["ON_HOLD", "pending_authorization"],
        // A decline or failure is recorded but keeps the session payable: the shopper may pay again on the same
        // Dintero page (issue 9: money held, no order).
        ["DECLINED", "pending"],
        ["FAILED", "pending"],
      ]
      for (const [outcome, status] of outcomes) {
        const { session } = await openSession(100)
        await emulator.pay(session.data!.dintero_session_id as string, outcome as any)
        const payment = await service.authorizePaymentSession(session.id, {}).catch(() => null)
        expect(payment).toBeNull()
        expect([outcome, (await service.retrievePaymentSession(session.id)).status]).toEqual([outcome, status])
      }
    })

    it("reports a pending session until the shopper pays", async () => {
      const { session } = await openSession(10)
      await expect(service.authorizePaymentSession(session.id, {})).rejects.toThrow(/not authorized/)
      const after = await service.retrievePaymentSession(session.id)
      expect(after.status).toBe("pending")
    })
  },
})
