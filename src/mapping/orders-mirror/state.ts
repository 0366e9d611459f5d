import type { MirrorSnapshot } from "../orders"

/**
 * Every line the mirror ever sent to the Orders API. `snapshot` (from src/mapping/orders.ts) holds only the lines
 * that stand for the order's current Medusa items/shipping; this list also keeps reversed lines, reversal lines
 * and "refund remaining" lines, which payment records must know about.
 */
export interface LedgerLine {
  line_id: number
  /** Medusa item id / `shipping:<id>`; empty for refund-remaining lines. */
  medusa_id: string
  role: "item" | "reversal" | "refund_remaining"
  gross_amount: number
  /** Added by an order edit (not by the order as placed). */
  from_edit: boolean
  /** Line id of the reversal line, once reversed. */
  reversed_by?: number
}

export interface MirrorState {
  snapshot: MirrorSnapshot
  lines: LedgerLine[]
  /** Checkout transaction line id (cart item id, `shipping_<id>`) → Medusa id of the order line it became. */
  checkout_lines: Record<string, string>
  /** Medusa payment id → Dintero transaction id (payment_details.payment_id). */
  payments: Record<string, string>
  /** The payment authorized at checkout; its authorization is recorded with the placement. */
  original_payment_id?: string
  /** Authorizations Medusa voided at an order edit, recorded as cancellations with the next authorization. */
  pending_voids?: { key: string; body: { items: { line_id: number; amount: number }[]; payment_details: { payment_id: string }; success: true } }[]
}

/** Lines that can still carry money: not reversed, not a reversal. */
export function liveLines(state: Pick<MirrorState, "lines">): LedgerLine[] {
  return state.lines.filter((line) => line.role !== "reversal" && line.reversed_by === undefined)
}
