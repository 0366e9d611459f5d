// The transaction state machine (reference §4.6): capture, refund, void and authorization update.
// Pure functions over a Transaction; the HTTP layer decides sync (200) or async (202) application.
import { isoNow, newId } from "./http-utils"
import type { EventItem, OrderItem, Transaction, TransactionEvent, TransactionEventName, TransactionStatus } from "./types"
import { type FieldError, isInt, isObject, validateItems, validateOperationBody } from "./validation"
import { VOID_ON_PART_CAPTURE_PRODUCTS as VOID_ON_PART_CAPTURE } from "../src/dintero/payment-products"

export class OperationError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: unknown[]
  ) {
    super(message)
  }
}

const invalid = (message: string, errors?: FieldError[]) => new OperationError(400, "INVALID_REQUEST", message, errors)
const invalidState = (message: string) => new OperationError(400, "INVALID_STATE", message)

function sumEvents(tx: Transaction, name: TransactionEventName): number {
  let sum = 0
  for (const e of tx.events) if (e.event === name && e.success) sum += e.amount ?? 0
  return sum
}

export const capturedAmount = (tx: Transaction) => sumEvents(tx, "CAPTURE")
export const refundedAmount = (tx: Transaction) => sumEvents(tx, "REFUND")

/** Async (202) operations accepted but not applied yet: INITIATE_* without its correlated final event. */
function pendingAmount(tx: Transaction, initiate: TransactionEventName, final: TransactionEventName): number {
  let sum = 0
  for (const e of tx.events) {
    if (e.event !== initiate) continue
    if (!tx.events.some((f) => f.event === final && f.correlation_request_id === e.request_id)) sum += e.amount ?? 0
  }
  return sum
}

function hasPending(tx: Transaction): boolean {
  return (
    pendingAmount(tx, "INITIATE_CAPTURE", "CAPTURE") > 0 ||
    pendingAmount(tx, "INITIATE_REFUND", "REFUND") > 0 ||
    tx.events.some((e) => e.event === "INITIATE_VOID" && !tx.events.some((f) => f.event === "VOID" && f.correlation_request_id === e.request_id))
  )
}

function perLine(tx: Transaction, name: TransactionEventName): Map<string, number> {
  const map = new Map<string, number>()
  for (const e of tx.events) {
    if (e.event !== name || !e.success) continue
    for (const item of e.items ?? []) map.set(item.line_id, (map.get(item.line_id) ?? 0) + item.amount)
  }
  return map
}

/** True when a (successful) capture closed the authorization: full capture or final_capture. */
function fullyCaptured(tx: Transaction): boolean {
  return tx.events.some((e) => e.event === "CAPTURE" && e.success && e.transaction_status === "CAPTURED")
}

/** |used + add| must stay within |limit| on the limit's side of zero (negative lines: gift cards, rounding). */
function withinLine(used: number, add: number, limit: number): boolean {
  const total = used + add
  return limit >= 0 ? total >= 0 && total <= limit : total <= 0 && total >= limit
}

export interface OperationInput {
  amount: number
  items?: EventItem[]
  reference?: string
  reason?: string
  final?: boolean
  metadata?: Record<string, unknown>
}

function parseOperation(body: unknown, referenceKey: "capture_reference" | "refund_reference"): OperationInput {
  const errors = validateOperationBody(body, referenceKey)
  if (errors.length) throw invalid(`${errors[0].path} ${errors[0].message}`.trim(), errors)
  const b = body as Record<string, unknown>
  return {
    amount: b.amount as number,
    items: b.items ? (b.items as EventItem[]).map((i) => ({ ...i })) : undefined,
    reference: b[referenceKey] as string | undefined,
    reason: typeof b.reason === "string" ? b.reason : undefined,
    final: b.final_capture === true,
    metadata: b.metadata as Record<string, unknown> | undefined,
  }
}

/** Checks operation items: known line ids, Σ = amount, per-line limits. */
function checkItems(
  tx: Transaction,
  input: OperationInput,
  used: Map<string, number>,
  limitOf: (line: OrderItem) => number,
  verb: string
): void {
  if (!input.items) return
  const lines = new Map(tx.items.map((i) => [i.line_id, i]))
  const unknown = input.items.filter((i) => !lines.has(i.line_id))
  if (unknown.length) {
    throw invalid(
      `Unknown line_id: ${unknown.map((i) => i.line_id).join(", ")}`,
      unknown.map((i) => ({ path: "items", message: `line_id "${i.line_id}" is not an item of the transaction` }))
    )
  }
  const sum = input.items.reduce((s, i) => s + i.amount, 0)
  if (sum !== input.amount) throw invalid(`The sum of items.amount (${sum}) must equal amount (${input.amount})`)
  const adding = new Map<string, number>()
  for (const i of input.items) adding.set(i.line_id, (adding.get(i.line_id) ?? 0) + i.amount)
  for (const [lineId, add] of adding) {
    const line = lines.get(lineId) as OrderItem
    const limit = limitOf(line)
    const already = used.get(lineId) ?? 0
    if (!withinLine(already, add, limit)) {
      throw invalid(`Cannot ${verb} ${add} on line_id "${lineId}": ${already} of ${limit} already ${verb === "capture" ? "captured" : "refunded"}`)
    }
  }
}

