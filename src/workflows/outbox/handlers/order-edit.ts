/**
 * order_edit: a draft on the existing Dintero order (reversed lines + new lines), completed, then the payment
 * records that move held money from the reversed lines to the new ones (mapping/orders-mirror/plan-edit.ts).
 */
import { buildEditDraft, buildPaymentOperation, type EditDraft, type MirrorSnapshot, type OrderForMirror } from "../../../mapping/orders"
import { editRounding } from "../../../mapping/orders-mirror/edit-rounding"
import { at, perLine, type OrdersRecords } from "../../../mapping/orders-mirror/ledger"
import { REFUND_REMAINING_ID, planEditPayments } from "../../../mapping/orders-mirror/plan-edit"
import { creditBeyondLinesNotice } from "../../../mapping/orders-mirror/credit-beyond-lines"
import type { LedgerLine, MirrorState } from "../../../mapping/orders-mirror/state"
import { keptAuthorizationsIn } from "../../../modules/dintero-payments/kept-authorizations"
import { loadOrder } from "../../lib/medusa-data"
import type { OperationKind } from "../../../modules/dintero-orders/models/order-operation"
import type { OperationContext } from "../context"
import type { OrdersRecorder } from "../orders-recorder"
import type { OperationPlan } from "../operation"
import { WAITING_FOR_DINTERO_ORDER, done, needsAction, type Outcome } from "../outcome"

const NOTHING_CHANGED = "nothing the Orders API records changed"

/** The original payment first, then the others in the order the mirror learnt them. */
export function orderedTransactions(state: MirrorState): string[] {
  const first = state.original_payment_id ? state.payments[state.original_payment_id] : undefined
  return [...new Set([...(first ? [first] : []), ...Object.values(state.payments)])]
}

/**
 * Pure: the plan of an edit. `voided` lists the mirror's payments (in the mirror's order) whose Dintero
 * authorization Medusa voided when the edit was confirmed (Medusa issue #14984): what they still held is recorded
 * as a cancellation first, so the edit only moves money that is still held.
 */
export function planOrderEdit(input: {
  state: MirrorState
  edit: EditDraft
  records: OrdersRecords
  voided: { paymentId: string; transactionId: string }[]
}): EditPlan {
  const { state, edit, records } = input
  const txs = orderedTransactions(state)
  const authorized = new Map(txs.map((tx) => [tx, perLine(records, "authorizations", tx)]))
  const cancelled = new Map(txs.map((tx) => [tx, perLine(records, "cancellations", tx)]))
  const captured = new Map(txs.map((tx) => [tx, perLine(records, "captures", tx)]))
  const sums = (tx: string) => ({ a: authorized.get(tx) ?? new Map<number, number>(), c: captured.get(tx) ?? new Map<number, number>(), x: cancelled.get(tx) ?? new Map<number, number>() })
  const notes: string[] = []
  const voided: { key: string; body: ReturnType<typeof buildPaymentOperation> }[] = []
  for (const { paymentId, transactionId: tx } of input.voided) {
    const { a, c, x } = sums(tx)
    const items = state.lines
      .map((l) => ({ line_id: l.line_id, amount: at(a, l.line_id) - at(c, l.line_id) - at(x, l.line_id) }))
      .filter((i) => i.amount !== 0)
    if (items.length > 0) {
      voided.push({ key: `voided-${tx}`, body: buildPaymentOperation(items, tx) })
      for (const i of items) x.set(i.line_id, at(x, i.line_id) + i.amount)
      cancelled.set(tx, x)
    }
    notes.push(`Medusa voided the authorization of payment ${paymentId} (Dintero ${tx}) when the edit was confirmed`)
  }
  const snapshotLine = new Map(state.snapshot.lines.map((l) => [l.line_id, l]))
  const payments = planEditPayments({
    reversed: edit.reversed,
    added: edit.added,
    payments: txs,
    authorized: (tx, line) => at(sums(tx).a, line) - at(sums(tx).x, line),
    captured: (tx, line) => at(sums(tx).c, line),
    nextLineId: edit.snapshot.next_line_id,
    reversedTax: edit.reversed.map((r) => snapshotLine.get(r.reverses_line_id)?.tax_lines ?? []),
    currency: edit.body.order.currency,
  })
  const draft = edit.body
  if (payments.refundRemaining) draft.order.items.push(payments.refundRemaining)
  const snapshot: MirrorSnapshot = {
    ...edit.snapshot,
    next_line_id: edit.snapshot.next_line_id + (payments.refundRemaining ? 1 : 0),
  }
  const reversedBy = new Map(edit.reversed.map((r) => [r.reverses_line_id, r.line_id]))
  const lines: LedgerLine[] = [
    ...state.lines.map((l) => (reversedBy.has(l.line_id) ? { ...l, reversed_by: reversedBy.get(l.line_id) } : l)),
    ...edit.reversed.map((r) => ({ line_id: r.line_id, medusa_id: r.medusa_id, role: "reversal" as const, gross_amount: r.gross_amount, from_edit: true })),
    ...edit.added.map((a) => ({ line_id: a.line_id, medusa_id: a.medusa_id, role: "item" as const, gross_amount: a.gross_amount, from_edit: true })),
    ...(payments.refundRemaining
      ? [{ line_id: payments.refundRemaining.line_id, medusa_id: "", role: "refund_remaining" as const, gross_amount: payments.refundRemaining.gross_amount, from_edit: true }]
      : []),
  ]
  return {
    draft,
    voided,
    records: payments.records,
    unauthorized: payments.unauthorized,
    notes,
    ...(edit.notes.length > 0 && { line_notes: edit.notes }),
    ...(edit.credit_beyond_lines !== undefined && { credit_beyond_lines: edit.credit_beyond_lines }),
    state: { ...state, snapshot, lines },
  }
}

