import { z } from "zod"
import {
  API_BASE_URL_HINT,
  CHECKOUT_BASE_URL_HINT,
  accountIdField,
  httpUrl,
  requiredText,
  timeoutMsField,
} from "../../dintero/option-fields"
import { DINTERO_CURRENCIES, profileConflicts } from "../../mapping/payment-profile"
import { assertReturnUrlTemplate } from "../../mapping/return-url"
import { DEFAULT_RELEASE_AFTER_MINUTES } from "../../mapping/completion-failure"
import { messageOf } from "../../lib/error-message"

/**
 * Options of the Dintero payment provider, validated at boot. A bad option stops Medusa with a message naming it;
 * values are never echoed back (some are secrets).
 */

const currencies = DINTERO_CURRENCIES.join(", ")

/**
 * One payment profile of a store that sells in several markets: the currency it takes and, optionally, the markets it
 * serves. Which entry a session uses is decided in src/mapping/payment-profile.ts (country > region > currency >
 * default).
 */
const paymentProfileSchema = z
  .object({
    id: requiredText("the Dintero payment profile id"),
    currency: z
      .string({ error: `is required (the ISO 4217 currency the profile takes: ${currencies})` })
      .trim()
      .regex(/^[A-Za-z]{3}$/, `must be an ISO 4217 code such as NOK (one of ${currencies})`)
      .transform((v) => v.toUpperCase()),
    countries: z
      .array(
        z
          .string({ error: "must be ISO 3166-1 alpha-2 country codes such as NO" })
          .trim()
          .regex(/^[A-Za-z]{2}$/, "must be an ISO 3166-1 alpha-2 country code such as NO")
          .transform((v) => v.toUpperCase()),
        { error: 'must be a list of country codes, e.g. ["NO"]' }
      )
      .optional(),
    regions: z
      .array(requiredText("a Medusa region id, e.g. reg_01J..."), { error: 'must be a list of Medusa region ids, e.g. ["reg_01J..."]' })
      .optional(),
  })
  .strict()

const paymentProfilesSchema = z
  .array(paymentProfileSchema, { error: "must be a list of payment profiles ({ id, currency, countries?, regions? })" })
  .min(1, "must list at least one payment profile when given")
  .superRefine((profiles, ctx) => {
    for (const [path, message] of profileConflicts(profiles)) ctx.addIssue({ code: "custom", path, message })
  })

export const dinteroOptionsSchema = z
  .object({
    /** Dintero account id: T + 8 digits for test, P + 8 digits for production. */
    accountId: accountIdField(),
    clientId: requiredText("the API client id from Dintero Backoffice"),
    clientSecret: requiredText("the API client secret from Dintero Backoffice"),
    /**
     * Payment profile id; new accounts have "default". With `profiles`, the profile for sessions no entry matches
     * (optional then: without it such sessions are refused).
     */
    profileId: requiredText("the payment profile id, e.g. default").optional(),
    /** Payment profiles per market (currency, and optionally countries or Medusa regions). */
    profiles: paymentProfilesSchema.optional(),
    checkoutBaseUrl: httpUrl(CHECKOUT_BASE_URL_HINT).default(
      "https://checkout.dintero.com/v1"
    ),
    apiBaseUrl: httpUrl(API_BASE_URL_HINT).default("https://api.dintero.com/v1"),
    /** Storefront page Dintero redirects the shopper to after payment; it completes the cart. */
    returnUrl: httpUrl("the storefront return URL, e.g. https://shop.example/checkout/dintero/return", false).superRefine(
      (v, ctx) => {
        try {
          assertReturnUrlTemplate(v) // a mistyped {placeholder} stops boot instead of failing the first checkout
        } catch (e) {
          ctx.addIssue({ code: "custom", message: messageOf(e) })
        }
      }
    ),
    /**
     * Public URL of this Medusa backend as Dintero reaches it; callbacks go to `${backendUrl}/hooks/dintero/callback`.
     * Also the URL the callback signature is computed over, so it must be the one Dintero calls (proxies included).
     */
    backendUrl: httpUrl("the public URL of this Medusa backend, e.g. https://api.shop.example"),
    /** Capture at authorization (Dintero `configuration.auto_capture`). Off by default: capture when you ship. */
    autoCapture: z.boolean({ error: "must be true or false" }).default(false),
    /**
     * Dintero callback signature secret. When set, callbacks without a valid Dintero-Signature are rejected.
     */
    callbackSecret: z.string({ error: "must be a string" }).trim().min(1, "must not be empty when given").optional(),
    /** How long the shopper may take to pay, in minutes (Dintero session `expires_at`). */
    sessionLifetimeMinutes: z
      .number({ error: "must be a number of minutes" })
      .int("must be a whole number of minutes")
      .min(5, "must be at least 5 minutes")
      .max(60 * 24 * 7, "must be at most 7 days (10080 minutes)")
      .default(240),
    /** Timeout of one HTTP request to Dintero, in milliseconds. */
    timeoutMs: timeoutMsField().default(15_000),
    /**
     * Seconds Dintero waits before the first callback (0 to 60). The shopper's own return normally completes the cart
     * within a second or two; a short delay lets it, so the callback (the safety net for shoppers who never come
     * back) finds the order made and costs nothing, instead of racing the return for the same cart.
     */
    callbackDelaySeconds: z
      .number({ error: "must be a number of seconds" })
      .int("must be a whole number of seconds")
      .min(0, "must be between 0 and 60")
      .max(60, "must be between 0 and 60")
      .default(10),
    /**
     * Minutes a paid cart may keep failing to complete (stock gone after payment, a variant deleted, a price change)
     * before the plugin stops trying and releases the money: voids the authorization (refunds a capture) with the
     * reason recorded (settle-payment.ts). Counted from the first failed attempt, recorded in the database.
     */
    releaseUncompletableCartAfterMinutes: z
      .number({ error: "must be a number of minutes" })
      .int("must be a whole number of minutes")
      .min(5, "must be at least 5 minutes")
      .max(60 * 24 * 7, "must be at most 7 days (10080 minutes)")
      .default(DEFAULT_RELEASE_AFTER_MINUTES),
  })
  .strict()
  // Dintero refuses plain-http callback URLs for live accounts, and a localhost URL is one Dintero cannot reach:
  // without callbacks a shopper who never returns gets no order.
  .superRefine((o, ctx) => {
    const problem = backendUrlProblem(o.backendUrl)
    if (problem && o.accountId.startsWith("P")) {
      ctx.addIssue({
        code: "custom",
        path: ["backendUrl"],
        message: `${problem}; a production account (P...) needs a public https URL Dintero can send callbacks to`,
      })
    }
  })

