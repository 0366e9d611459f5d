/**
 * The outbox row's JSON columns (`input`, `plan`, `progress`) and the mirror's `state`, as typed data: one zod schema
 * per operation kind, parsed when a row is loaded. A row that does not parse becomes needs_action with the reason
 * (the code never guesses at a shape it did not write). Unknown keys are kept (`looseObject`): a plan is re-sent as
 * it was stored, so parsing must not drop anything from it.
 */
import { z } from "zod"
import { TransactionEvent, TransactionStatus } from "../../dintero/contract"
import type { MirroredLine, MirrorSnapshot, OrdersDraftBody, OrdersDraftItem, PaymentOperationBody } from "../../mapping/orders"
import type { EditRecord } from "../../mapping/orders-mirror/plan-edit"
import type { RecordedTotals } from "../../mapping/orders-mirror/ledger"
import type { LedgerLine, MirrorState } from "../../mapping/orders-mirror/state"
import type { OperationKind } from "../../modules/dintero-orders/models/order-operation"
import type { ClaimedOperation } from "../../modules/dintero-orders/service"

const minor = z.number().int()
const taxLine = z.looseObject({ amount: minor, percentage: z.number() })

const mirroredLine: z.ZodType<MirroredLine> = z.looseObject({
  medusa_id: z.string(),
  line_id: z.number().int(),
  id: z.string(),
  quantity: z.number(),
  gross_amount: minor,
  tax_lines: z.array(taxLine),
  description: z.string(),
  description_alias: z.string().optional(),
})

const snapshot: z.ZodType<MirrorSnapshot> = z.looseObject({ lines: z.array(mirroredLine), next_line_id: z.number().int() })

export const paymentOperationBodySchema: z.ZodType<PaymentOperationBody> = z.looseObject({
  items: z.array(z.looseObject({ line_id: z.number().int(), amount: minor })),
  payment_details: z.looseObject({ payment_id: z.string().min(1) }),
  success: z.literal(true),
})

const draftItem: z.ZodType<OrdersDraftItem> = z.looseObject({
  id: z.string(),
  line_id: z.number().int(),
  quantity: z.number(),
  gross_amount: minor,
  tax_lines: z.array(taxLine),
  description: z.string(),
  description_alias: z.string().optional(),
  reversed_reason: z.string().optional(),
  related_item: z.looseObject({ line_id: z.number().int(), type: z.literal("reversed") }).optional(),
})

const draftBody: z.ZodType<OrdersDraftBody> = z.looseObject({
  options: z.looseObject({ generate_order_id: z.literal("ALPHANUMERIC_9").optional(), order_id: z.string().optional() }),
  order: z.looseObject({ currency: z.string(), items: z.array(draftItem) }),
})

const ledgerLine: z.ZodType<LedgerLine> = z.looseObject({
  line_id: z.number().int(),
  medusa_id: z.string(),
  role: z.enum(["item", "reversal", "refund_remaining"]),
  gross_amount: minor,
  from_edit: z.boolean(),
  reversed_by: z.number().int().optional(),
})

const checkoutSeen = z.looseObject({
  status: TransactionStatus.optional(),
  events: z.array(TransactionEvent),
})

const keyedBody = z.looseObject({ key: z.string(), body: paymentOperationBodySchema })

export const mirrorStateSchema: z.ZodType<MirrorState> = z.looseObject({
  snapshot,
  lines: z.array(ledgerLine),
  checkout_lines: z.record(z.string(), z.string()),
  payments: z.record(z.string(), z.string()),
  original_payment_id: z.string().optional(),
  pending_voids: z.array(keyedBody).optional(),
})

const editRecord: z.ZodType<EditRecord> = z.looseObject({
  kind: z.enum(["authorizations", "captures"]),
  key: z.string(),
  payment_id: z.string(),
  items: z.array(z.looseObject({ line_id: z.number().int(), amount: minor })),
})

/** An order edit's plan: nothing to record, or the draft and the records that move the money held (handlers/order-edit.ts). */
const editPlan = z.union([
  z.looseObject({ nothing: z.literal(true) }),
  z.looseObject({
    draft: draftBody,
    voided: z.array(keyedBody),
    records: z.array(editRecord),
    unauthorized: minor,
    notes: z.array(z.string()).optional(),
    /** Lines recorded differently from Medusa's total (mapping/orders.ts atLeastZero), for the operation's note. */
    line_notes: z.array(z.string()).optional(),
    /** The gift card / store credit beyond the edited lines (mapping/orders.ts EditDraft), for the merchant's notice. */
    credit_beyond_lines: minor.optional(),
    state: mirrorStateSchema,
  }),
])

/** A capture's or a refund's Orders record: the same input and plan (one Medusa record, one Dintero record). */
const paymentRecordOperation = {
  input: z.looseObject({ payment_id: z.string(), record_id: z.string() }),
  plan: z.looseObject({
    body: paymentOperationBodySchema,
    reference: z.string(),
    event_found: z.boolean(),
    /**
     * The cancellation of what Checkout no longer captures: the rest a last capture released, or the rest a refund
     * of a partly captured transaction left uncapturable.
     */
    release: paymentOperationBodySchema.optional(),
    /** Planned from the mirror's recorded ledger (not from Dintero's records read back): a retry checks it. */
    from_ledger: z.boolean().optional(),
    /** With from_ledger: the Checkout transaction's status and this event as the plan saw them (a re-plan uses them). */
    checkout_seen: checkoutSeen.optional(),
  }),
}

