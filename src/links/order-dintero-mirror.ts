import OrderModule from "@medusajs/medusa/order"
import { defineLink } from "@medusajs/framework/utils"
import DinteroOrdersModule from "../modules/dintero-orders"

/** Medusa order → its Dintero Orders mirror (read-only from the order's side: `order.dintero_order_mirror`). */
export default defineLink(OrderModule.linkable.order, DinteroOrdersModule.linkable.dinteroOrderMirror)
