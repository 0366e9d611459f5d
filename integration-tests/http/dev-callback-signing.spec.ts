import axios from "axios"
import { signCallback } from "../../src/dintero"
import { devStoreOptions } from "../../scripts/lib/dev-options"
import { callbackSigning } from "../../scripts/lib/dev-store"
import { dinteroTestSuite } from "../utils/dintero-test-suite"

jest.setTimeout(180_000)

// README, "npm run dev": with DINTERO_CALLBACK_SECRET set, the dev store's emulator signs its callbacks and the plugin
// verifies them. What `npm run dev` makes of its environment (scripts/dev.ts: devStoreOptions) and how the dev store
// wires that secret into the emulator and into Medusa's environment, which medusa-config.ts reads (callbackSigning),
// are both startDevStore's own code; the emulator and Medusa are booted for real from what they give.
const SECRET = "dev-store-callback-secret"
const signing = callbackSigning(devStoreOptions({ DINTERO_CALLBACK_SECRET: SECRET }, { url: "http://localhost:8000", returnUrl: "http://localhost:8000/return.html" }))

const env = dinteroTestSuite({
  environment: { emulator: signing.emulator, env: signing.medusaEnv as Record<string, string> },
  testSuite: ({ getContainer, seeded, store }) => {
    it("npm run dev with DINTERO_CALLBACK_SECRET: the emulator signs its callbacks, the plugin takes them and refuses another secret's", async () => {
      const cart = await store.prepareCart({
        regionId: seeded.regionId,
        shippingOptionId: seeded.shippingOptionId,
        items: [{ variant_id: seeded.variants.outdoor, quantity: 1 }],
      })
      const { session } = await store.initiatePaymentSession(cart.id)
      await env.emulator.pay(session.data.dintero_session_id as string, "AUTHORIZED")
      await env.emulator.waitForCallbacks()

      // The emulator's own callback, signed, accepted: it completed the cart (the shopper never came back).
      const [delivery] = env.emulator.callbacks
      expect(delivery.signature).toBe(true)
      expect(delivery.attempts.map((a) => a.status)).toEqual([200])
      const query = getContainer().resolve("query")
      const { data } = await query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: cart.id } })
      expect(data).toHaveLength(1)

      // The same callback signed with another secret, or not at all: refused, so the plugin does verify.
      const send = (signature?: string) =>
        axios.request({ method: delivery.method, url: delivery.url, headers: signature ? { "Dintero-Signature": signature } : {}, validateStatus: () => true })
      const signedWith = (secret: string) =>
        signCallback({ secret, accountId: env.emulator.options.accountId, method: delivery.method, url: delivery.url, timestamp: Math.floor(Date.now() / 1000) })
      expect((await send(signedWith("another-secret"))).status).toBe(401)
      expect((await send()).status).toBe(401)
      // Positive control: the dev store's secret is taken on the same URL.
      expect((await send(signedWith(SECRET))).status).toBe(200)
    })

    it("without DINTERO_CALLBACK_SECRET, npm run dev neither signs nor verifies", () => {
      const unset = callbackSigning(devStoreOptions({ DINTERO_CALLBACK_SECRET: "" }, { url: "http://localhost:8000", returnUrl: "http://localhost:8000/return.html" }))
      expect(unset).toEqual({ emulator: {}, medusaEnv: {} })
      // Positive control: the same reading with the secret set wires it into both.
      expect(signing).toEqual({ emulator: { signatureSecret: SECRET }, medusaEnv: { DINTERO_CALLBACK_SECRET: SECRET } })
    })
  },
})
