/**
 * Building blocks of the Dintero contract schemas.
 *
 * Source abbreviations used in every file of this folder:
 * - SPEC-TS:n  = Dintero/Dintero.Node.SDK `src/generated/payments.d.ts`, line n (generated from Dintero's published
 *                payments spec, docs.dintero.com/specs/spec-payments.yaml).
 * - ORDERS     = the Orders ("Shopping") API spec embedded in docs.dintero.com/api-reference/* pages
 *                (`/mintlify-docs/openapi/spec-orders.yaml`); the page is named after the operation.
 * - DOCS:page  = a docs.dintero.com guide page.
 * - WOO:file   = Dintero/Dintero.Checkout.WooCommerce.V2, the named file.
 * - SEED:nnn   = ../shared/seeds/nnn_* (the Dintero documents this project started from).
 *
 * Requests are described exactly (what we send must be allowed by Dintero). Responses are described loosely: the
 * fields the plugin reads are checked, every other field passes through untouched (Dintero adds fields over time).
 */
import { z } from "zod"

/** Integer amount in minor units (øre, cents). SPEC-TS:2991 `Format: int32`, "In smallest unit for the currency". */
export const MinorUnits = z.number().int()

/** ISO-4217 code. SPEC-TS:2996 `Format: iso4217-code`. */
export const Currency = z.string().regex(/^[A-Z]{3}$/, "must be a three-letter ISO 4217 code")

/** SPEC-TS:4782-4817 Metadata: `{[key]: string | number}`. */
export const Metadata = z.record(z.string(), z.union([z.string(), z.number()]))

/** Metadata as Dintero answers it: reserved keys may carry other JSON values; we only pass them through. */
export const MetadataRead = z.record(z.string(), z.unknown())

/** Date-time strings as Dintero writes them (SPEC-TS `Format: date-time`). */
export const DateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date-time")

/** SPEC-TS:5186-5195 Error: `{error: {code?, errors?, message}}` - `message` is the one required field. */
export const ErrorBody = z.looseObject({
  error: z.looseObject({
    code: z.string().optional(),
    message: z.string(),
    errors: z.array(z.unknown()).optional(),
  }),
})
export type DinteroErrorBody = z.infer<typeof ErrorBody>
