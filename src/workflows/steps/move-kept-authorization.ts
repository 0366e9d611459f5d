import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { StepResponse, createStep } from "@medusajs/framework/workflows-sdk"
import { amountToCollect } from "../../mapping/amount-to-collect"
import { fromMinorUnits, toMinorUnits, type DecimalInput } from "../../mapping/money"
import { dinteroClientFor, dinteroConfiguration } from "../../lib/dintero-registry"
import { testFaultPoint } from "../../lib/test-fault-point"
import { isDinteroProviderId } from "../../providers/dintero/provider-id"
import { loadOrder, paymentsOf, type OrderRow } from "../lib/medusa-data"
import { processOrderOutbox } from "../outbox/schedule"
import {
  CAPTURE_FIELDS,
  collectOnly,
  finishKeptMove,
  heldAuthorizations,
  moveKept,
  moveLeft,
  releaseUnneeded,
  newCollectionOf,
  notifyKept,
  withdrawStaleLinks,
  withKeptMoveLock,
  type MovedAuthorization,
} from "../lib/move-kept-authorization"
import { messageOf } from "../../lib/error-message"

export type { MovedAuthorization }

/**
 * After an order edit on an authorized, uncaptured Dintero payment (Medusa issue #14984): the authorization that
 * Medusa would have voided was kept (see modules/dintero-payments/kept-authorizations.ts); move it to the payment
 * collection Medusa opened for the new total, so the shopper does not pay twice and no hold is released silently:
 *   - new total within the authorization: one payment reusing it (its last capture releases any rest);
 *   - higher, Klarna/Billie: Dintero's authorization is raised to the new total, then reused;
 *   - higher, other methods: the authorization is reused for what it holds, and a new Dintero session is opened
 *     for the difference; its checkout URL is the payment link the merchant sends (shown in the admin widget).
 * In every case money another authorization of the order still captures (a part-captured one, which Medusa counts
 * only for its captures) is not asked for again: see mapping/amount-to-collect.ts.
 * A kept authorization the new total does not need at all (the older ones cover it, or no unpaid collection is open)
 * is voided at Dintero, with the reason in a notice (issue 9); the decision is in the database first, so the
 * reconciliation finishes it if this process dies before the void. The decision itself is mapping/kept-move.ts, its
 * I/O lib/move-kept-authorization.ts: the reconciliation runs the same move for an order whose step died before it
 * moved anything (reconcile/reconcile.ts), under the same lock.
 * Whatever cannot be done is written on the order's Dintero mirror as a needs_action notice for the merchant.
 * No compensation: the step does not throw (each failure becomes a notice), and undoing a move would release or
 * double the shopper's authorization; the notice tells the merchant what is left to do.
 */
export const moveKeptAuthorizationStep = createStep(
  "dintero-move-kept-authorization",
  async (input: { order_id: string }, { container }) => {
    const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
    let released = false
    const result = await withKeptMoveLock(container, input.order_id, async () => {
      const moved: MovedAuthorization[] = []
      // What is left, from the records: kept authorizations not yet taken over by another payment of the order, or a
      // move that stopped half-way (so a second delivery of the event, or a move the reconciliation made first,
      // moves nothing twice, and a half-done one is finished).
      const left = await moveLeft(container, input.order_id)
      await testFaultPoint("move-kept-authorization", (line) => logger.warn(line))
      await withdrawStaleLinks(container, input.order_id)
      const moving = left.kept.length > 0 || left.unfinished
      if (moving) {
        try {
          moved.push(...(await moveKept(container, input.order_id)))
        } catch (e) {
          moved.push(...left.transactions.map((transactionId) => ({ transaction_id: transactionId, problem: stopped(e), problemNext: RESUMED })))
        }
      } else {
        // Nothing kept: an edit that left the order owing nothing releases what it no longer needs.
        try {
          await releaseUnneeded(container, input.order_id)
        } catch (e) {
          logger.warn(`[dintero] order ${input.order_id}: could not decide whether its authorizations are still needed (the reconciliation looks again): ${messageOf(e)}`)
        }
      }
      // Releases decided above (and any an earlier run left pending) are carried out now; one that fails stays
      // decided in the database, and the reconciliation carries it out (lib/release-kept-authorization.ts).
      const finished = await finishKeptMove(container, input.order_id, moved)
      released = finished.releases.length > 0
      if (!moving) {
        try {
          await openDifferenceSession(container, input.order_id)
        } catch (e) {
          await notifyKept(
            container,
            input.order_id,
            `difference:${input.order_id}`,
            `The order's total rose with the edit, but no Dintero payment link could be opened for the difference: ${messageOf(e)}. Open one from the order's payment collection.`
          )
        }
      }
      return finished.moved
    })
    // A release enqueued its Orders record: sent now by the order's pass (it never rejects; what fails waits for the
    // retry job).
    if (released) await processOrderOutbox(container, input.order_id)
    // What was moved (or not); the released ones are logged (and noticed) by finishKeptMove.
    return new StepResponse(result)
  }
)

