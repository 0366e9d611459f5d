// Shared setup for the client-*.spec.ts contract tests: the real client against the in-process emulator.
import { DinteroClient, DinteroClientConfig, SessionCreate } from "../../src/dintero"
import type { Emulator } from "../../emulator"

export const ACCOUNT_ID = "T12345678"
export const CLIENT_ID = "emulator-client"
export const CLIENT_SECRET = "emulator-secret"

export interface CapturedLogger {
  lines: string[]
  logger: Required<NonNullable<DinteroClientConfig["logger"]>>
}

export function captureLogger(): CapturedLogger {
  const lines: string[] = []
  const push = (level: string) => (message: string) => {
    lines.push(`${level} ${message}`)
  }
  return { lines, logger: { debug: push("debug"), info: push("info"), warn: push("warn"), error: push("error") } }
}

export function makeClient(emulator: Emulator, overrides: Partial<DinteroClientConfig> = {}): DinteroClient {
  return new DinteroClient(clientConfig(emulator, overrides))
}

/** The configuration makeClient uses: the emulator's credentials and URLs, short retries. */
export function clientConfig(emulator: Emulator, overrides: Partial<DinteroClientConfig> = {}): DinteroClientConfig {
  return {
    accountId: ACCOUNT_ID,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    checkoutBaseUrl: emulator.checkoutBaseUrl,
    apiBaseUrl: emulator.apiBaseUrl,
    timeoutMs: 5000,
    retry: { retries: 3, baseDelayMs: 10, maxDelayMs: 3000 },
    system: { version: "2.21.2" },
    ...overrides,
  }
}

let counter = 0

/** A valid session: 29990 chair + 3900 shipping = 33890 NOK. */
export function sessionBody(overrides: Partial<SessionCreate["order"]> = {}): SessionCreate {
  counter += 1
  return {
    profile_id: "default",
    url: { return_url: "https://shop.example/return" },
    order: {
      amount: 33890,
      currency: "NOK",
      merchant_reference: `cart_contract_${Date.now()}_${counter}`,
      vat_amount: 6778,
      items: [
        { id: "chair-1", line_id: "1", description: "Stablestol", quantity: 1, amount: 29990, vat_amount: 5998, vat: 25 },
      ],
      shipping_option: {
        id: "std",
        line_id: "shipping-std",
        amount: 3900,
        vat_amount: 780,
        vat: 25,
        title: "Standard",
        operator: "Bring",
      },
      ...overrides,
    },
  }
}

/** Creates a session and pays it in the emulator; returns the authorized transaction id. */
export async function paidTransaction(
  client: DinteroClient,
  emulator: Emulator,
  outcome: "AUTHORIZED" | "ON_HOLD" = "AUTHORIZED",
  paymentProductType?: string
): Promise<{ sessionId: string; transactionId: string; merchantReference: string }> {
  const body = sessionBody()
  const created = await client.checkout.createSession(body)
  const paid = await emulator.pay(
    created.id,
    outcome,
    paymentProductType ? { payment_product_type: paymentProductType } : undefined
  )
  if (!paid.transaction) throw new Error("emulator.pay returned no transaction")
  return { sessionId: created.id, transactionId: paid.transaction.id, merchantReference: body.order.merchant_reference }
}

/** Resolves with the rejection of `promise` (fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<any> {
  try {
    await promise
  } catch (err) {
    return err
  }
  throw new Error("expected the call to fail, it succeeded")
}

const STRIPPED_PREFIXES = ["/checkout/v1", "/api/v1/accounts/T12345678/shopping", "/api/v1"]

/**
 * Whether a request-log path is `fullPath`. The emulator currently logs handled requests with the router's mount
 * prefix stripped (req.path at "finish"), faulted ones with the full path; accept both.
 */
export function isLoggedPath(logged: string, fullPath: string): boolean {
  return logged === fullPath || STRIPPED_PREFIXES.some((prefix) => prefix + logged === fullPath)
}

export function countRequests(emulator: Emulator, method: string, fullPath: string): number {
  return emulator.requests.filter((r) => r.method === method && isLoggedPath(r.path, fullPath)).length
}
