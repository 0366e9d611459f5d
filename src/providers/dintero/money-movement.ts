import { MedusaError } from "@medusajs/framework/utils"
import type { BigNumberInput } from "@medusajs/framework/types"
import { DinteroError, capturedByDinteroItself, type Transaction, type TransactionItemRef } from "../../dintero"
import { NotEnoughLeft, allocateCapture, allocateRefund } from "../../mapping/allocation"
import { fromMinorUnits, lastRunningTotalPart, runningTotalParts, toMinorUnits, type DecimalInput } from "../../mapping/money"
import {
  capturedAmount,
  eventKindOf,
  exactAmount,
  findEventByReference,
  moneyReference,
  recordPosition,
  unattachedReference,
  type MoneyOperation,
} from "../../mapping/references"
import { callDintero, toMedusaError } from "./errors"
import {
  listMoneyRecords,
  parkUnresolved,
  retrieveCapture,
  retrieveRefund,
  settleUnresolved,
  unresolvedReferences,
} from "./medusa-records"
import { dataAfter, pickPaymentData, withTransaction, type DinteroPaymentData } from "./payment-data"
import type { PaymentStatus } from "./payment-status"
import type { ProviderContext } from "./provider-context"
import { VOID_ON_PART_CAPTURE_PRODUCTS as VOID_ON_PART_CAPTURE } from "../../dintero/payment-products"
import { messageOf } from "../../lib/error-message"

type Result = { data: DinteroPaymentData }

/**
 * Capture, refund and void on the Dintero transaction, each exactly once.
 *
 * Normally one Dintero request: the lines and what each has captured/refunded are known from the transaction
 * Dintero returned last time (kept in the payment data). The transaction is read first only when that knowledge
 * may be stale: an earlier attempt of this payment ended without knowing whether Dintero applied it (its reference
 * is then parked on the payment), the data predates line tracking, or Dintero refuses the allocation (e.g. after a
 * capture made in Dintero Backoffice).
 */
export class MoneyMovement {
  constructor(
    private readonly ctx: ProviderContext,
    private readonly status: PaymentStatus
  ) {}