/** The order's edits as one plan: from the mirror's snapshot to the Medusa order as it is now (null: nothing changed). */
export async function planEditToOrder(
  ctx: Pick<OperationContext<OperationKind>, "client" | "container">,
  recorder: OrdersRecorder,
  dinteroOrderId: string,
  state: MirrorState,
  order: OrderForMirror
): Promise<EditPlan | null> {
  const edit = buildEditDraft(dinteroOrderId, state.snapshot, order, editRounding(state.snapshot, order))
  if (!edit) return null
  const records = await recorder.readRecords(dinteroOrderId)
  const voided: { paymentId: string; transactionId: string }[] = []
  // Voided by the plugin because the edited order no longer needs it: its own record (a cancellation, enqueued with
  // the release) cancels it on the Orders order after this edit, so it is not Medusa's void of issue #14984.
  const releasedIds = new Set(
    (await keptAuthorizationsIn(ctx.container).releases({ transactionIds: Object.values(state.payments) })).map((r) => r.transactionId)
  )
  for (const [paymentId, transactionId] of Object.entries(state.payments)) {
    if (releasedIds.has(transactionId)) continue
    const transaction = await ctx.client.checkout.getTransaction(transactionId)
    if (transaction.status === "AUTHORIZATION_VOIDED") voided.push({ paymentId, transactionId })
  }
  return planOrderEdit({ state, edit, records, voided })
}

export type EditPlan = Exclude<OperationPlan<"order_edit">, { nothing: true }>

/**
 * Where an edit plan is carried out: the order_edit operation itself, or the order_placed operation that placed the
 * order as it was before its edits and brings it up to date (handlers/order-placed.ts). `identity` names the notices
 * and the voided authorizations' keys; `progress` is where this plan's draft and records are marked.
 */
export interface EditRun {
  identity: string
  recorder: OrdersRecorder
  draftDone: boolean
  markDraftDone(): Promise<void>
  saveMirror: OperationContext<OperationKind>["saveMirror"]
  notice: OperationContext<OperationKind>["notice"]
}

/** Sends an edit plan: the draft, completed (then the mirror's new state), and its payment records. */
export async function carryOutEdit(run: EditRun, dinteroOrderId: string, plan: EditPlan): Promise<Outcome> {
  if (!run.draftDone) {
    const completed = await run.recorder.createAndCompleteDraft(plan.draft, dinteroOrderId)
    if (!completed.ok) return needsAction(completed.needsAction)
    await run.markDraftDone()
    // A voided authorization is recorded (as a cancellation) together with the next payment's authorization:
    // recorded now, it would leave the Dintero order with nothing held, and Dintero closes such an order.
    const pendingVoids = [...(plan.state.pending_voids ?? []), ...plan.voided.map((v) => ({ ...v, key: `${run.identity}#${v.key}` }))]
    await run.saveMirror({ state: { ...plan.state, pending_voids: pendingVoids } })
  }
  for (const record of plan.records) {
    const body = buildPaymentOperation(record.items, record.payment_id)
    if (record.kind === "captures") await run.recorder.recordCapture(dinteroOrderId, record.key, body)
    else await run.recorder.recordAuthorization(dinteroOrderId, record.key, body)
  }
  const voidNotes = plan.notes ?? []
  if (voidNotes.length > 0) {
    await run.notice(
      `voided:${dinteroOrderId}:${run.identity}`,
      `${voidNotes.join("; ")}. Medusa opened a new payment collection for the order's full new total: the shopper must pay again (Medusa issue #14984). Capture before editing, or see docs/orders-mirror.md.`
    )
  }
  const notes = [...voidNotes, ...(plan.line_notes ?? [])]
  if (plan.credit_beyond_lines) {
    const released = plan.draft.order.items.find((item) => item.id === REFUND_REMAINING_ID)?.gross_amount ?? 0
    const notice = creditBeyondLinesNotice({ beyond: plan.credit_beyond_lines, released, currency: plan.draft.order.currency })
    await run.notice(`credit-beyond-lines:${dinteroOrderId}:${run.identity}`, notice)
    notes.push(notice)
  }
  if (plan.unauthorized > 0) notes.push(`${plan.unauthorized} of the new lines awaits the payment of the difference (part authorization)`)
  return done(notes.length > 0 ? notes.join("; ") : undefined)
}

export async function mirrorOrderEdit(ctx: OperationContext<"order_edit">): Promise<Outcome> {
  const dinteroOrderId = ctx.mirror.dintero_order_id
  if (!dinteroOrderId) return WAITING_FOR_DINTERO_ORDER
  let plan = ctx.op.plan
  if (!plan) {
    const order = await loadOrder(ctx.container, ctx.orderId)
    if (!order) return needsAction(`order ${ctx.orderId} not found`)
    const state = ctx.mirror.state
    if (!state) return needsAction("the order has not been mirrored yet")
    plan = (await planEditToOrder(ctx, ctx.recorder, dinteroOrderId, state, order)) ?? { nothing: true }
    await ctx.setPlan(plan)
  }
  if ("nothing" in plan) return done(NOTHING_CHANGED)
  return carryOutEdit(
    {
      identity: ctx.op.identity,
      recorder: ctx.recorder,
      draftDone: !!ctx.op.progress.draft_done,
      markDraftDone: () => ctx.setProgress("draft_done", true),
      saveMirror: (update) => ctx.saveMirror(update),
      notice: (key, message) => ctx.notice(key, message),
    },
    dinteroOrderId,
    plan
  )
}
