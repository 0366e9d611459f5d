import { z } from "zod"
import { API_BASE_URL_HINT, CHECKOUT_BASE_URL_HINT, accountIdField, httpUrl, timeoutMsField } from "../../dintero/option-fields"

/**
 * Options of the Orders mirror (the `dinteroOrders` module; plugin options in a store's medusa-config), validated at
 * boot: a bad option stops Medusa with a message naming it; values are never echoed (one is a secret). By default
 * the mirror uses the Dintero payment provider's configuration (its API client needs the `admin:shopping` scope
 * too); credentials given here override it, e.g. for a separate Orders API client.
 */
const text = (what: string) => z.string({ error: `must be ${what}` }).trim().min(1, `must not be empty when given (${what})`)

export const dinteroOrdersOptionsSchema = z
  .looseObject({
    accountId: accountIdField().optional(),
    clientId: text("the Orders API client id").optional(),
    clientSecret: text("the Orders API client secret").optional(),
    apiBaseUrl: httpUrl(API_BASE_URL_HINT).optional(),
    checkoutBaseUrl: httpUrl(CHECKOUT_BASE_URL_HINT).optional(),
    timeoutMs: timeoutMsField().optional(),
    /** false: the Dintero order id is the Medusa order id instead of a generated ALPHANUMERIC_9. */
    generateOrderId: z.boolean({ error: "must be true or false" }).default(true),
    /** false switches mirroring off (events are ignored). */
    ordersMirror: z.boolean({ error: "must be true or false" }).default(true),
    /** Attempts before an operation is marked failed (it stays retryable from the admin). */
    maxAttempts: z
      .number({ error: "must be a number of attempts" })
      .int("must be a whole number of attempts")
      .min(1, "must be at least 1")
      .max(1000, "must be at most 1000")
      .default(8),
  })
  .superRefine((o, ctx) => {
    // Own credentials replace the provider's: all three, or none.
    if (o.clientSecret && (!o.accountId || !o.clientId)) {
      for (const key of ["accountId", "clientId"] as const) {
        if (!o[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required when clientSecret is given" })
      }
    }
  })

export type DinteroOrdersModuleOptions = z.input<typeof dinteroOrdersOptionsSchema>
export type DinteroOrdersOptions = z.output<typeof dinteroOrdersOptionsSchema>

/** What the mirror's logic reads; `ordersMirror` also needs credentials (own or the provider's). */
export type MirrorOptions = Pick<DinteroOrdersOptions, "generateOrderId" | "ordersMirror" | "maxAttempts">

export class DinteroOrdersOptionsError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid options for the Dintero Orders mirror (dinteroOrders): ${problems.join("; ")}`)
    this.name = "DinteroOrdersOptionsError"
  }
}

/** Parses and normalises the options; throws DinteroOrdersOptionsError naming every bad option. */
export function parseDinteroOrdersOptions(input: unknown): DinteroOrdersOptions {
  const result = dinteroOrdersOptionsSchema.safeParse(input ?? {})
  if (result.success) return result.data
  throw new DinteroOrdersOptionsError(
    result.error.issues.map((issue) => `option "${issue.path.length ? issue.path.join(".") : "options"}" ${issue.message}`)
  )
}
