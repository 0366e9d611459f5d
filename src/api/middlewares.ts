import { defineMiddlewares, validateAndTransformBody, validateAndTransformQuery } from "@medusajs/framework/http"
import { keepAuthorizationsForOrderEdit } from "./admin/dintero/middlewares/keep-authorizations"
import {
  AdminDinteroEmptyBody,
  AdminDinteroOrderMirrorQuery,
  AdminDinteroPaymentsQuery,
  AdminDinteroRetryBody,
} from "./admin/dintero/validators"

export default defineMiddlewares({
  routes: [
    {
      // Before Medusa confirms an order edit (and cancels the order's authorized payment, issue #14984), mark the
      // order's Dintero authorizations as kept so the provider does not void them.
      matcher: "/admin/order-edits/:id/confirm",
      method: ["POST"],
      middlewares: [keepAuthorizationsForOrderEdit],
    },
    {
      matcher: "/admin/dintero/payments",
      method: ["GET"],
      middlewares: [validateAndTransformQuery(AdminDinteroPaymentsQuery, {})],
    },
    {
      matcher: "/admin/dintero/orders/:id",
      method: ["GET"],
      middlewares: [validateAndTransformQuery(AdminDinteroOrderMirrorQuery, {})],
    },
    {
      matcher: "/admin/dintero/orders/:id/retry",
      method: ["POST"],
      middlewares: [validateAndTransformBody(AdminDinteroRetryBody)],
    },
    {
      matcher: "/admin/dintero/settings/test-connection",
      method: ["POST"],
      middlewares: [validateAndTransformBody(AdminDinteroEmptyBody)],
    },
  ],
})
