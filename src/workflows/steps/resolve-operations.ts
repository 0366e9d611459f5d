import type { IOrderModuleService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { StepResponse, createStep } from "@medusajs/framework/workflows-sdk"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { keptAuthorizationsIn } from "../../modules/dintero-payments/kept-authorizations"
import { dinteroSessionsOf, inRecordOrder, isDinteroPayment, loadOrderPayments, loadOrderPaymentsByLink, loadPayment, orderIdOfPayment, paymentsOf, transactionIdOf, type OrderRow, type PaymentRow } from "../lib/medusa-data"
import type { EnqueueInput, OperationToEnqueue } from "./enqueue-operations"

/**
 * The edit's confirmed order change: the one named, or else the order's latest confirmed edit. Its `confirmed_at`
 * orders the edit's row among the order's operations (enqueue.ts, `happened_at`).
 */
async function confirmedEdit(
  container: { resolve<T>(key: string): T },
  orderId: string,
  changeId: string | undefined
): Promise<{ id: string; confirmed_at: Date | null } | undefined> {
  const orders = container.resolve<IOrderModuleService>(Modules.ORDER)
  const changes = await orders.listOrderChanges(
    changeId ? { id: changeId } : { order_id: orderId, status: "confirmed" },
    { select: ["id", "change_type", "confirmed_at"], order: { confirmed_at: "DESC" } }
  )
  const change = changeId ? changes[0] : changes.find((c) => c.change_type === "edit")
  return change && { id: change.id, confirmed_at: change.confirmed_at ? new Date(change.confirmed_at) : null }
}

/** The mirror is on (credentials configured, not switched off). */
function enabled(container: { resolve<T>(key: string): T }): boolean {
  return container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).mirrorOptions.ordersMirror
}

/** Nothing to enqueue. */
const nothing = (): EnqueueInput => ({ order_id: null, operations: [] })

/** An edit or a cancellation changes a mirrored order only: true when the mirror is on and holds this order. */
async function isMirrored(container: { resolve<T>(key: string): T }, orderId: string): Promise<boolean> {
  if (!enabled(container)) return false
  const [mirror] = await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).listDinteroOrderMirrors({ order_id: orderId })
  return !!mirror
}

const moneyOps = (payment: PaymentRow, kinds: ("capture" | "refund")[]): OperationToEnqueue[] => [
  // A further payment (e.g. the difference after an edit) is authorized on the Orders order before its money.
  { identity: `authorization:${payment.id}`, kind: "authorization", input: { payment_id: payment.id } },
  ...kinds.flatMap((kind) =>
    inRecordOrder(kind === "capture" ? payment.captures : payment.refunds).map((row) => ({
      identity: `${kind}:${row.id}`,
      kind,
      input: { payment_id: payment.id, record_id: row.id },
    }))
  ),
]

/**
 * order.placed: the order, then the captures already made (auto-capture at authorization). Answers the order's
 * payments as read for this (`payments`), which the subscriber hands to the pass it runs next.
 */
export async function resolveOrderPlaced(
  container: MedusaContainer,
  orderId: string
): Promise<{ toEnqueue: EnqueueInput; payments: Pick<OrderRow, "id" | "payment_collections"> | null }> {
  if (!enabled(container)) return { toEnqueue: nothing(), payments: null }
  const order = await loadOrderPaymentsByLink(container, orderId)
  const payment = paymentsOf(order).find(isDinteroPayment)
  // ON_HOLD: the order is placed before Dintero has decided, so before any payment exists. The mirror is recorded
  // now; its order_placed operation waits for the payment (handlers/order-placed.ts).
  // (Paid with another provider, or no payment collection at all: nothing to mirror.)
  if (!payment && (paymentsOf(order).length || !dinteroSessionsOf(order).length)) return { toEnqueue: nothing(), payments: order }
  return {
    toEnqueue: {
      order_id: orderId,
      operations: [
        { identity: `order_placed:${orderId}`, kind: "order_placed", input: { order_id: orderId } },
        ...(payment ? moneyOps(payment, ["capture"]).slice(1) : []),
      ],
    },
    payments: order,
  }
}

/** order.placed, as a step (the reconciliation's enqueue workflow). */
export const resolveOrderPlacedStep = createStep(
  "resolve-dintero-order-placed",
  async (input: { order_id: string }, { container }) => new StepResponse((await resolveOrderPlaced(container, input.order_id)).toEnqueue)
)