  /** Medusa does not pass the amount: the capture row it committed before calling us (`captureId`) has it. */
  async capture(data: DinteroPaymentData, captureId: string | undefined): Promise<Result> {
    const transactionId = requireTransactionId(data, "capture")
    if (!captureId) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, "Dintero capture needs the Medusa capture id")
    }
    const capture = await retrieveCapture(this.ctx.cradle, captureId)
    const paymentId = capture.payment_id ?? capture.payment?.id
    const { reference, amount } = await this.referenceOf("capture", paymentId, captureId, exactAmount(capture), data.currency)
    return await this.send("capture", data, transactionId, paymentId, captureId, reference, amount)
  }

  async refund(data: DinteroPaymentData, refundAmount: BigNumberInput, refundId: string | undefined): Promise<Result> {
    const transactionId = requireTransactionId(data, "refund")
    let paymentId: string | undefined
    if (refundId) {
      const refund = await retrieveRefund(this.ctx.cradle, refundId)
      paymentId = refund.payment_id ?? refund.payment?.id
    }
    const { reference, amount } = await this.referenceOf("refund", paymentId, refundId, refundAmount as DecimalInput, data.currency)
    return await this.send("refund", data, transactionId, paymentId, refundId, reference, amount)
  }

  /**
   * Releases the authorization. Known authorized: void straight away; otherwise (or if Dintero disagrees) read the
   * transaction and decide. Nobody paid: `whenUnpaid` cancels the session so the shopper cannot pay later.
   */
  async void(data: DinteroPaymentData, whenUnpaid: () => Promise<unknown>): Promise<Result> {
    const checkout = this.ctx.client.checkout
    if (data.transaction_id && data.dintero_status === "AUTHORIZED") {
      try {
        return { data: dataAfter(data, (await checkout.voidTransaction(data.transaction_id)).transaction) }
      } catch (e) {
        if (!(e instanceof DinteroError && e.status === 400)) {
          throw toMedusaError("void the Dintero transaction", e)
        }
      }
    }
    const tx = await this.status.findTransaction(data)
    if (!tx) {
      await whenUnpaid()
      return { data: pickPaymentData({ ...data, dintero_status: "SESSION_CANCELLED" }) }
    }
    switch (tx.status) {
      case "AUTHORIZATION_VOIDED":
      case "DECLINED":
      case "FAILED":
        return { data: dataAfter(data, tx) }
      case "AUTHORIZED":
      case "ON_HOLD":
      case "INITIATED": {
        const result = await callDintero("void the Dintero transaction", () => checkout.voidTransaction(tx.id))
        return { data: dataAfter(data, result.transaction) }
      }
      default:
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `Dintero transaction ${tx.id} is ${tx.status}: money has been captured, so it cannot be voided. Refund it instead.`
        )
    }
  }

  /**
   * The reference of this operation (see mapping/references.ts), from its record's position among the payment's, and
   * its amount in minor units: the step it adds to the payment's running total of that operation, rounded once
   * (runningTotalParts), so Dintero's captures and refunds add up to Medusa's to the øre however Medusa split them.
   */
  protected async referenceOf(
    operation: MoneyOperation,
    paymentId: string | undefined,
    recordId: string | undefined,
    exact: DecimalInput,
    currency: string
  ): Promise<{ reference: string; amount: number }> {
    if (!paymentId || !recordId) {
      const amount = toMinorUnits(exact, currency)
      return { reference: unattachedReference(operation, recordId, amount), amount }
    }
    const records = await listMoneyRecords(this.ctx.cradle, operation, paymentId)
    const position = recordPosition(records, recordId)
    const amount = lastRunningTotalPart([...records.slice(0, position - 1).map(exactAmount), exact], currency)
    return { reference: moneyReference(operation, paymentId, position, amount), amount }
  }

  /** A record whose share of the running total is 0 øre (e.g. 0.0001 NOK after 99.9999) moves no money at Dintero. */
  protected nothingToMove(operation: MoneyOperation, data: DinteroPaymentData, reference: string): Result {
    this.ctx.logger?.info(`[dintero] ${operation} ${reference} is 0 in minor units once rounded with the payment's earlier ones; nothing sent`)
    return { data }
  }

  protected async send(
    operation: MoneyOperation,
    data: DinteroPaymentData,
    transactionId: string,
    paymentId: string | undefined,
    recordId: string | undefined,
    reference: string,
    amount: number
  ): Promise<Result> {
    const { cradle, client, logger } = this.ctx
    const kind = eventKindOf(operation)
    const read = () => callDintero("read the Dintero transaction", () => client.checkout.getTransaction(transactionId))
    const applied = (tx: Transaction) => findEventByReference(tx.events, kind, reference) !== undefined
    // The last capture of a payment that reuses a larger authorization releases the rest (see releaseOf).
    const lastOfReuse = (l: Ledger) =>
      operation === "capture" &&
      data.reused_authorization === true &&
      Object.values(l.captured).reduce((sum, v) => sum + v, 0) + amount >= data.amount
    const release = releaseOf(data.payment_product_type)

    const unresolved = paymentId ? await unresolvedReferences(cradle, paymentId) : []
    let ledger = ledgerOf(data)
    let status = data.dintero_status
    if (!ledger || unresolved.length > 0 || !paymentId) {
      const tx = await read()
      status = tx.status
      // Dintero's transaction is the truth now: each parked reference was applied (its event is there) or not.
      if (paymentId && unresolved.length > 0) {
        await this.settleEarlierAttempts(tx, data.currency, paymentId, operation, recordId, reference, unresolved)
      }
      // Dintero's own auto-capture landed before its callback: this capture records it (see the 400 branch below).
      if (operation === "capture" && capturedByDinteroItself(tx) && amount <= capturedAmount(tx)) {
        logger?.info(`[dintero] ${transactionId} was captured by Dintero itself (auto-capture); ${reference} records it, nothing sent`)
        return { data: dataAfter(data, tx) }
      }
      // A first attempt that timed out after Dintero applied it left an event with the same reference: this call
      // records it in Medusa, nothing is sent.
      if (applied(tx)) {
        logger?.info(`[dintero] ${operation} ${reference} already applied on ${transactionId}; not sending it again`)
        const last = operation === "capture" && data.reused_authorization === true && capturedAmount(tx) >= data.amount
        return { data: dataAfter(data, last ? await this.releaseRest(tx, release) : tx) }
      }
      ledger = ledgerOf(withTransaction(data, tx))!
    }
    // Only after the parked references are settled: an earlier attempt Dintero applied and Medusa has not recorded
    // must refuse this one too, or Medusa records it at the position the parked one needs.
    if (amount === 0) return this.nothingToMove(operation, data, reference)

    const request = async (l: Ledger): Promise<Transaction> => {
      if (operation === "capture" && status === "PARTIALLY_CAPTURED_REFUNDED") throw capturedAfterPartRefund(transactionId)
      const items = (
        operation === "capture"
          ? allocateCapture(l.lines, l.captured, amount)
          : allocateRefund(l.lines, l.captured, l.refunded, amount)
      ) as TransactionItemRef[]
      const finalCapture = release === "final_capture" && lastOfReuse(l)
      const result =
        operation === "capture"
          ? await client.checkout.captureTransaction(transactionId, {
              amount,
              capture_reference: reference,
              items,
              ...(finalCapture ? { final_capture: true } : {}),
            })
          : await client.checkout.refundTransaction(transactionId, { amount, refund_reference: reference, items })
      // The transaction whether Dintero answered 200 or 202 (async: its events may not show the operation yet).
      const tx = result.transaction
      if (!result.async) refuseFailedEvent(tx, operation, reference, amount, data.currency)
      return lastOfReuse(l) ? await this.releaseRest(tx, release) : tx
    }
    const what = `${operation} the Dintero transaction`
    try {
      return { data: dataAfter(data, await request(ledger)) }
    } catch (e) {
      if (e instanceof MedusaError) throw e
      if (isRejected(e)) {
        // The Dintero client already read the event: 2xx with success:false, nothing moved.
        throw refusal(operation, amount, data.currency, e.code, e.dinteroMessage)
      }
      // Dintero refused the allocation, or our own split found too little left: our view of the lines may be stale (a
      // capture Dintero made itself before its callback, or an attempt Dintero applied whose answer the payment data
      // never got). Read, then try once more.
      if ((e instanceof DinteroError && e.status === 400) || e instanceof NotEnoughLeft) {
        const tx = await read()
        if (applied(tx)) {
          return { data: dataAfter(data, tx) }
        }
        if (operation === "capture" && capturedByDinteroItself(tx) && amount <= capturedAmount(tx)) {
          // Auto-capture landed before its callback reached us: Medusa's capture row records Dintero's own capture
          // (the callback then finds the payment captured and adds nothing). Sending it would capture twice.
          logger?.info(`[dintero] ${transactionId} was captured by Dintero itself (auto-capture); ${reference} records it, nothing sent`)
          return { data: dataAfter(data, tx) }
        }
        if (tx.status === "AUTHORIZATION_VOIDED") {
          throw new MedusaError(
            MedusaError.Types.NOT_ALLOWED,
            `Dintero has already voided transaction ${transactionId} (an earlier cancel, or Dintero Backoffice): the authorization is released and nothing can be ${
              operation === "capture" ? "captured" : "refunded"
            }. If the order is still open, cancel it in Medusa to record the void.`
          )
        }
        status = tx.status
        const fresh = ledgerOf(withTransaction(data, tx))!
        if (JSON.stringify(fresh) !== JSON.stringify(ledger)) {
          try {
            return { data: dataAfter(data, await request(fresh)) }
          } catch (again) {
            if (again instanceof MedusaError) throw again
            if (isRejected(again)) throw refusal(operation, amount, data.currency, again.code, again.dinteroMessage)
            if (paymentId && mayHaveApplied(again)) await parkUnresolved(cradle, paymentId, reference)
            throw refusedOrFailed(what, again)
          }
        }
      }
      if (paymentId && mayHaveApplied(e)) {
        // Dintero may or may not have applied it: park the reference so the next attempt looks before sending.
        await parkUnresolved(cradle, paymentId, reference)
      }
      throw refusedOrFailed(what, e)
    }
  }

  /**
   * Earlier attempts of this payment whose outcome was unknown (parked references), now that Dintero's transaction
   * has been read. One that Dintero did not apply is forgotten; one it applied and Medusa has recorded since (a row
   * with that reference exists) too. One it applied that Medusa has NOT recorded stays parked and refuses this
   * operation before anything is sent, saying what Dintero has and how to record it: sending now would leave Dintero
   * with more captured/refunded than Medusa (issue 9).
   */
  protected async settleEarlierAttempts(
    tx: Transaction,
    currency: string,
    paymentId: string,
    operation: MoneyOperation,
    recordId: string | undefined,
    reference: string,
    unresolved: string[]
  ): Promise<void> {
    const blockers: { reference: string; operation: MoneyOperation; amount: number; pending: boolean }[] = []
    for (const parked of unresolved) {
      const found = appliedOrPending(tx, parked)
      // The same reference as this call: this call records it (if applied) or sends it (if Dintero never saw it). Still
      // in progress (an asynchronous capture or refund Dintero has started), it stays parked and nothing is sent:
      // sending it again would move the money twice once the first completes.
      if (parked === reference && !found?.pending) continue
      if (!found) continue
      if (!found.pending && (await this.recorded(paymentId, found.operation, parked, operation === found.operation ? recordId : undefined, currency))) {
        continue
      }
      blockers.push({ reference: parked, ...found })
    }
    await settleUnresolved(this.ctx.cradle, paymentId, blockers.map((b) => b.reference))
    if (blockers.length === 0) return
    const said = blockers.map((b) => {
      const money = `${fromMinorUnits(b.amount, currency)} ${currency.toUpperCase()}`
      const verb = b.operation === "capture" ? "capture" : "refund"
      return b.pending
        ? `a ${verb} of ${money} (reference ${b.reference}) is still in progress at Dintero; try again when it has finished`
        : `Dintero already ${verb === "capture" ? "captured" : "refunded"} ${money} (reference ${b.reference}) in an earlier attempt whose answer was lost, and Medusa has not recorded it: ${verb} exactly ${money} to record it (no money moves again)`
    })
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Nothing was sent to Dintero for transaction ${tx.id}: ${said.join("; ")}. Then ${operation} what is left.`
    )
  }

  /** Whether Medusa holds a capture/refund row whose reference is `reference` (the row `except` is this call's own). */
  protected async recorded(
    paymentId: string,
    operation: MoneyOperation,
    reference: string,
    except: string | undefined,
    currency: string
  ): Promise<boolean> {
    const rows = (await listMoneyRecords(this.ctx.cradle, operation, paymentId)).filter((r) => r.id !== except)
    const amounts = runningTotalParts(rows.map(exactAmount), currency)
    return amounts.some((amount, i) => moneyReference(operation, paymentId, i + 1, amount) === reference)
  }

  /**
   * Releases what a reused authorization still holds after its last capture, the way the payment product allows
   * (releaseOf). A failure here must not fail the capture (Medusa would delete a capture Dintero made): it is logged
   * and the rest stays held until the authorization expires.
   */
  protected async releaseRest(tx: Transaction, release: Release): Promise<Transaction> {
    if (release !== "void" || tx.status !== "PARTIALLY_CAPTURED") return tx
    try {
      return (await this.ctx.client.checkout.voidTransaction(tx.id)).transaction
    } catch (e) {
      this.ctx.logger?.warn(
        `[dintero] the rest of transaction ${tx.id} could not be released after its last capture (${messageOf(e)}); it stays authorized until it expires`
      )
      return tx
    }
  }
}

/**
 * How the rest of an authorization is released once the payment that reuses it is fully captured:
 * - `final_capture` on the last capture: "only applies to dintero_psp" (Dintero Node SDK src/generated/payments.d.ts,
 *   CaptureRequest.final_capture; ../shared/reference/dintero-api.md §4.2 and §12);
 * - a void after the last capture ("void on part capture cancels the difference between the capture amount and the
 *   authorization amount"), supported only for payex.{creditcard,mobilepay,vipps,applepay,clicktopay,googlepay},
 *   vipps, klarna.klarna and klarna.billie (same file, `POST /transactions/{id}/void`; dintero-api.md §4.4);
 * - nothing for the other products (Collector/Walley, Instabank, Swish, ...): the rest stays authorized until the
 *   authorization expires (README, "Capture, refund, cancel").
 */
type Release = "final_capture" | "void" | "none"


export function releaseOf(paymentProductType: string | undefined): Release {
  if (!paymentProductType) return "none"
  if (paymentProductType === "dintero_psp" || paymentProductType.startsWith("dintero_psp.")) return "final_capture"
  return VOID_ON_PART_CAPTURE.has(paymentProductType) ? "void" : "none"
}

/**
 * A transaction refunded while partly captured takes no further capture from the plugin, whatever Dintero would
 * allow (no Dintero source says; the emulator refuses): the Orders mirror then cancels the rest, and Medusa asks
 * for it again in its outstanding amount, which counts captures only (docs/orders-mirror.md, "Capture after a part
 * refund").
 */
function capturedAfterPartRefund(transactionId: string): MedusaError {
  return new MedusaError(
    MedusaError.Types.NOT_ALLOWED,
    `Dintero transaction ${transactionId} was refunded while partly captured: its uncaptured rest is no longer captured. Collect what the order still owes through a new payment (the payment link).`
  )
}

function requireTransactionId(data: DinteroPaymentData, what: string): string {
  if (!data.transaction_id) {
    throw new MedusaError(
      MedusaError.Types.NOT_ALLOWED,
      `Cannot ${what}: Dintero session ${data.dintero_session_id} has no authorized transaction`
    )
  }
  return data.transaction_id
}

/** What the payment data says each line holds, as of the transaction Dintero returned last time. */
interface Ledger {
  lines: { line_id: string; amount: number; quantity: number }[]
  captured: Record<string, number>
  refunded: Record<string, number>
}

function ledgerOf(data: DinteroPaymentData): Ledger | null {
  if (!data.lines || !data.captured_by_line || !data.refunded_by_line) return null
  return { lines: data.lines, captured: data.captured_by_line, refunded: data.refunded_by_line }
}

/** The parked reference's event: a successful CAPTURE/REFUND carrying it, or an async one still in progress. */
/** More than is left, even after reading Dintero: the merchant's request is refused (400), not a failure (500). */
function refusedOrFailed(what: string, e: unknown): Error {
  return e instanceof NotEnoughLeft ? new MedusaError(MedusaError.Types.NOT_ALLOWED, `Could not ${what}: ${e.message}`) : toMedusaError(what, e)
}

/**
 * Whether Dintero may have applied an operation that ended in this error: no answer (network, timeout), a transient
 * one (5xx, 429), or a 2xx answer outside the contract (it was accepted, but it cannot be read).
 */
function mayHaveApplied(e: unknown): boolean {
  return e instanceof DinteroError && (e.retryable || e.kind === "contract")
}

function appliedOrPending(
  tx: Transaction,
  reference: string
): { operation: MoneyOperation; amount: number; pending: boolean } | undefined {
  for (const operation of ["capture", "refund"] as const) {
    const kind = eventKindOf(operation)
    const done = findEventByReference(tx.events, kind, reference)
    if (done) return { operation, amount: done.amount ?? 0, pending: false }
    const events = tx.events ?? []
    const started = events.find((e) => e.event === `INITIATE_${kind}` && e.event_reference === reference && e.success !== false)
    if (started && !events.some((e) => e.event === kind && e.event_reference === reference)) {
      return { operation, amount: started.amount ?? 0, pending: true }
    }
  }
  return undefined
}

/**
 * "Captures might fail … check that the response indicates a successful capture" (docs.dintero.com
 * checkout/transaction-management): a 2xx answer whose event with our reference says `success: false` moved no money.
 * The merchant gets Dintero's reason, and Medusa, seeing the error, records nothing.
 */
function refuseFailedEvent(tx: Transaction, operation: MoneyOperation, reference: string, amount: number, currency: string) {
  const kind = eventKindOf(operation)
  const ours = (tx.events ?? []).filter((e) => e.event === kind && e.event_reference === reference)
  const last = ours[ours.length - 1] as (TransactionEventWithError | undefined)
  if (last && last.success === false) throw refusal(operation, amount, currency, last.error?.code, last.error?.message)
}

type TransactionEventWithError = NonNullable<Transaction["events"]>[number] & { error?: { code?: string; message?: string } }

function refusal(operation: MoneyOperation, amount: number, currency: string, code?: string, message?: string): MedusaError {
  const money = `${fromMinorUnits(amount, currency)} ${currency.toUpperCase()}`
  const reason = message ? `${code ? `[${code}] ` : ""}${message}` : code ?? "no reason given"
  return new MedusaError(
    MedusaError.Types.NOT_ALLOWED,
    `Dintero refused the ${operation} of ${money}: ${reason}. Nothing was ${operation === "capture" ? "captured" : "refunded"}.`
  )
}

/** The Dintero client's own "2xx but success:false" error (kind `rejected`), where the client checks the event. */
function isRejected(e: unknown): e is DinteroError {
  return e instanceof DinteroError && e.kind === "rejected"
}
