import { MedusaError } from "@medusajs/framework/utils"
import type { BigNumberInput } from "@medusajs/framework/types"
import { DinteroError, type Transaction, type TransactionItemRef } from "../../dintero"
import { allocateCapture, allocateRefund } from "../../mapping/allocation"
import { toMinorUnits, type DecimalInput } from "../../mapping/money"
import {
  eventKindOf,
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
    const amount = toMinorUnits((capture.raw_amount ?? capture.amount) as DecimalInput, data.currency)
    const reference = await this.reference("capture", paymentId, captureId, amount)
    return await this.send("capture", data, transactionId, paymentId, reference, amount)
  }

  async refund(data: DinteroPaymentData, refundAmount: BigNumberInput, refundId: string | undefined): Promise<Result> {
    const transactionId = requireTransactionId(data, "refund")
    const amount = toMinorUnits(refundAmount as DecimalInput, data.currency)
    let paymentId: string | undefined
    if (refundId) {
      const refund = await retrieveRefund(this.ctx.cradle, refundId)
      paymentId = refund.payment_id ?? refund.payment?.id
    }
    const reference = await this.reference("refund", paymentId, refundId, amount)
    return await this.send("refund", data, transactionId, paymentId, reference, amount)
  }

  /**
   * Releases the authorization. Known authorized: void straight away; otherwise (or if Dintero disagrees) read the
   * transaction and decide. Nobody paid: `whenUnpaid` cancels the session so the shopper cannot pay later.
   */
  async void(data: DinteroPaymentData, whenUnpaid: () => Promise<unknown>): Promise<Result> {
    const checkout = this.ctx.client.checkout
    if (data.transaction_id && data.dintero_status === "AUTHORIZED") {
      try {
        return { data: dataAfter(data, transactionOf(await checkout.voidTransaction(data.transaction_id))) }
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
        return { data: dataAfter(data, transactionOf(result)) }
      }
      default:
        throw new MedusaError(
          MedusaError.Types.NOT_ALLOWED,
          `Dintero transaction ${tx.id} is ${tx.status}: money has been captured, so it cannot be voided. Refund it instead.`
        )
    }
  }

  /** The reference of this operation (see mapping/references.ts): its record's position among the payment's. */
  protected async reference(
    operation: MoneyOperation,
    paymentId: string | undefined,
    recordId: string | undefined,
    amount: number
  ): Promise<string> {
    if (!paymentId || !recordId) {
      return unattachedReference(operation, recordId, amount)
    }
    const records = await listMoneyRecords(this.ctx.cradle, operation, paymentId)
    return moneyReference(operation, paymentId, recordPosition(records, recordId), amount)
  }

  protected async send(
    operation: MoneyOperation,
    data: DinteroPaymentData,
    transactionId: string,
    paymentId: string | undefined,
    reference: string,
    amount: number
  ): Promise<Result> {
    const { cradle, client, logger } = this.ctx
    const kind = eventKindOf(operation)
    const read = () => callDintero("read the Dintero transaction", () => client.checkout.getTransaction(transactionId))
    const applied = (tx: Transaction) => findEventByReference(tx.events, kind, reference) !== undefined

    const unresolved = paymentId ? await unresolvedReferences(cradle, paymentId) : []
    let ledger = ledgerOf(data)
    if (!ledger || unresolved.length > 0 || !paymentId) {
      const tx = await read()
      // Dintero's transaction is the truth now: each parked reference was either applied (its event is there) or not.
      if (paymentId && unresolved.length > 0) {
        await settleUnresolved(cradle, paymentId)
      }
      // A first attempt that timed out after Dintero applied it left an event with the same reference.
      if (applied(tx)) {
        logger?.info(`[dintero] ${operation} ${reference} already applied on ${transactionId}; not sending it again`)
        return { data: dataAfter(data, tx) }
      }
      ledger = ledgerOf(withTransaction(data, tx))!
    }

    const request = (l: Ledger) => {
      const items = (
        operation === "capture"
          ? allocateCapture(l.lines, l.captured, amount)
          : allocateRefund(l.lines, l.captured, l.refunded, amount)
      ) as TransactionItemRef[]
      // A payment that reuses a larger authorization releases the rest with its last capture.
      const capturedSoFar = Object.values(l.captured).reduce((sum, v) => sum + v, 0)
      const finalCapture =
        operation === "capture" && data.reused_authorization === true && capturedSoFar + amount >= data.amount
      return operation === "capture"
        ? client.checkout.captureTransaction(transactionId, {
            amount,
            capture_reference: reference,
            items,
            ...(finalCapture ? { final_capture: true } : {}),
          })
        : client.checkout.refundTransaction(transactionId, { amount, refund_reference: reference, items })
    }
    const what = `${operation} the Dintero transaction`
    try {
      return { data: dataAfter(data, transactionOf(await request(ledger))) }
    } catch (e) {
      if (e instanceof DinteroError && e.status === 400) {
        // Dintero refused the allocation: our view of the lines was stale. Read, then try once more.
        const tx = await read()
        if (applied(tx)) {
          return { data: dataAfter(data, tx) }
        }
        const fresh = ledgerOf(withTransaction(data, tx))!
        if (JSON.stringify(fresh) !== JSON.stringify(ledger)) {
          const result = await callDintero(what, () => request(fresh))
          return { data: dataAfter(data, transactionOf(result)) }
        }
      }
      if (paymentId && e instanceof DinteroError && e.retryable) {
        // Dintero may or may not have applied it: park the reference so the next attempt looks before sending.
        await parkUnresolved(cradle, paymentId, reference)
      }
      throw toMedusaError(what, e)
    }
  }
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

/** Capture/refund/void results: the transaction, whether Dintero answered 200 or 202. */
function transactionOf(result: unknown): Transaction {
  const r = result as { transaction?: Transaction }
  return (r && typeof r === "object" && "transaction" in r && r.transaction ? r.transaction : result) as Transaction
}
