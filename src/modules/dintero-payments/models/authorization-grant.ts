import { model } from "@medusajs/framework/utils"

/**
 * A short-lived permission an order edit gives the payment provider (see ../kept-authorizations.ts):
 * - `keep`: Medusa's cancel of the payment holding Dintero transaction `subject` leaves the authorization in place;
 * - `reuse`: the next Dintero payment session of payment collection `subject` takes over transaction
 *   `transaction_id` for `amount` (minor units) instead of asking the shopper to pay again; consumed once.
 * In the database, not in memory, because the confirm request (server) and the step or provider call that reads the
 * grant may run in different processes. Rows past `expires_at` are ignored.
 */
export const DinteroAuthorizationGrant = model
  .define("dintero_authorization_grant", {
    id: model.id({ prefix: "digr" }).primaryKey(),
    kind: model.enum(["keep", "reuse"]),
    /** Dintero transaction id (keep) or Medusa payment collection id (reuse). */
    subject: model.text(),
    transaction_id: model.text(),
    order_id: model.text().nullable(),
    /** Minor units the reusing payment may take (reuse only). */
    amount: model.number().nullable(),
    expires_at: model.dateTime(),
    /** Set when a reuse grant was taken, or a keep mark released; such rows are never read again. */
    consumed_at: model.dateTime().nullable(),
  })
  .indexes([{ on: ["kind", "subject"], where: "deleted_at IS NULL AND consumed_at IS NULL" }])
