/**
 * Reads what the reconciliation looks at: Medusa records created (or ended) inside the window, or those of one
 * order. Every read goes through Medusa's modules; each returns its rows and the count of rows it read.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { isDinteroPayment, loadOrder, loadPayment, paymentsOf } from "../lib/medusa-data"
import { OPEN_SESSION_STATUSES, type SessionView } from "./plan"
import { merchantReferenceKind } from "../../mapping/merchant-reference"
import { idFloor, type ReconcileWindow } from "./window"
import { keptAuthorizationsIn } from "../../modules/dintero-payments/kept-authorizations"

export interface OrderPlacedCandidate { identity: string; what: "order_placed"; order_id: string }
export interface PaymentRecordCandidate { identity: string; what: "capture" | "refund"; payment_id: string; order_id?: string }
export interface EditCandidate {
  identity: string
  what: "order_edit"
  order_id: string
  actions: { action?: string; order_change_id?: string }[]
}
export interface CancellationCandidate { identity: string; what: "cancellation"; order_id: string }
export type Candidate = OrderPlacedCandidate | PaymentRecordCandidate | EditCandidate | CancellationCandidate

export interface CartSessions {
  cart_id: string
  sessions: (SessionView & { merchant_reference: string })[]
}

/**
 * How far before the window an edit may have been opened, a Dintero session created, and an order edit's keep mark
 * made (a mark still open at one run is looked at by the next: it ends within KEEP_MS) and still matter.
 */
export interface Lookbacks {
  editMs: number
  sessionMs: number
  keptMs: number
}

export class Reader {
  rows = 0
  constructor(private readonly container: MedusaContainer) {}

  private count<T>(rows: T[]): T[] {
    this.rows += rows.length
    return rows
  }

  private get query() {
    return this.container.resolve(ContainerRegistrationKeys.QUERY) as unknown as {
      // query.graph rows have no static type for fields given at run time: each caller reads the fields it asked for.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      graph(i: { entity: string; fields: string[]; filters: Record<string, unknown> }): Promise<{ data: any[] }>
    }
  }

  /** Orders placed in the window (or the one order) that hold a Dintero payment. */
  async dinteroOrders(scope: { window: ReconcileWindow } | { order_id: string }): Promise<string[]> {
    const filters = "order_id" in scope ? { id: scope.order_id } : { id: { $gte: idFloor("order", scope.window.from) } }
    const { data } = await this.query.graph({ entity: "order", fields: ["id", "payment_collections.payments.provider_id"], filters })
    return this.count(data)
      .filter((o) => paymentsOf(o).some(isDinteroPayment))
      .map((o) => o.id as string)
  }

  /** Captures and refunds made in the window on Dintero payments (or those of the one order). */
  async paymentRecords(scope: { window: ReconcileWindow } | { order_id: string }): Promise<PaymentRecordCandidate[]> {
    const out: PaymentRecordCandidate[] = []
    if ("order_id" in scope) {
      const order = await loadOrder(this.container, scope.order_id)
      this.count(order ? [order] : [])
      for (const p of paymentsOf(order).filter(isDinteroPayment)) {
        const full = await loadPayment(this.container, p.id)
        if (!full) continue
        this.count([full, ...(full.captures ?? []), ...(full.refunds ?? [])])
        for (const c of full.captures ?? []) out.push({ identity: `capture:${c.id}`, what: "capture", payment_id: p.id, order_id: scope.order_id })
        for (const r of full.refunds ?? []) out.push({ identity: `refund:${r.id}`, what: "refund", payment_id: p.id, order_id: scope.order_id })
      }
      return out
    }
    const payment = this.container.resolve(Modules.PAYMENT)
    const [captures, refunds] = await Promise.all([
      payment.listCaptures({ id: { $gte: idFloor("capt", scope.window.from) } } as never, { select: ["id", "payment_id"] }),
      payment.listRefunds({ id: { $gte: idFloor("ref", scope.window.from) } } as never, { select: ["id", "payment_id"] }),
    ])
    const rows = [
      ...this.count(captures).map((c) => ({ what: "capture" as const, id: c.id, payment_id: (c as { payment_id?: string }).payment_id })),
      ...this.count(refunds).map((r) => ({ what: "refund" as const, id: r.id, payment_id: (r as { payment_id?: string }).payment_id })),
    ].filter((r): r is { what: "capture" | "refund"; id: string; payment_id: string } => !!r.payment_id)
    const paymentIds = [...new Set(rows.map((r) => r.payment_id))]
    const payments = paymentIds.length
      ? this.count(await payment.listPayments({ id: paymentIds }, { select: ["id", "provider_id"] }))
      : []
    const dintero = new Set(payments.filter(isDinteroPayment).map((p) => p.id))
    for (const r of rows) {
      if (dintero.has(r.payment_id)) out.push({ identity: `${r.what}:${r.id}`, what: r.what, payment_id: r.payment_id })
    }
    return out
  }

