/**
 * What a handler gets for one run of one operation: the typed row, the order's mirror, the Medusa container (for
 * reads through `query`), the Dintero client, the recorder, and the ways to persist its plan and the mirror.
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import type { DinteroClient } from "../../dintero"
import type { MirrorState } from "../../mapping/orders-mirror/state"
import type { OrderRow } from "../lib/medusa-data"
import type { OperationKind } from "../../modules/dintero-orders/models/order-operation"
import type { MirrorOptions } from "../../modules/dintero-orders/options"
import type { Operation, OperationPlan, Progress } from "./operation"
import type { OrdersRecorder } from "./orders-recorder"

export interface Mirror {
  id: string
  order_id: string
  dintero_order_id: string | null
  currency_code: string | null
  state: MirrorState | null
}

/**
 * What the caller of a pass read moments before in the same job, for the pass to reuse instead of reading it again.
 * Only a saving, never a source of truth: a pass started elsewhere (the scheduled job, a retry) has none and reads
 * everything itself, and a handler uses a hint only where reading it again could not tell it more.
 */
export interface PassHints {
  /** The order's payment collections, payments and sessions (loadOrderPayments), as the `order.placed` enqueue read them. */
  orderPayments?: Pick<OrderRow, "id" | "payment_collections">
}

export interface OperationContext<K extends OperationKind> {
  /** See PassHints; empty for passes nobody handed anything. */
  readonly hints: PassHints
  readonly container: MedusaContainer
  readonly orderId: string
  readonly op: Operation<K>
  /** The order's mirror row; `saveMirror` keeps it current. */
  readonly mirror: Mirror
  readonly client: DinteroClient
  readonly options: MirrorOptions
  readonly recorder: OrdersRecorder
  /** Stores the plan (computed once, on the first attempt; retries re-send it unchanged). */
  setPlan(plan: OperationPlan<K>): Promise<void>
  /**
   * Takes the plan without saving it now: it is saved with the attempt's next save. For a plan nothing has been sent
   * for yet: should the attempt end before that save, the retry plans afresh, and nothing went out under the old one.
   */
  holdPlan(plan: OperationPlan<K>): void
  /** Records how far the operation got (saved at once: a crash resumes from here). */
  setProgress<P extends keyof Progress>(key: P, value: Progress[P]): Promise<void>
  saveMirror(update: Partial<Pick<Mirror, "dintero_order_id" | "currency_code" | "state">>): Promise<void>
  /** A needs_action row the merchant sees in the mirror (created once per key). */
  notice(key: string, message: string): Promise<void>
}
