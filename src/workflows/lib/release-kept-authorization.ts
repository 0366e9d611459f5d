import type { IPaymentModuleService, MedusaContainer, UpdatePaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { capturedAmount, isDinteroError, type DinteroClient, type Transaction } from "../../dintero"
import { dinteroClientFor, dinteroConfiguration } from "../../lib/dintero-registry"
import { releaseOutcome, type ReleaseOutcome } from "../../mapping/kept-release"
import { fromMinorUnits } from "../../mapping/money"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import type { NoticeStatus } from "../../modules/dintero-orders/service"
import { writeOutboxRows } from "../outbox/enqueue"
import { keptAuthorizationsIn, type ReleaseRecord } from "../../modules/dintero-payments/kept-authorizations"
import { isDinteroPayment, loadOrderPaymentCollections, transactionIdOf, type PaymentRow } from "./medusa-data"
import { messageOf } from "../../lib/error-message"

export type { ReleaseOutcome }

/**
 * Carries out a release decision (modules/dintero-payments, kind `release`; decided by the order edit's move,
 * steps/move-kept-authorization.ts): the kept authorization the edited order no longer needs is voided at Dintero,
 * Medusa's payments that name it (cancelled by Medusa when the edit was confirmed) record the void, the order gets a
 * notice with the reason, and the decision is marked done. Every part may run again with the same result (a void
 * of a voided transaction is read back, not sent; the notice's identity is unique; the data update writes the same
 * data), so the step that decided and the reconciliation may both run it, in any process.
 *
 * Never voids a transaction a live (not cancelled) Medusa payment names: that payment backs money the order needs.
 * A Dintero failure leaves the decision pending (the reconciliation tries again) and is thrown to the caller.
 */
export async function carryOutRelease(container: MedusaContainer, release: ReleaseRecord, client = clientOrThrow()): Promise<ReleaseOutcome> {
  const kept = keptAuthorizationsIn(container)
  let all = await dinteroPaymentsOf(container, release.orderId)
  if (release.reason === "order_needs_nothing") {
    // A live payment the order needs nothing from: Medusa cancels it (its provider voids the authorization), so
    // Medusa's records say what Dintero's do. One with a capture since is left: it is in use, and never voided.
    const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
    const live = all.filter((p) => transactionIdOf(p) === release.transactionId && !p.canceled_at && !(p.captures ?? []).length)
    for (const p of live) await payments.cancelPayment(p.id)
    if (live.length > 0) all = await dinteroPaymentsOf(container, release.orderId)
  }
  const payments = all.filter((p) => transactionIdOf(p) === release.transactionId)
  const tx = await client.checkout.getTransaction(release.transactionId)
  const outcome = releaseOutcome({ status: tx.status, captured: capturedAmount(tx), inUseBy: payments.filter((p) => !p.canceled_at).map((p) => p.id) })
  let after: Transaction = tx
  if (outcome.kind === "void") after = await voidOnce(client, tx.id)
  await recordOnPayments(container, payments.filter((p) => p.canceled_at), after)
  const covering = coveringTransactions(all, release.transactionId)
  // Released, or nothing is left of it to capture: what the Orders order still records as authorized for it is
  // cancelled there, through the outbox (handlers/cancellation.ts, one transaction), before the decision is done.
  if (outcome.kind === "void" || outcome.kind === "voided_already") await enqueueReleaseRecord(container, release)
  await notice(container, release.orderId, `released:${release.transactionId}`, noticeText(outcome, release, after, covering), outcome.kind === "not_voidable" ? "needs_action" : "skipped")
  await kept.finishRelease(release.transactionId)
  return outcome
}

/** The order's Dintero payments with their captures (cancelled ones too). */
async function dinteroPaymentsOf(container: MedusaContainer, orderId: string): Promise<PaymentRow[]> {
  const captures = ["payment_collections.payments.captures.id", "payment_collections.payments.captures.amount"]
  return (await loadOrderPaymentCollections(container, orderId, captures)).flatMap((c) => c.payments ?? []).filter(isDinteroPayment)
}

/** The identity of the Orders record of a release (kind `cancellation`, of the one transaction). */
export const releaseRecordIdentity = (transactionId: string) => `cancellation:released:${transactionId}`

/**
 * Enqueues (does not send) the Orders API record of a release: a cancellation of what the Orders order still has
 * authorized for the transaction, planned when it runs (an authorization the Orders order never held plans nothing).
 * Only for a mirrored order; once per transaction (its identity), whoever carries the release out.
 */
async function enqueueReleaseRecord(container: MedusaContainer, release: ReleaseRecord) {
  const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  if (!svc.mirrorOptions.ordersMirror) return
  const [mirror] = await svc.listDinteroOrderMirrors({ order_id: release.orderId })
  if (!mirror) return
  await writeOutboxRows(container, {
    order_id: release.orderId,
    operations: [{ identity: releaseRecordIdentity(release.transactionId), kind: "cancellation", input: { order_id: release.orderId, transaction_id: release.transactionId } }],
  })
}

/**
 * The releases no step carried out (its process died between the decision and the void, or Dintero failed): of one
 * order, or of the whole store. Each is tried on its own; one that fails stays pending for the next run.
 */
export async function carryOutPendingReleases(
  container: MedusaContainer,
  orderId?: string
): Promise<{ release: ReleaseRecord; outcome?: ReleaseOutcome; error?: string }[]> {
  const pending = await keptAuthorizationsIn(container).releases({ pending: true, ...(orderId && { orderId }) })
  if (pending.length === 0) return []
  const client = clientOrThrow()
  const results: { release: ReleaseRecord; outcome?: ReleaseOutcome; error?: string }[] = []
  for (const release of pending) {
    try {
      results.push({ release, outcome: await carryOutRelease(container, release, client) })
    } catch (e) {
      results.push({ release, error: messageOf(e) })
    }
  }
  return results
}

function clientOrThrow(): DinteroClient {
  const config = dinteroConfiguration()
  if (!config) throw new Error("no Dintero payment provider is configured")
  return dinteroClientFor(config)
}

/** `POST /void`, once: a transaction already voided (an earlier attempt whose answer was lost) is read back. */
async function voidOnce(client: DinteroClient, transactionId: string): Promise<Transaction> {
  try {
    return (await client.checkout.voidTransaction(transactionId)).transaction
  } catch (e) {
    if (!(isDinteroError(e) && e.status === 400)) throw e
    const tx = await client.checkout.getTransaction(transactionId)
    if (tx.status !== "AUTHORIZATION_VOIDED") throw e
    return tx
  }
}

/**
 * Medusa's cancelled payments that name the transaction get its status (`dintero_status`), so their data tells the
 * truth and a later cancel of the order (Medusa cancels every uncaptured payment again, cancelled ones included)
 * reads the transaction instead of voiding it a second time (providers/dintero/money-movement.ts, `void`).
 */
async function recordOnPayments(container: MedusaContainer, cancelled: PaymentRow[], tx: Transaction) {
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  for (const p of cancelled) {
    if (p.data?.dintero_status === tx.status) continue
    // Medusa's UpdatePaymentDTO names only the id, but its payment module writes the data it is given.
    const update: UpdatePaymentDTO & { data: Record<string, unknown> } = { id: p.id, data: { ...p.data, dintero_status: tx.status } }
    await payments.updatePayment(update)
  }
}

/** The Dintero transactions the order's live payments hold: what covers the order now. */
function coveringTransactions(payments: PaymentRow[], released: string): string[] {
  const live = payments.filter((p) => !p.canceled_at)
  return [...new Set(live.map(transactionIdOf).filter((t): t is string => !!t && t !== released))]
}

function noticeText(outcome: ReleaseOutcome, release: ReleaseRecord, tx: Transaction, covering: string[]): string {
  const currency = (tx.currency ?? "").toUpperCase()
  const held = `${fromMinorUnits(release.amount, currency)} ${currency}`
  const by = covering.length > 0 ? `its other authorization${covering.length > 1 ? "s" : ""} (${covering.join(", ")})` : "its other authorizations"
  const why =
    release.reason === "no_open_collection"
      ? `after an order edit, the order has no unpaid payment collection to move it to (Medusa opened none for the edited order, or it was paid or cancelled otherwise), so this authorization backs no money the order still asks for`
      : release.reason === "order_needs_nothing"
        ? `after an order edit, the order asks nothing more of the shopper (Medusa's outstanding amount is at or below 0, e.g. the edited lines are covered by the gift card or store credit), so this authorization backs no money the order needs`
        : `after an order edit, the order's new total is covered by ${by}, so this authorization was not needed`
  const what = `The Dintero authorization ${release.transactionId} (${held})`
  switch (outcome.kind) {
    case "void":
      return `${what} was voided at Dintero: ${why}. The shopper's money is released; nothing is left to do.`
    case "voided_already":
      return `${what} is voided at Dintero: ${why}. Nothing is left to do.`
    case "in_use":
      return `${what} was found not needed after an order edit, but it was not voided: ${outcome.reason}`
    case "not_voidable":
    case "nothing_held":
      return `${what} was not voided: ${why}, but ${outcome.reason}`
  }
}

async function notice(container: MedusaContainer, orderId: string, key: string, message: string, status: NoticeStatus) {
  try {
    await container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE).recordNotice(orderId, key, message, status)
  } catch (e) {
    // The void is done either way; the log keeps the reason when the notice cannot be written.
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`[dintero] ${message} (and the notice could not be saved: ${messageOf(e)})`)
  }
}
