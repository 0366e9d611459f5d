import { model } from "@medusajs/framework/utils"

/**
 * The Orders API mirror of one Medusa order: the Dintero order id and what was last sent (see src/mapping/orders-mirror/state.ts for
 * the shape of `state`). One row per Medusa order, linked to it (src/links/order-dintero-mirror.ts).
 */
export const DinteroOrderMirror = model.define("dintero_order_mirror", {
  id: model.id({ prefix: "dimir" }).primaryKey(),
  order_id: model.text().unique(),
  /** The id used in `/shopping/orders/{order_id}` paths; null until the first draft is completed. */
  dintero_order_id: model.text().nullable(),
  currency_code: model.text().nullable(),
  /** MirrorState: snapshot, every Orders line ever sent, Checkout line map, payments. */
  state: model.json().nullable(),
  /**
   * RecordedTotals (src/mapping/orders-mirror/ledger.ts): per-line sums of the order's Orders payment records, so a
   * capture or refund is planned without listing them at Dintero. Null means "read them from Dintero". Taken off
   * (nulled) by every attempt before it sends, and put back only together with the attempt's done mark
   * (DinteroOrdersService.claimAttempt / finishOperation).
   */
  recorded: model.json().nullable(),
  /** Bumped by every take of `recorded`: only the attempt that took it last may put it back. */
  recorded_version: model.number().default(0),
})
