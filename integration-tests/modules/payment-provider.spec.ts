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
  backendUrl: "http://localhost:9000",
})

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, callbackRetries: 0 })
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

    it("reports a pending session until the shopper pays", async () => {
      const collection = await service.createPaymentCollections({ currency_code: "nok", amount: 10 })
      const session = await service.createPaymentSession(collection.id, {
        provider_id: "pp_dintero_dintero",
        currency_code: "nok",
        amount: 10,
        data: {},
      })
      await expect(service.authorizePaymentSession(session.id, {})).rejects.toThrow(/not authorized/)
      const after = await service.retrievePaymentSession(session.id)
      expect(after.status).toBe("pending")
    })
  },
})
