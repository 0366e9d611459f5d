import { z } from "zod"

/**
 * Options of the Dintero payment provider, validated at boot. A bad option stops Medusa with a message naming it;
 * values are never echoed back (some are secrets).
 */
const url = (what: string, stripTrailingSlash = true) =>
  z
    .string({ error: `must be ${what}` })
    .trim()
    .refine((v) => {
      try {
        const u = new URL(v)
        return u.protocol === "https:" || u.protocol === "http:"
      } catch {
        return false
      }
    }, `must be ${what}`)
    // Base URLs are joined with paths; the return URL is used as given.
    .transform((v) => (stripTrailingSlash ? v.replace(/\/+$/, "") : v))

const nonEmpty = (what: string) => z.string({ error: `is required (${what})` }).trim().min(1, `is required (${what})`)

export const dinteroOptionsSchema = z
  .object({
    /** Dintero account id: T + 8 digits for test, P + 8 digits for production. */
    accountId: z
      .string({ error: "is required (e.g. T12345678 for test, P12345678 for production)" })
      .trim()
      .regex(/^[PT]\d{8}$/, "must be T or P followed by 8 digits, e.g. T12345678"),
    clientId: nonEmpty("the API client id from Dintero Backoffice"),
    clientSecret: nonEmpty("the API client secret from Dintero Backoffice"),
    /** Payment profile id; new accounts have "default". */
    profileId: nonEmpty("the payment profile id, e.g. default"),
    checkoutBaseUrl: url("an http(s) URL such as https://checkout.dintero.com/v1").default(
      "https://checkout.dintero.com/v1"
    ),
    apiBaseUrl: url("an http(s) URL such as https://api.dintero.com/v1").default("https://api.dintero.com/v1"),
    /** Storefront page Dintero redirects the shopper to after payment; it completes the cart. */
    returnUrl: url("the storefront return URL, e.g. https://shop.example/checkout/dintero/return", false),
    /**
     * Public URL of this Medusa backend as Dintero reaches it; callbacks go to `${backendUrl}/hooks/dintero/callback`.
     * Also the URL the callback signature is computed over, so it must be the one Dintero calls (proxies included).
     */
    backendUrl: url("the public URL of this Medusa backend, e.g. https://api.shop.example"),
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
    timeoutMs: z
      .number({ error: "must be a number of milliseconds" })
      .int("must be a whole number of milliseconds")
      .min(1000, "must be at least 1000 ms")
      .max(120_000, "must be at most 120000 ms")
      .default(15_000),
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

/** Parses and normalises the options; throws DinteroOptionsError naming every bad option. */
export function parseDinteroOptions(input: unknown): DinteroOptions {
  const result = dinteroOptionsSchema.safeParse(input ?? {})
  if (result.success) {
    return result.data
  }
  const problems = result.error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return `unknown option(s) ${issue.keys.map((k) => `"${k}"`).join(", ")}`
    }
    const name = issue.path.length ? issue.path.join(".") : "options"
    return `option "${name}" ${issue.message}`
  })
  throw new DinteroOptionsError(problems)
}
