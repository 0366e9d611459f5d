import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { keptAuthorizationsIn } from "../../../../modules/dintero-payments/kept-authorizations"
import { isDinteroProviderId } from "../../../../providers/dintero/provider-id"
import { loadOrderPaymentCollections } from "../../../../workflows/lib/medusa-data"
import { pathParam } from "../lib/path-param"
import { messageOf } from "../../../../lib/error-message"

/**
 * Marks the Dintero authorizations an order edit would make Medusa void: payments of the order that are authorized
 * and not captured at all. A partly captured payment cannot be voided at Dintero anyway (its rest is released by its
 * final capture). The order id is the route's `:id` (Medusa's order-edit routes are keyed by order).
 */
export async function keepAuthorizationsForOrderEdit(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  const orderId = pathParam(req, "id")
  const logger = req.scope.resolve(ContainerRegistrationKeys.LOGGER)
  // The marks are the dintero-payments module's records (the database), not the provider's: nothing here touches
  // the provider or its memory.
  const kept = keptAuthorizationsIn(req.scope)
  // Only Medusa's confirm, within this request, may skip the void; an order cancelled later is voided as usual.
  // The release is sent when the response ends and not awaited (the response is already on its way). Should it be
  // lost (this process dies, the database refuses), the marks expire on their own within KEEP_MS
  // (modules/dintero-payments/kept-authorizations.ts), and an authorization whose order was cancelled meanwhile
  // without its void is released by the reconciliation's kept-move sweep (workflows/reconcile, keptMoveOrders).
  let released = false
  const release = () => {
    if (released) return
    released = true
    kept.release(orderId).catch((e) =>
      logger.warn(`[dintero] could not end the keeping of order ${orderId}'s authorizations (they expire on their own): ${messageOf(e)}`)
    )
  }
  res.once("finish", release)
  res.once("close", release)
  try {
    for (const collection of await loadOrderPaymentCollections(req.scope, orderId, ["payment_collections.payments.captures.id"])) {
      for (const payment of collection.payments ?? []) {
        const tx = payment.data?.transaction_id
        if (
          isDinteroProviderId(payment.provider_id) &&
          typeof tx === "string" &&
          !payment.canceled_at &&
          (payment.captures ?? []).length === 0
        ) {
          // Written (committed) before Medusa's confirm runs: the cancel that reads it may run in another process.
          await kept.keep(tx, orderId)
        }
      }
    }
  } catch (e) {
    // Never block the merchant's edit: without the mark Medusa's default (void and pay again) applies.
    logger.warn(`[dintero] could not check the order's Dintero authorizations before the edit: ${messageOf(e)}`)
  }
  next()
}