  /** Order edits confirmed in the window (opened at most `editMs` before it), or those of the one order. */
  async confirmedEdits(scope: { window: ReconcileWindow; lookbacks: Lookbacks } | { order_id: string }): Promise<EditCandidate[]> {
    const order = this.container.resolve(Modules.ORDER)
    const filters =
      "order_id" in scope
        ? { order_id: scope.order_id, status: "confirmed", change_type: "edit" }
        : {
            id: { $gte: idFloor("ordch", new Date(scope.window.from.getTime() - scope.lookbacks.editMs)) },
            status: "confirmed",
            change_type: "edit",
          }
    const changes = this.count(
      await order.listOrderChanges(filters as never, { select: ["id", "order_id", "confirmed_at"], relations: ["actions"] })
    )
    return changes
      .filter((c) => "order_id" in scope || (c.confirmed_at && new Date(c.confirmed_at) >= scope.window.from))
      .map((c) => ({
        identity: `order_edit:${c.id}`,
        what: "order_edit" as const,
        order_id: c.order_id,
        actions: (c.actions ?? []).map((a) => ({ action: a.action, order_change_id: c.id })),
      }))
  }

  /**
   * Orders cancelled in the window (or the one order, when cancelled). Medusa records a cancellation only on the
   * order row (no new record), so this filter is on `updated_at` (see the README: the one read not on an id range).
   */
  async cancellations(scope: { window: ReconcileWindow } | { order_id: string }): Promise<CancellationCandidate[]> {
    const order = this.container.resolve(Modules.ORDER)
    const filters =
      "order_id" in scope ? { id: scope.order_id, status: "canceled" } : { status: "canceled", updated_at: { $gte: scope.window.from } }
    const rows = this.count(await order.listOrders(filters as never, { select: ["id"] }))
    return rows.map((o) => ({ identity: `cancellation:${o.id}`, what: "cancellation" as const, order_id: o.id }))
  }

  /**
   * Carts whose Dintero transactions are to be compared with Medusa's sessions: those with a Dintero session still
   * open (created at most `sessionMs` before the window: a Dintero session can be paid only that long) and those with
   * a session created in the window. For one order: its payment collections' sessions.
   */
  async cartsToCheck(scope: { window: ReconcileWindow; lookbacks: Lookbacks } | { order_id: string }): Promise<CartSessions[]> {
    const payment = this.container.resolve(Modules.PAYMENT)
    let filters: Record<string, unknown>
    if ("order_id" in scope) {
      const order = await loadOrder(this.container, scope.order_id)
      const collections = (order?.payment_collections ?? []).map((c) => c.id)
      if (!collections.length) return []
      filters = { payment_collection_id: collections }
    } else {
      filters = { id: { $gte: idFloor("payses", new Date(scope.window.from.getTime() - scope.lookbacks.sessionMs)) } }
    }
    const sessions = this.count(
      await payment.listPaymentSessions(filters as never, { select: ["id", "status", "amount", "data", "provider_id", "created_at"] })
    ).filter(isDinteroPayment)
    const byCart = new Map<string, CartSessions>()
    for (const s of sessions) {
      // The plugin's own keys of the session's data (JSON a storefront may have merged into): strings or nothing.
      const merchantReference = stringIn(s.data, "merchant_reference")
      if (!merchantReference) continue
      const declined = stringIn(s.data, "declined_transaction_id")
      const cart = byCart.get(merchantReference) ?? { cart_id: merchantReference, sessions: [] }
      cart.sessions.push({
        id: s.id,
        status: s.status,
        amount: s.amount,
        dintero_session_id: stringIn(s.data, "dintero_session_id"),
        merchant_reference: merchantReference,
        ...(declined && { declined_transaction_id: declined }),
      })
      byCart.set(merchantReference, cart)
    }
    const recent = (s: { id: string }) => "order_id" in scope || s.id >= idFloor("payses", scope.window.from)
    const open = (s: { status: string }) => OPEN_SESSION_STATUSES.has(s.status)
    return [...byCart.values()].filter((c) => c.sessions.some((s) => open(s) || recent(s)))
  }

  /**
   * Orders edited in the window (or the one order) whose kept authorizations may still wait for their move: those
   * with a keep mark made since the window's start (less `keptMs`) that is over (the confirm request ended, or its
   * process died). Keep marks are made only by order edits of authorized Dintero payments, so these are few.
   */
  async keptMoveOrders(scope: { window: ReconcileWindow; lookbacks: Lookbacks } | { order_id: string }): Promise<string[]> {
    if ("order_id" in scope) return [scope.order_id]
    const from = idFloor("digr", new Date(scope.window.from.getTime() - scope.lookbacks.keptMs))
    return this.count(await keptAuthorizationsIn(this.container).keptOrdersFrom(from))
  }

  /**
   * The order a Dintero session's merchant_reference belongs to, if any. The reference is the cart id for a checkout,
   * but the order id (or its payment collection's id) for a payment without a cart, such as the payment link after an
   * edit: read as a cart, such a paid session looked like a completion cut off half-way and was settled again on
   * every run.
   */
  async orderOfReference(reference: string): Promise<string | null> {
    const kind = merchantReferenceKind(reference)
    if (kind === "order") return reference
    const { data } =
      kind === "payment_collection"
        ? await this.query.graph({ entity: "order_payment_collection", fields: ["order_id"], filters: { payment_collection_id: reference } })
        : await this.query.graph({ entity: "order_cart", fields: ["order_id"], filters: { cart_id: reference } })
    return (this.count(data)[0]?.order_id as string | undefined) ?? null
  }
}

/** `data[key]` when it is a string. */
function stringIn(data: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const value = data?.[key]
  return typeof value === "string" ? value : undefined
}
