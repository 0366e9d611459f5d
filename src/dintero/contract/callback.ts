/**
 * The query Dintero sends to `url.callback_url` (SPEC-TS:755-838, `/examples/session_url_callback`):
 * `transaction_id` and `merchant_reference` and `time` required, `session_id` (or `sid` with
 * `sid_parameter_name=sid`), optional `error`, `event`, `event_id`. Our own registered parameters (method,
 * report_error, delay_callback, report_event, ...) are preserved in the call and pass through.
 */
import { z } from "zod"

const one = z.union([z.string(), z.array(z.string()).transform((a) => a[0])]).pipe(z.string())

export const CallbackQuery = z
  .looseObject({
    /** Required unless `report_error=true` reports a failure without a transaction (SPEC-TS ~760). */
    transaction_id: one.optional(),
    session_id: one.optional(),
    sid: one.optional(),
    merchant_reference: one.pipe(z.string().min(1)),
    time: one.optional(),
    /** `cancelled | authorization | failed` (with report_error=true); Woo also handles `captured`. */
    error: one.optional(),
    /** With `report_event`: CAPTURE | REFUND | VOID. */
    event: one.optional(),
    event_id: one.optional(),
  })
  .refine((q) => q.session_id !== undefined || q.sid !== undefined, { message: "session_id (or sid) is required", path: ["session_id"] })
  .refine((q) => q.transaction_id !== undefined || q.error !== undefined, { message: "transaction_id is required unless error is set", path: ["transaction_id"] })
export type CallbackQuery = z.infer<typeof CallbackQuery>
