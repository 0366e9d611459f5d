import { AdminApi } from "../../scripts/lib/store-api"
import { dinteroTestSuite } from "../utils/dintero-test-suite"
import { DEFAULTS } from "../../emulator"
import { dinteroOrder, placeOnHold, waitForMirror } from "./orders-mirror-helpers"

jest.setTimeout(180_000)

const CALLBACK_SECRET = "admin-spec-callback-secret"
const env = dinteroTestSuite({
  environment: {
    emulator: { signatureSecret: CALLBACK_SECRET },
    env: { DINTERO_CALLBACK_SECRET: CALLBACK_SECRET },
  },
  testSuite: ({ api, getContainer, seeded, store, admin }) => {
    beforeEach(() => {
      // The dev store's four profiles (NOK, SEK, DKK, EUR), as the emulator starts with them.
      env.emulator.options.profiles = [...DEFAULTS.profiles]
    })

    async function placedOrder(quantity = 2) {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity }],
      })
      const { session } = await store.initiatePaymentSession(cart.id)
      const paid = await env.emulator.pay(session.data.dintero_session_id, "AUTHORIZED", {
        payment_product_type: "dintero_psp.vipps",
      })
      const completed = await store.completeCart(cart.id)
      expect(completed.body.type).toBe("order")
      await env.emulator.waitForCallbacks()
      const order = await admin.getOrder(completed.body.order.id)
      return { order, payment: order.payment_collections[0].payments[0], transactionId: paid.transaction!.id }
    }

    const secrets = () => ["emulator-secret", CALLBACK_SECRET, ...env.emulator.issuedTokens()]

    it("refuses the admin routes without an admin session", async () => {
      const anonymous = new AdminApi(api)
      expect((await anonymous.request("get", "/admin/dintero/settings")).status).toBe(401)
      expect((await anonymous.request("post", "/admin/dintero/settings/test-connection")).status).toBe(401)
      expect((await anonymous.request("get", "/admin/dintero/payments?order_id=order_x")).status).toBe(401)
    })

    it("shows the configuration in use with the secrets masked", async () => {
      const res = await admin.request("get", "/admin/dintero/settings")
      expect(res.status).toBe(200)
      expect(res.body.configured).toBe(true)
      expect(res.body.settings).toEqual(
        expect.objectContaining({
          account_id: "T12345678",
          environment: "test",
          client_id: "emulator-client",
          client_secret: "********",
          // No default profile: a profile per market (medusa-config.ts).
          profile_id: null,
          checkout_base_url: env.emulator.checkoutBaseUrl,
          api_base_url: env.emulator.apiBaseUrl,
          backend_url: env.backendUrl,
          callback_url: `${env.backendUrl}/hooks/dintero/callback?report_error=true`,
          callback_signature: "verified",
          callback_secret: "********",
          auto_capture: false,
          backoffice_url: "https://backoffice.dintero.com/T12345678",
        })
      )
      expect(res.body.settings.profiles).toEqual([
        { profile_id: "default", currency: "NOK", countries: [], regions: [], scope: "currency" },
        { profile_id: "sweden", currency: "SEK", countries: ["SE"], regions: [], scope: "markets" },
        { profile_id: "denmark", currency: "DKK", countries: ["DK"], regions: [], scope: "markets" },
        { profile_id: "finland", currency: "EUR", countries: ["FI"], regions: [], scope: "markets" },
      ])
      const json = JSON.stringify(res.body)
      for (const secret of secrets()) expect(json).not.toContain(secret)
    })

    it("tests the connection: a fresh token and every profile in its own currency, leaving only cancelled probe sessions", async () => {
      const tokensBefore = env.emulator.tokenRequests()
      const res = await admin.request("post", "/admin/dintero/settings/test-connection")
      expect(res.status).toBe(200)
      expect(res.body.ok).toBe(true)
      expect(res.body.checks.map((c: any) => [c.name, c.ok, c.profile_id, c.currency])).toEqual([
        ["token", true, undefined, undefined],
        ["profile", true, "default", "NOK"],
        ["profile", true, "sweden", "SEK"],
        ["profile", true, "denmark", "DKK"],
        ["profile", true, "finland", "EUR"],
      ])
      expect(res.body.checks[2].message).toBe('Payment profile "sweden" accepted a 1.00 SEK test session, which was cancelled at once.')
      expect(res.body.error).toBeNull()
      // A fresh token, not the provider's cached one.
      expect(env.emulator.tokenRequests()).toBe(tokensBefore + 1)
      const probes = env.emulator.state.sessions.filter((s: any) => s.order.merchant_reference === "medusa-connection-test")
      // Each in its profile's own currency (the emulator refuses a currency a profile does not take).
      expect(probes.map((p: any) => [p.metadata["session:profile_id"], p.order.currency, p.order.amount])).toEqual([
        ["default", "NOK", 100],
        ["sweden", "SEK", 100],
        ["denmark", "DKK", 100],
        ["finland", "EUR", 100],
      ])
      expect(probes.every((p: any) => p.cancelled_at)).toBe(true)
      expect(env.emulator.state.transactions).toHaveLength(0)
      for (const secret of secrets()) expect(JSON.stringify(res.body)).not.toContain(secret)
    })

    it("reports Dintero's own message for each profile it refuses, and checks the others", async () => {
      env.emulator.options.profiles = ["default", "denmark"]
      env.emulator.options.profileCurrencies = { ...env.emulator.options.profileCurrencies, denmark: ["NOK"] }
      try {
        const res = await admin.request("post", "/admin/dintero/settings/test-connection")
        expect(res.status).toBe(200)
        expect(res.body.ok).toBe(false)
        expect(res.body.checks.map((c: any) => [c.name, c.ok, c.profile_id])).toEqual([
          ["token", true, undefined],
          ["profile", true, "default"],
          ["profile", false, "sweden"],
          ["profile", false, "denmark"],
          ["profile", false, "finland"],
        ])
        expect(res.body.error.status).toBe(400)
        expect(res.body.checks[2].message).toContain('Payment profile "sweden" (SEK)')
        expect(JSON.stringify(res.body.error)).toContain("payment profile sweden not found")
        expect(res.body.checks[3].message).toContain("payment profile denmark does not take DKK")
        expect(env.emulator.state.sessions.map((s: any) => s.metadata["session:profile_id"])).toEqual(["default"])
      } finally {
        env.emulator.options.profileCurrencies = { ...env.emulator.options.profileCurrencies, denmark: ["DKK"] }
      }
    })

    it("reports a refused token and an unreachable Dintero clearly", async () => {
      env.emulator.faults.add({ method: "POST", path: "/api/v1/accounts/:aid/auth/token", kind: "status", status: 401, times: 1 })
      const refused = await admin.request("post", "/admin/dintero/settings/test-connection")
      expect(refused.body.ok).toBe(false)
      expect(refused.body.checks).toEqual([expect.objectContaining({ name: "token", ok: false })])
      expect(refused.body.error).toEqual(expect.objectContaining({ kind: "dintero", status: 401 }))
      expect(refused.body.error.message).toContain("401")

      env.emulator.faults.add({ method: "POST", path: "/api/v1/accounts/:aid/auth/token", kind: "reset", times: 5 })
      const down = await admin.request("post", "/admin/dintero/settings/test-connection")
      expect(down.body.ok).toBe(false)
      expect(down.body.error.kind).toBe("unreachable")
      expect(down.body.error.message).toContain(`Dintero could not be reached at ${env.emulator.apiBaseUrl}`)
      for (const secret of secrets()) expect(JSON.stringify([refused.body, down.body])).not.toContain(secret)
    })

    it("shows the live transaction with amounts from Dintero's events after captures and a refund", async () => {
      const { order, payment, transactionId } = await placedOrder(2)
      const fresh = await admin.request("get", `/admin/dintero/payments?order_id=${order.id}`)
      expect(fresh.status).toBe(200)
      expect(fresh.body.payments).toHaveLength(1)
      expect(fresh.body.payments[0]).toEqual(
        expect.objectContaining({
          payment_id: payment.id,
          transaction_id: transactionId,
          environment: "test",
          backoffice_url: `https://backoffice.dintero.com/T12345678/payments/transactions/${transactionId}`,
          dintero_error: null,
        })
      )
      expect(fresh.body.payments[0].transaction).toEqual(
        expect.objectContaining({
          status: "AUTHORIZED",
          payment_product_type: "dintero_psp.vipps",
          currency: "NOK",
          authorized_amount: 44700,
          captured_amount: 0,
          refunded_amount: 0,
          capturable_amount: 44700,
        })
      )

      expect((await admin.capture(payment.id, 100)).status).toBe(200)
      expect((await admin.capture(payment.id, 347)).status).toBe(200)
      expect((await admin.refund(payment.id, 49.5)).status).toBe(200)

      const after = await admin.request("get", `/admin/dintero/payments/${payment.id}`)
      expect(after.status).toBe(200)
      expect(after.body.payment.transaction).toEqual(
        expect.objectContaining({
          status: "PARTIALLY_REFUNDED",
          authorized_amount: 44700,
          captured_amount: 44700,
          refunded_amount: 4950,
          capturable_amount: 0,
        })
      )
      // The amounts are Dintero's: they match the emulator's own events.
      const tx = env.emulator.state.transactions.find((t: any) => t.id === transactionId) as any
      const sum = (kind: string) => tx.events.filter((e: any) => e.event === kind).reduce((s: number, e: any) => s + e.amount, 0)
      expect(after.body.payment.transaction.captured_amount).toBe(sum("CAPTURE"))
      expect(after.body.payment.transaction.refunded_amount).toBe(sum("REFUND"))
      expect(after.body.payment.transaction.events.map((e: any) => e.event)).toEqual(tx.events.map((e: any) => e.event))
      for (const secret of secrets()) expect(JSON.stringify(after.body)).not.toContain(secret)
    })

    it("says clearly when Dintero cannot be reached, and still shows what Medusa knows", async () => {
      const { order, transactionId } = await placedOrder(1)
      env.emulator.faults.add({ method: "GET", path: "/checkout/v1/transactions/:id", kind: "reset", times: 20 })
      const res = await admin.request("get", `/admin/dintero/payments?order_id=${order.id}`)
      expect(res.status).toBe(200)
      const [payment] = res.body.payments
      expect(payment.transaction).toBeNull()
      expect(payment.transaction_id).toBe(transactionId)
      expect(payment.last_known_status).toBe("AUTHORIZED")
      expect(payment.backoffice_url).toContain(transactionId)
      expect(payment.dintero_error.kind).toBe("unreachable")
      expect(payment.dintero_error.message).toMatch(/^Dintero could not be reached at http:\/\/127\.0\.0\.1:\d+\/checkout\/v1: /)
    })

    it("answers 404 for an unknown order or payment", async () => {
      expect((await admin.request("get", "/admin/dintero/payments?order_id=order_missing")).status).toBe(404)
      expect((await admin.request("get", "/admin/dintero/payments/pay_missing")).status).toBe(404)
      expect((await admin.request("get", "/admin/dintero/payments")).status).toBe(400)
    })

    it("refuses malformed queries and bodies with Medusa's validation error, before the route runs", async () => {
      const badQuery = await admin.request("get", "/admin/dintero/orders/order_missing?dintero=maybe")
      expect(badQuery.status).toBe(400)
      expect(JSON.stringify(badQuery.body)).toContain("dintero")
      const badBody = await admin.request("post", "/admin/dintero/orders/order_missing/retry", { everything: true })
      expect(badBody.status).toBe(400)
      expect(JSON.stringify(badBody.body)).toContain("everything")
      const badTest = await admin.request("post", "/admin/dintero/settings/test-connection", { profile: "x" })
      expect(badTest.status).toBe(400)
      // Positive control: the same routes answer with well-formed input.
      expect((await admin.request("get", "/admin/dintero/orders/order_missing?dintero=true")).status).toBe(200)
    })

    it("Retry on an order's mirror runs a waiting operation now, without waiting for the scheduled job", async () => {
      // The scheduled job runs every minute here (the default): an operation waiting for a payment on hold is not
      // due before its next_attempt_at, a minute after its attempt, so within the deadline below only Retry runs it.
      const { orderId, transactionId, waiting } = await placeOnHold(store, admin, env.emulator, seeded, getContainer())
      expect(new Date(waiting.next_attempt_at).getTime() - Date.now()).toBeGreaterThan(30_000)
      await env.emulator.resolveOnHold(transactionId, "AUTHORIZED")
      await env.emulator.waitForCallbacks()
      const retried = await admin.ok("post", `/admin/dintero/orders/${orderId}/retry`, {})
      expect(retried.reset).toContain(waiting.id)
      const mirror = await waitForMirror(admin, orderId, (m) => m.operations[0].status === "done", 20_000)
      expect(mirror.operations[0].attempts).toBeGreaterThanOrEqual(2)
      expect(dinteroOrder(env.emulator, mirror.dintero_order_mirror.dintero_order_id).operations.authorizations).toEqual([
        expect.objectContaining({ payment_details: expect.objectContaining({ payment_id: transactionId }) }),
      ])
    })
  },
})