function newEvent(
  tx: Transaction,
  event: TransactionEventName,
  status: TransactionStatus,
  fields: Partial<TransactionEvent>
): TransactionEvent {
  const e: TransactionEvent = {
    id: newId(),
    event,
    transaction_status: status,
    success: true,
    created_at: isoNow(),
    request_id: newId(),
    ...fields,
  }
  for (const k of Object.keys(e) as Array<keyof TransactionEvent>) if (e[k] === undefined) delete e[k]
  tx.events.push(e)
  tx.status = status
  tx.updated_at = e.created_at
  return e
}

// ---- capture ----

export function validateCapture(tx: Transaction, body: unknown): OperationInput {
  const input = parseOperation(body, "capture_reference")
  if (tx.status !== "AUTHORIZED" && tx.status !== "PARTIALLY_CAPTURED") {
    throw invalidState(`Cannot capture a transaction with status ${tx.status}`)
  }
  const remaining = tx.amount - capturedAmount(tx) - pendingAmount(tx, "INITIATE_CAPTURE", "CAPTURE")
  if (input.amount > remaining) {
    throw invalid(`Capture amount ${input.amount} exceeds the remaining authorized amount ${remaining}`)
  }
  checkItems(tx, input, perLine(tx, "CAPTURE"), (line) => line.amount, "capture")
  return input
}

/** `final_capture` "only applies to dintero_psp" (Dintero Node SDK src/generated/payments.d.ts, CaptureRequest). */
const finalCaptureApplies = (tx: Transaction) => tx.payment_product_type.startsWith("dintero_psp")

export function commitCapture(tx: Transaction, input: OperationInput, createdBy: string, correlation?: string): TransactionEvent {
  const captured = capturedAmount(tx) + input.amount
  const final = input.final && finalCaptureApplies(tx)
  const status: TransactionStatus = final || captured >= tx.amount ? "CAPTURED" : "PARTIALLY_CAPTURED"
  return newEvent(tx, "CAPTURE", status, {
    amount: input.amount,
    items: input.items,
    event_reference: input.reference,
    metadata: input.metadata,
    created_by: createdBy,
    correlation_request_id: correlation,
  })
}

/**
 * A capture/refund the PSP refused after Dintero accepted the request: an event with `success: false` and an error
 * (SPEC-TS:5362 "The event error is only used when the success is `false`"), status unchanged, nothing moved.
 */
export function failedOperation(
  tx: Transaction,
  name: "CAPTURE" | "REFUND",
  input: OperationInput,
  createdBy: string,
  failure: { code?: string; message?: string },
  correlation?: string
): TransactionEvent {
  return newEvent(tx, name, tx.status, {
    success: false,
    amount: input.amount,
    items: input.items,
    event_reference: input.reference,
    created_by: createdBy,
    correlation_request_id: correlation,
    error: {
      code: failure.code ?? "DECLINED",
      message: failure.message ?? `The ${name === "CAPTURE" ? "capture" : "refund"} was declined by the payment provider`,
      type: ["DECLINED"],
    },
  })
}

// ---- refund ----

const REFUNDABLE = new Set<TransactionStatus>(["CAPTURED", "PARTIALLY_CAPTURED", "PARTIALLY_REFUNDED", "PARTIALLY_CAPTURED_REFUNDED"])

export function validateRefund(tx: Transaction, body: unknown): OperationInput {
  const input = parseOperation(body, "refund_reference")
  if (!REFUNDABLE.has(tx.status)) throw invalidState(`Cannot refund a transaction with status ${tx.status}`)
  const remaining = capturedAmount(tx) - refundedAmount(tx) - pendingAmount(tx, "INITIATE_REFUND", "REFUND")
  if (input.amount > remaining) {
    throw invalid(`Refund amount ${input.amount} exceeds the captured amount not yet refunded ${remaining}`)
  }
  // Per line, refunds are limited by what was captured on that line; captures without items can't be
  // attributed to lines, so then the line amount is the limit.
  const capturedLines = perLine(tx, "CAPTURE")
  const allItemized = tx.events.filter((e) => e.event === "CAPTURE" && e.success).every((e) => e.items && e.items.length)
  checkItems(tx, input, perLine(tx, "REFUND"), (line) => (allItemized ? capturedLines.get(line.line_id) ?? 0 : line.amount), "refund")
  return input
}

export function commitRefund(tx: Transaction, input: OperationInput, createdBy: string, correlation?: string): TransactionEvent {
  const refunded = refundedAmount(tx) + input.amount
  const closed = fullyCaptured(tx)
  let status: TransactionStatus
  if (!closed) status = "PARTIALLY_CAPTURED_REFUNDED"
  else status = refunded >= capturedAmount(tx) ? "REFUNDED" : "PARTIALLY_REFUNDED"
  return newEvent(tx, "REFUND", status, {
    amount: input.amount,
    items: input.items,
    event_reference: input.reference,
    reason: input.reason,
    metadata: input.metadata,
    created_by: createdBy,
    correlation_request_id: correlation,
  })
}

