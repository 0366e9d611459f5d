import { z } from "zod"

/**
 * What the plugin's admin routes accept, checked by Medusa's validators (src/api/middlewares.ts) before a route runs:
 * anything else is a 400 with Medusa's own message naming the field.
 */

/** GET /admin/dintero/payments?order_id= */
export const AdminDinteroPaymentsQuery = z.object({
  order_id: z.string().trim().min(1, "order_id is required"),
})
export type AdminDinteroPaymentsQuery = z.infer<typeof AdminDinteroPaymentsQuery>

/** GET /admin/dintero/orders/:id[?dintero=true] */
export const AdminDinteroOrderMirrorQuery = z.object({
  /** Also read the order and its payment records from Dintero's Orders API. */
  dintero: z
    .enum(["true", "false"])
    .optional()
    .transform((v) => v === "true"),
})
export type AdminDinteroOrderMirrorQuery = z.infer<typeof AdminDinteroOrderMirrorQuery>

/** POST /admin/dintero/orders/:id/retry `{ operation_id? }`: one operation of the order, or all its stopped ones. */
export const AdminDinteroRetryBody = z
  .object({ operation_id: z.string().trim().min(1, "operation_id must not be empty when given").optional() })
  .strict()
export type AdminDinteroRetryBody = z.infer<typeof AdminDinteroRetryBody>

/** POST bodies that carry nothing (connection test): an unexpected field is refused, not ignored. */
export const AdminDinteroEmptyBody = z.object({}).strict()