/** What each kind's row holds: `input` written at enqueue, `plan` computed once on the first attempt. */
export const OPERATION_SCHEMAS = {
  order_placed: {
    // The order is the row's order_id; the input only records it.
    input: z.looseObject({ order_id: z.string().optional() }),
    plan: z.looseObject({
      draft: draftBody,
      state: mirrorStateSchema,
      authorization: paymentOperationBodySchema,
      payment_product_type: z.string().nullish(),
      /**
       * The Medusa order version the lines were taken from when it is not the order as the operation found it: the
       * order as its payment paid for it, before edits confirmed since (handlers/order-placed.ts, planPlacement).
       */
      placed_version: z.number().int().optional(),
      /** With placed_version: the edits since, planned once the Dintero order exists (as the order_edit operation would). */
      catch_up: editPlan.optional(),
    }),
  },
  authorization: {
    input: z.looseObject({ payment_id: z.string() }),
    plan: z.looseObject({ body: paymentOperationBodySchema, unplaced: minor }),
  },
  capture: paymentRecordOperation,
  refund: paymentRecordOperation,
  order_edit: {
    input: z.looseObject({
      order_change_id: z.string().nullish(),
      version: z.number().nullish(),
      reason: z.string().optional(),
    }),
    plan: editPlan,
  },
  cancellation: {
    /** `transaction_id`: only that payment's authorization, released by the plugin after an edit (lib/release-kept-authorization.ts). */
    input: z.looseObject({ order_id: z.string().optional(), transaction_id: z.string().optional() }),
    plan: z.looseObject({ bodies: z.array(keyedBody) }),
  },
  notice: {
    input: z.looseObject({ message: z.string().optional() }),
    plan: z.never(),
  },
} satisfies Record<OperationKind, { input: z.ZodType; plan: z.ZodType }>

/** How far an operation got: the Dintero ids of what it already created (a retry resumes from here). */
export const progressSchema = z.looseObject({
  /** Step key -> id of the Orders record created for it. */
  sent: z.record(z.string(), z.string()).optional(),
  draft_id: z.string().optional(),
  completed_order_id: z.string().optional(),
  draft_done: z.boolean().optional(),
  /** An order_placed operation's catch-up edit (plan.catch_up): its own draft and records. */
  catch_up: z
    .looseObject({
      sent: z.record(z.string(), z.string()).optional(),
      draft_id: z.string().optional(),
      completed_order_id: z.string().optional(),
      draft_done: z.boolean().optional(),
    })
    .optional(),
})
export type Progress = z.output<typeof progressSchema>

type Schemas = typeof OPERATION_SCHEMAS
export type OperationInput<K extends OperationKind> = z.output<Schemas[K]["input"]>
export type OperationPlan<K extends OperationKind> = z.output<Schemas[K]["plan"]>

/** A stored row as the module returns it (JSON columns untyped). */
export type OperationRow = ClaimedOperation

interface TypedFields<K extends OperationKind> {
  kind: K
  input: OperationInput<K>
  plan: OperationPlan<K> | null
}

/** A row whose JSON columns parsed, narrowed by `kind`. */
export type Operation<K extends OperationKind = OperationKind> = {
  [P in K]: Omit<OperationRow, "kind" | "input" | "plan" | "progress"> & TypedFields<P> & { progress: Progress }
}[K]

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string }

function describeIssues(column: string, error: z.ZodError): string {
  const first = error.issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`)
  return `the operation's ${column} does not have the expected shape (${first.join("; ")})`
}

/** Parses the JSON columns of a row by its kind. */
export function parseOperation(row: OperationRow): Parsed<Operation> {
  const schemas = (OPERATION_SCHEMAS as Record<string, { input: z.ZodType; plan: z.ZodType } | undefined>)[row.kind]
  if (!schemas) return { ok: false, reason: `unknown operation kind ${row.kind}` }
  const input = schemas.input.safeParse(row.input ?? {})
  if (!input.success) return { ok: false, reason: describeIssues("input", input.error) }
  let plan: unknown = null
  if (row.plan != null) {
    const parsed = schemas.plan.safeParse(row.plan)
    if (!parsed.success) return { ok: false, reason: describeIssues("plan", parsed.error) }
    plan = parsed.data
  }
  const progress = progressSchema.safeParse(row.progress ?? {})
  if (!progress.success) return { ok: false, reason: describeIssues("progress", progress.error) }
  // The schema table is indexed by the row's own kind, so the parsed parts belong to that kind.
  return { ok: true, value: { ...row, input: input.data, plan, progress: progress.data } as Operation }
}

/** Parses the mirror's state column (null before the order was mirrored). */
export function parseMirrorState(state: unknown): Parsed<MirrorState | null> {
  if (state == null) return { ok: true, value: null }
  const parsed = mirrorStateSchema.safeParse(state)
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: describeIssues("mirror state", parsed.error).replace("operation's ", "") }
}


const totalsByLine = z.record(z.string(), z.record(z.string(), minor))
const recordedTotalsSchema: z.ZodType<RecordedTotals> = z.object({
  authorizations: totalsByLine,
  captures: totalsByLine,
  refunds: totalsByLine,
  cancellations: totalsByLine,
})

/** The mirror's recorded ledger column. Only ever a shortcut: a missing or unreadable one is null (read Dintero's records). */
export function parseRecordedTotals(recorded: unknown): RecordedTotals | null {
  if (recorded == null) return null
  const parsed = recordedTotalsSchema.safeParse(recorded)
  return parsed.success ? parsed.data : null
}