// ---- void ----

// "Void on part capture": which products allow it is src/dintero/payment-products.ts (from Dintero's payments spec).

const partCaptured = (tx: Transaction) => tx.status === "PARTIALLY_CAPTURED" && VOID_ON_PART_CAPTURE.has(tx.payment_product_type)

export function validateVoid(tx: Transaction): void {
  if ((tx.status !== "AUTHORIZED" && !partCaptured(tx)) || hasPending(tx)) {
    throw invalidState(`Cannot void a transaction with status ${tx.status}; only AUTHORIZED transactions with nothing captured can be voided`)
  }
}

export function commitVoid(tx: Transaction, createdBy: string, correlation?: string): TransactionEvent {
  // After a part capture only the rest is cancelled. The status afterwards is not documented; CAPTURED (nothing left
  // to capture, refunds still possible) is our reading.
  const status: TransactionStatus = partCaptured(tx) ? "CAPTURED" : "AUTHORIZATION_VOIDED"
  return newEvent(tx, "VOID", status, {
    amount: tx.amount - capturedAmount(tx),
    created_by: createdBy,
    correlation_request_id: correlation,
  })
}

/** Marks an accepted async operation (202): status unchanged, amount reserved until the final event. */
export function initiate(tx: Transaction, name: "INITIATE_CAPTURE" | "INITIATE_REFUND" | "INITIATE_VOID", amount: number | undefined, createdBy: string): TransactionEvent {
  return newEvent(tx, name, tx.status, { amount, created_by: createdBy })
}

// ---- authorization update (Klarna / Billie) ----

const UPDATABLE_PRODUCTS = new Set(["klarna.klarna", "klarna.billie"])

/**
 * Recorded as an AUTHORIZE event (the only TransactionEvent name that fits; Dintero's enum has no
 * UPDATE_AUTHORIZATION) carrying the new total `amount`, the new `items` and `event_reference` = `reference`.
 */
export function updateAuthorization(tx: Transaction, body: unknown, createdBy: string): TransactionEvent {
  if (!isObject(body)) throw invalid("body must be a JSON object")
  if (!UPDATABLE_PRODUCTS.has(tx.payment_product_type)) {
    throw invalid(`Authorization update is not supported for ${tx.payment_product_type} (only klarna.klarna and klarna.billie)`)
  }
  if (tx.status !== "AUTHORIZED" && tx.status !== "PARTIALLY_CAPTURED") {
    throw new OperationError(409, "CONFLICT", `Cannot update the authorization of a transaction with status ${tx.status}`)
  }
  if (hasPending(tx)) throw new OperationError(409, "CONFLICT", "An operation on the transaction is in progress")
  const reference = typeof body.reference === "string" ? body.reference : undefined
  const reason = typeof body.reason === "string" ? body.reason : undefined
  const captured = capturedAmount(tx)
  if (body.amount === undefined) {
    // Extension of the authorization period: nothing changes but the event.
    return newEvent(tx, "AUTHORIZE", tx.status, { amount: tx.amount, event_reference: reference, reason, created_by: createdBy, metadata: { extend_authorization: true } })
  }
  if (!isInt(body.amount) || body.amount <= 0) throw invalid("amount must be a positive integer in minor units")
  if (body.amount < captured) throw invalid(`amount ${body.amount} is less than the captured amount ${captured}`)
  let items: OrderItem[] | undefined
  if (tx.items.length > 0 || body.items !== undefined) {
    if (body.items === undefined) throw invalid("items is required when the transaction has items")
    const errors: FieldError[] = []
    validateItems(body.items, "items", errors)
    if (errors.length) throw invalid(`${errors[0].path} ${errors[0].message}`, errors)
    items = (body.items as OrderItem[]).map((i) => ({ ...i }))
    const ids = new Set<string>()
    for (const i of items) {
      if (ids.has(i.line_id)) throw invalid(`line_id "${i.line_id}" is not unique`)
      ids.add(i.line_id)
    }
    const sum = items.reduce((s, i) => s + i.amount, 0)
    if (sum !== body.amount) throw invalid(`The sum of items.amount (${sum}) must equal amount (${body.amount})`)
    for (const [lineId, done] of perLine(tx, "CAPTURE")) {
      const line = items.find((i) => i.line_id === lineId)
      if (!line || !withinLine(0, done, line.amount)) {
        throw invalid(`line_id "${lineId}" has ${done} captured; the updated line must keep at least that amount`)
      }
    }
  }
  tx.amount = body.amount
  if (items) tx.items = items
  const status: TransactionStatus = captured === 0 ? "AUTHORIZED" : captured >= tx.amount ? "CAPTURED" : "PARTIALLY_CAPTURED"
  return newEvent(tx, "AUTHORIZE", status, {
    amount: body.amount,
    items: items?.map((i) => ({ line_id: i.line_id, amount: i.amount, quantity: i.quantity })),
    event_reference: reference,
    reason,
    created_by: createdBy,
  })
}
