import { model } from "@medusajs/framework/utils"

export const OPERATION_KINDS = [
  "order_placed",
  "authorization",
  "capture",
  "refund",
  "order_edit",
  "cancellation",
  "notice",
] as const
export type OperationKind = (typeof OPERATION_KINDS)[number]

export const OPERATION_STATUSES = ["pending", "processing", "done", "skipped", "failed", "needs_action"] as const
export type OperationStatus = (typeof OPERATION_STATUSES)[number]

/**
 * The outbox: one row per mirror operation, written before anything is sent to Dintero. `identity` is derived from
 * the Medusa record that caused it (e.g. `capture:capt_…`), so the same Medusa event can never enqueue it twice, and
 * every Dintero record it creates carries `metadata.medusa_operation = identity#step` so a retry can find it.
 */
export const DinteroOrderOperation = model
  .define("dintero_order_operation", {
    id: model.id({ prefix: "diop" }).primaryKey(),
    order_id: model.text(),
    identity: model.text().unique(),
    kind: model.enum([...OPERATION_KINDS]),
    /** Order of operations enqueued together (created_at ties). */
    sequence: model.number().default(0),
    status: model.enum([...OPERATION_STATUSES]).default("pending"),
    attempts: model.number().default(0),
    last_error: model.text().nullable(),
    next_attempt_at: model.dateTime().nullable(),
    completed_at: model.dateTime().nullable(),
    /** What the event said (capture id, payment id, order change id, ...). */
    input: model.json().nullable(),
    /** The Dintero requests, computed once on the first attempt and re-sent unchanged by retries. */
    plan: model.json().nullable(),
    /** Which steps of the plan are done, with the Dintero ids they produced. */
    progress: model.json().nullable(),
    /** Who is running the operation now (a pass's id), and until when the claim holds (a crashed pass's claim lapses). */
    claimed_by: model.text().nullable(),
    claimed_until: model.dateTime().nullable(),
  })
  .indexes([{ on: ["order_id", "status"] }])