/** payment.captured / payment.refunded carry only the payment id: every capture/refund row of it, deduplicated. */
export const resolvePaymentRecordsStep = createStep(
  "resolve-dintero-payment-records",
  async (input: { payment_id: string; kind: "capture" | "refund" }, { container }) => {
    if (!enabled(container)) return new StepResponse(nothing())
    const payment = await loadPayment(container, input.payment_id)
    if (!payment || !isDinteroPayment(payment)) return new StepResponse(nothing())
    const orderId = await orderIdOfPayment(container, payment)
    if (!orderId) return new StepResponse(nothing())
    const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
    const [mirror] = await svc.listDinteroOrderMirrors({ order_id: orderId })
    // No mirror yet (the order was placed before its payment existed, e.g. ON_HOLD, or before the plugin): the
    // order is mirrored first, whatever the order of events; identities keep this from doubling anything.
    const placed: OperationToEnqueue[] = mirror ? [] : [{ identity: `order_placed:${orderId}`, kind: "order_placed", input: { order_id: orderId } }]
    return new StepResponse<EnqueueInput>({ order_id: orderId, operations: [...placed, ...moneyOps(payment, [input.kind])] })
  }
)

/**
 * order-edit.confirmed: one operation per order version; the draft is computed against the mirror's snapshot. Called
 * by its step (the subscriber, the reconciliation) and by a further payment's authorization that finds the edit it
 * pays for not enqueued yet (outbox/edits-first.ts).
 */
export async function resolveOrderEdit(
  container: MedusaContainer,
  input: { order_id: string; actions?: { action?: string; order_change_id?: string }[] }
): Promise<EnqueueInput> {
  if (!(await isMirrored(container, input.order_id))) return nothing()
  const order = await loadOrderPayments(container, input.order_id)
  // The edit's identity is its order change, whoever enqueues it (this subscriber or the reconciliation): the
  // event's actions do not always carry the change id, so the order's latest confirmed edit names it then.
  const change = await confirmedEdit(container, input.order_id, input.actions?.find((a) => a.order_change_id)?.order_change_id)
  const changeId = change?.id
  return {
    order_id: input.order_id,
    operations: [
      {
        identity: `order_edit:${changeId ?? `${input.order_id}:v${order?.version ?? "?"}`}`,
        kind: "order_edit",
        input: { order_change_id: changeId, version: order?.version },
        // In the queue where Medusa confirmed it, whenever its event is handled: a payment made for the edited order
        // is mirrored after the edit (docs/orders-mirror.md, "Edits before the payments that pay for them").
        ...(change?.confirmed_at && { happened_at: change.confirmed_at }),
      },
    ],
  }
}

export const resolveOrderEditStep = createStep(
  "resolve-dintero-order-edit",
  async (input: { order_id: string; actions?: { action?: string; order_change_id?: string }[] }, { container }) =>
    new StepResponse<EnqueueInput>(await resolveOrderEdit(container, input))
)

/** order.canceled: refunds Medusa made while cancelling first, then the release of what is still authorized. */
export const resolveOrderCanceledStep = createStep(
  "resolve-dintero-order-canceled",
  async (input: { order_id: string }, { container }) => {
    if (!(await isMirrored(container, input.order_id))) return new StepResponse(nothing())
    const order = await loadOrderPayments(container, input.order_id)
    const payments = await Promise.all(paymentsOf(order).filter(isDinteroPayment).map((p) => loadPayment(container, p.id)))
    // A kept authorization an edit released (voided: the order no longer needed it) was never recorded on the Orders
    // order (a further payment is recorded at its first capture or refund, and it has none), so its payments bring
    // no authorization to record: recorded now, it would find no line left to authorize.
    const txs = [...new Set(payments.map((p) => p && transactionIdOf(p)).filter((t): t is string => !!t))]
    const released = new Set((await keptAuthorizationsIn(container).releases({ transactionIds: txs })).map((r) => r.transactionId))
    const moneyless = (p: PaymentRow) => !(p.captures ?? []).length && !(p.refunds ?? []).length
    const recordable = payments.filter((p): p is PaymentRow => !!p && !(released.has(transactionIdOf(p) ?? "") && moneyless(p)))
    return new StepResponse<EnqueueInput>({
      order_id: input.order_id,
      operations: [
        ...recordable.flatMap((p) => moneyOps(p, ["refund"])),
        { identity: `cancellation:${input.order_id}`, kind: "cancellation", input: { order_id: input.order_id } },
      ],
    })
  }
)