/** Why Dintero could not (or must not) call back to this URL, or null. */
export function backendUrlProblem(backendUrl: string): string | null {
  let url: URL
  try {
    url = new URL(backendUrl)
  } catch {
    return null // reported by the URL check itself
  }
  if (url.protocol !== "https:") return "must be an https URL"
  const host = url.hostname.replace(/^\[|\]$/g, "")
  if (host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host) || host === "0.0.0.0") {
    return "must not be a local address"
  }
  return null
}

/** The boot-time warning for a test account whose callbacks cannot reach this backend, or null. */
export function backendUrlWarning(options: Pick<DinteroOptions, "accountId" | "backendUrl">): string | null {
  const problem = backendUrlProblem(options.backendUrl)
  return problem && !options.accountId.startsWith("P")
    ? `option "backendUrl" ${problem}: Dintero's test environment may not deliver callbacks to it (fine with the local emulator; a production account refuses it)`
    : null
}

export type DinteroOptionsInput = z.input<typeof dinteroOptionsSchema>
export type DinteroOptions = z.output<typeof dinteroOptionsSchema>

export class DinteroOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid options for the Dintero payment provider (pp_dintero): ${problems.join("; ")}`)
    this.name = "DinteroOptionsError"
  }
}

/** An option's path as it is written in medusa-config: `profiles[1].currency`. */
function optionName(path: readonly PropertyKey[]): string {
  let name = ""
  for (const key of path) name += typeof key === "number" ? `[${key}]` : `${name ? "." : ""}${String(key)}`
  return name || "options"
}

/** Parses and normalises the options; throws DinteroOptionsError naming every bad option. */
export function parseDinteroOptions(input: unknown): DinteroOptions {
  const raw = (input ?? {}) as Record<string, unknown>
  const result = dinteroOptionsSchema.safeParse(raw)
  const issues: { path: readonly PropertyKey[]; text: string }[] = result.success
    ? []
    : result.error.issues.map((issue) => ({
        path: issue.path,
        text:
          issue.code === "unrecognized_keys"
            ? `unknown option(s) ${issue.keys.map((k) => `"${optionName([...issue.path, k])}"`).join(", ")}`
            : `option "${optionName(issue.path)}" ${issue.message}`,
      }))
  // Either one profile for everything or a profile per market: one of the two is needed.
  if (typeof raw === "object" && raw !== null && raw.profileId === undefined && raw.profiles === undefined) {
    issues.push({
      path: ["profileId"],
      text: 'option "profileId" is required (the payment profile id, e.g. default), unless "profiles" lists a profile per market',
    })
  }
  if (result.success && issues.length === 0) {
    return result.data
  }
  // In the order the options are documented, whatever order the checks ran in.
  const order = Object.keys(dinteroOptionsSchema.shape)
  const rank = (path: readonly PropertyKey[]) => {
    const i = order.indexOf(String(path[0]))
    return i < 0 ? order.length : i
  }
  const problems = [...issues].sort((a, b) => rank(a.path) - rank(b.path)).map((i) => i.text)
  throw new DinteroOptionsError(problems)
}
