import { DinteroClient } from "../../../../dintero"
import { toMinorUnits } from "../../../../mapping/money"
import { profileProbes } from "../../../../mapping/payment-profile"
import type { DinteroOptions } from "../../../../providers/dintero/options"
import { medusaVersion } from "../../../../lib/dintero-registry"
import { dinteroFailure } from "./views"
import type { ConnectionCheck, ConnectionTestResponse } from "./wire-types"


/** Merchant reference of the probe session, so it is recognisable in Backoffice. */
export const CONNECTION_TEST_REFERENCE = "medusa-connection-test"

/**
 * Tests the configuration the way checkout uses it.
 *
 * 1. Token: a fresh client (no cached token) asks Dintero for an access token with the configured client id and
 *    secret, so rotated or revoked credentials show up now and not at the next checkout.
 * 2. Profiles: the Checkout API offers no read of a payment profile in the contract this plugin uses, and a request
 *    that is invalid on purpose would not say whether the profile was the problem. So the test does what checkout
 *    does, once per configured payment profile and in the currency that profile is used in (`profiles[].currency`;
 *    the default `profileId` in `defaultCurrency`, the store's): it creates a session of 1.00 in that currency (no
 *    callback, merchant reference "medusa-connection-test") and cancels it at once. Nobody can pay a cancelled
 *    session; no money moves. Dintero rejects an unknown profile, or one that does not take the currency, with its
 *    own message, which is returned as is. Every profile is checked, also after a failure, so the merchant sees them
 *    all.
 */
export async function testDinteroConnection(
  options: DinteroOptions,
  opts: { defaultCurrency?: string } = {}
): Promise<ConnectionTestResponse> {
  const started = Date.now()
  const checks: ConnectionCheck[] = []
  const client = new DinteroClient({
    accountId: options.accountId,
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    checkoutBaseUrl: options.checkoutBaseUrl,
    apiBaseUrl: options.apiBaseUrl,
    timeoutMs: Math.min(options.timeoutMs, 15_000),
    // One attempt each: the merchant wants the answer now, not after back-off.
    retry: { retries: 0 },
    system: { name: "medusa", version: medusaVersion() },
  })
  let firstError: ConnectionTestResponse["error"] = null
  const done = (): ConnectionTestResponse => ({
    ok: firstError === null,
    account_id: options.accountId,
    checks,
    error: firstError,
    duration_ms: Date.now() - started,
  })
  try {
    try {
      await client.getAccessToken()
      checks.push({ name: "token", ok: true, message: `Dintero issued an access token for account ${options.accountId}.` })
    } catch (e) {
      firstError = dinteroFailure(e, options.apiBaseUrl)
      checks.push({ name: "token", ok: false, message: firstError.message })
      return done()
    }
    for (const probe of profileProbes(options, opts.defaultCurrency ?? "NOK")) {
      const { profileId, currency } = probe
      const amount = toMinorUnits("1", currency)
      try {
        const session = await client.checkout.createSession(
          {
            profile_id: profileId,
            url: { return_url: options.returnUrl },
            order: {
              amount,
              currency,
              merchant_reference: CONNECTION_TEST_REFERENCE,
              items: [
                { id: "connection-test", line_id: "1", description: "Connection test (cancelled at once)", quantity: 1, amount, vat_amount: 0, vat: 0 },
              ],
            },
            metadata: { medusa_connection_test: "true" },
          } as Parameters<typeof client.checkout.createSession>[0],
          { strictAmounts: true }
        )
        let cancelled = true
        try {
          await client.checkout.cancelSession(session.id)
        } catch {
          // The profile check itself passed; an uncancelled probe session simply expires unpaid.
          cancelled = false
        }
        checks.push({
          name: "profile",
          ok: true,
          profile_id: profileId,
          currency,
          message: `Payment profile "${profileId}" accepted a 1.00 ${currency} test session${cancelled ? ", which was cancelled at once" : " (it could not be cancelled and will expire unpaid)"}.`,
        })
      } catch (e) {
        const error = dinteroFailure(e, options.checkoutBaseUrl)
        firstError ??= error
        checks.push({ name: "profile", ok: false, profile_id: profileId, currency, message: `Payment profile "${profileId}" (${currency}): ${error.message}` })
      }
    }
    return done()
  } finally {
    client.close()
  }
}
