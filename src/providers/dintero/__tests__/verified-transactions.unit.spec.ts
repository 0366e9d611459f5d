import { startEmulator, type Emulator } from "../../../../emulator"
import { DinteroClient } from "../../../dintero"
import { parseDinteroOptions } from "../options"
import type { DinteroPaymentData } from "../payment-data"
import { PaymentStatus } from "../payment-status"
import { inProcessVerifiedTransactions } from "../../../lib/verified-transactions"

// The callback's verified-transaction shortcut is a cache: authorizePayment must answer exactly the same with it
// warm or cold, the cold road costing one Dintero read more. Checked against the emulator over real HTTP.
describe("verified transactions are a cache whose loss changes nothing but speed", () => {
  let emulator: Emulator
  let client: DinteroClient
  let data: DinteroPaymentData

  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 })
    client = new DinteroClient({
      accountId: "T12345678",
      clientId: "emulator-client",
      clientSecret: "emulator-secret",
      checkoutBaseUrl: emulator.checkoutBaseUrl,
      apiBaseUrl: emulator.apiBaseUrl,
      timeoutMs: 5000,
    })
    const created = await client.checkout.createSession({
      profile_id: "default",
      url: { return_url: "https://shop.example/return" },
      order: {
        amount: 29990,
        currency: "NOK",
        merchant_reference: "cart_cache",
        items: [{ id: "chair", line_id: "cali_1", description: "Chair", quantity: 1, amount: 29990, vat_amount: 5998, vat: 25 }],
      },
      metadata: { medusa_payment_session_id: "payses_cache" },
    })
    await emulator.pay(created.id, "AUTHORIZED")
    data = {
      session_id: "payses_cache",
      dintero_session_id: created.id,
      checkout_url: created.url,
      merchant_reference: "cart_cache",
      amount: 29990,
      currency: "NOK",
    }
  })

  afterAll(async () => {
    client?.close()
    await emulator?.close()
  })

  const options = parseDinteroOptions({
    accountId: "T12345678",
    clientId: "emulator-client",
    clientSecret: "emulator-secret",
    profileId: "default",
    returnUrl: "https://shop.example/return",
    backendUrl: "https://api.shop.example",
  })
  const transactionReads = () => emulator.requests.filter((r) => r.path.includes("/transactions")).length

  async function authorize(cache: ReturnType<typeof inProcessVerifiedTransactions>) {
    const before = transactionReads()
    const result = await new PaymentStatus({ cradle: {}, client, options }, cache).read(data)
    return { result, reads: transactionReads() - before }
  }

  it("answers the same warm and cold; only the cold road reads Dintero", async () => {
    const cold = await authorize(inProcessVerifiedTransactions())

    const warmCache = inProcessVerifiedTransactions()
    warmCache.remember(await client.checkout.getTransaction(cold.result.data!.transaction_id as string))
    const warm = await authorize(warmCache)

    expect(cold.result.status).toBe("authorized")
    expect(warm.result).toEqual(cold.result)
    expect([warm.reads, cold.reads]).toEqual([0, 1]) // positive control: the warm entry was really used
  })

  it("is taken once, and an entry past its 15 s is ignored", async () => {
    let t = 1_000_000
    const cache = inProcessVerifiedTransactions(() => t)
    const tx = await client.checkout.getTransaction((await authorize(inProcessVerifiedTransactions())).result.data!.transaction_id as string)
    cache.remember(tx)
    expect((await authorize(cache)).reads).toBe(0)
    expect((await authorize(cache)).reads).toBe(1)

    cache.remember(tx)
    t += 15_001
    const expired = await authorize(cache)
    expect(expired.reads).toBe(1)
    expect(expired.result.status).toBe("authorized")
  })
})