/** What a move that stopped says: the reconciliation resumes it from the records (lib/move-kept-authorization.ts). */
export const stopped = (e: unknown) => `the move stopped before it was done (${messageOf(e)})`
export const RESUMED =
  "The reconciliation resumes the move from where it stopped (it runs every few minutes, or now with the order's Retry); if it cannot, its findings say why."

/**
 * An edit that raised the total of an order whose Dintero payment was not kept (captured in full or in part, or
 * another payment): Medusa opened a collection for total − (captured − refunded). A Dintero session gives the
 * merchant the payment link the widget shows (GET /admin/dintero/orders/:id `payment_link`), for that amount less
 * what the order's part-captured authorizations can still capture (issue 9: the link asked the shopper for that rest
 * a second time while the merchant could still capture it). The collection is lowered to what the link asks, so
 * Medusa's payment records add up once the merchant captures the old rest and the link's payment; when the rest
 * covers everything (an edit that lowered a part-captured order) no link is needed and the collection is cancelled.
 * Runs again on every later edit: the amount starts from Medusa's outstanding amount (the order summary's pending
 * difference, which our lowering does not change), so a second run subtracts nothing twice; an unpaid link of another
 * amount (an earlier edit's) is withdrawn and replaced, so the link always asks for what the order now owes.
 * Nothing when the order was not paid with Dintero.
 */
async function openDifferenceSession(container: MedusaContainer, orderId: string): Promise<void> {
  const order = (await loadOrder(container, orderId, [...CAPTURE_FIELDS, "summary"])) as (OrderRow & { summary?: { pending_difference?: DecimalInput } | null }) | null
  const dintero = paymentsOf(order).find((p) => p.provider_id?.startsWith("pp_dintero"))
  if (!order || !dintero) return
  const target = newCollectionOf(order)
  if (!target) return
  const currency = String(target.currency_code ?? order.currency_code).toUpperCase()
  const pending = order.summary?.pending_difference
  const due = toMinorUnits(pending ?? target.amount, currency)
  const links = (target.payment_sessions ?? []).filter((ps) => isDinteroProviderId(ps.provider_id) && ps.status === "pending")
  if (due <= 0 && links.length === 0) return
  const config = dinteroConfiguration()
  if (!config) throw new Error("no Dintero payment provider is configured")
  const split = amountToCollect(Math.max(0, due), 0, await heldAuthorizations(dinteroClientFor(config), order, target.id))
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const current = links.filter((ps) => toMinorUnits(ps.amount ?? 0, currency) === split.link)
  for (const stale of links.filter((ps) => !current.includes(ps))) await payments.deletePaymentSession(stale.id)
  await collectOnly(container, target, toMinorUnits(target.amount, currency), split.collection, currency)
  if (split.link === 0 || current.length > 0) return
  await payments.createPaymentSession(target.id, {
    provider_id: dintero.provider_id,
    currency_code: currency.toLowerCase(),
    amount: fromMinorUnits(split.link, currency),
    data: {},
  })
}

