import { z } from "zod"

/**
 * Zod fields for the Dintero settings a store configures (the payment provider's options and the Orders mirror's
 * own credentials): one definition of what a Dintero account id, an API base URL and a request timeout look like,
 * with messages that name the expectation and never echo the value (some values are secrets).
 */

/** An http(s) URL; base URLs lose their trailing slashes (paths are joined to them), other URLs are kept as given. */
export const httpUrl = (what: string, stripTrailingSlash = true) =>
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
    .transform((v) => (stripTrailingSlash ? v.replace(/\/+$/, "") : v))

/** A non-empty string. */
export const requiredText = (what: string) => z.string({ error: `is required (${what})` }).trim().min(1, `is required (${what})`)

/** Dintero account id: T + 8 digits for a test account, P + 8 digits for production. */
export const accountIdField = () =>
  z
    .string({ error: "is required (e.g. T12345678 for test, P12345678 for production)" })
    .trim()
    .regex(/^[PT]\d{8}$/, "must be T or P followed by 8 digits, e.g. T12345678")

/** Timeout of one HTTP request to Dintero. */
export const timeoutMsField = () =>
  z
    .number({ error: "must be a number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(1000, "must be at least 1000 ms")
    .max(120_000, "must be at most 120000 ms")

export const CHECKOUT_BASE_URL_HINT = "an http(s) URL such as https://checkout.dintero.com/v1"
export const API_BASE_URL_HINT = "an http(s) URL such as https://api.dintero.com/v1"
