import OrderModule from "@medusajs/medusa/order"
import { defineLink } from "@medusajs/framework/utils"
import DinteroOrdersModule from "../modules/dintero-orders"

/**
 * Medusa order → its Dintero Orders mirror, readable from the order's side (`order.dintero_order_mirror` in
 * `query.graph`). Read-only: the mirror's own unique `order_id` is the link, so there is no link table to write
 * (one fact, one place; a link row per placed order cost about 4 ms of CPU on the order.placed road).
 */
export default defineLink(
  { linkable: OrderModule.linkable.order, field: "id" },
  { ...DinteroOrdersModule.linkable.dinteroOrderMirror.id, primaryKey: "order_id" },
  { readOnly: true }
)
