import { defineMiddlewares } from "@medusajs/framework/http"
import { keepAuthorizationsForOrderEdit } from "./admin/dintero/middlewares/keep-authorizations"

export default defineMiddlewares({
  routes: [
    {
      // Before Medusa confirms an order edit (and cancels the order's authorized payment, issue #14984), mark the
      // order's Dintero authorizations as kept so the provider does not void them.
      matcher: "/admin/order-edits/:id/confirm",
      method: ["POST"],
      middlewares: [keepAuthorizationsForOrderEdit],
    },
  ],
})
