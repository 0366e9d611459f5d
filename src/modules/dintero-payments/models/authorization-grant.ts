import { model } from "@medusajs/framework/utils"

/**
 * A short-lived permission an order edit gives the payment provider (see ../kept-authorizations.ts):
 * - `keep`: Medusa's cancel of the payment holding Dintero transaction `subject` leaves the authorization in place;
 * - `reuse`: the next Dintero payment session of payment collection `subject` takes over transaction
 *   `transaction_id` for `amount` (minor units) instead of asking the shopper to pay again; consumed once;
 * - `release`: the edited order no longer needs the kept authorization of transaction `subject` (`amount` held, minor
 *   units): the plugin voids it. Written before the void and consumed once it is done, so a process that dies in
 *   between leaves the decision for the reconciliation to carry out (src/workflows/lib/release-kept-authorization.ts).
 * In the database, not in memory, because the confirm request (server) and the step or provider call that reads the
 * grant may run in different processes. Keep and reuse rows past `expires_at` are ignored; a release never expires
 * (its `expires_at` is null).
 */
export const DinteroAuthorizationGrant = model
  .define("dintero_authorization_grant", {
    id: model.id({ prefix: "digr" }).primaryKey(),
    kind: model.enum(["keep", "reuse", "release"]),
    /** Dintero transaction id (keep, release) or Medusa payment collection id (reuse). */
    subject: model.text(),
    transaction_id: model.text(),
    order_id: model.text().nullable(),
    /** Minor units the reusing payment may take (reuse), or the released authorization held (release). */
    amount: model.number().nullable(),
    expires_at: model.dateTime().nullable(),
    /** Why a release was decided (`covered`, `no_open_collection`: mapping/kept-move.ts); said in its notice. */
    reason: model.text().nullable(),
    /** Set when a reuse grant was taken, a keep mark released, or a release carried out (voided). */
    consumed_at: model.dateTime().nullable(),
  })
  .indexes([{ on: ["kind", "subject"], where: "deleted_at IS NULL AND consumed_at IS NULL" }])
