/**
 * Per-line sums of the payment records Dintero holds for an order (read back from the Orders API, so every plan
 * starts from what Dintero actually recorded, not from what we think we sent).
 */
export interface OrdersRecordLike {
  success?: boolean
  items?: { line_id: number; amount: number }[] | null
  payment_details?: { payment_id?: string } | null
  metadata?: Record<string, unknown> | null
}

export interface OrdersRecords {
  authorizations: OrdersRecordLike[]
  captures: OrdersRecordLike[]
  refunds: OrdersRecordLike[]
  cancellations: OrdersRecordLike[]
}

export type RecordKind = keyof OrdersRecords

/** Σ amount per line over successful records of `kind`, optionally of one payment only. */
export function perLine(records: OrdersRecords, kind: RecordKind, paymentId?: string): Map<number, number> {
  const totals = new Map<number, number>()
  for (const record of records[kind]) {
    if (record.success === false) continue
    if (paymentId !== undefined && (record.payment_details?.payment_id ?? "") !== paymentId) continue
    for (const item of record.items ?? []) totals.set(item.line_id, (totals.get(item.line_id) ?? 0) + item.amount)
  }
  return totals
}

export const at = (totals: Map<number, number>, lineId: number) => totals.get(lineId) ?? 0

/** The record created by an outbox step, found by the marker it carries in metadata. */
export function findByMarker<T extends OrdersRecordLike>(records: T[], marker: string): T | undefined {
  return records.find((r) => r.metadata?.medusa_operation === marker)
}

/**
 * What one payment still holds as authorized on the Orders order: Σ authorized − cancelled over the lines it
 * authorized (a cancellation on a line it never authorized does not count).
 */
export function heldBy(records: OrdersRecords, paymentId: string): number {
  const authorized = perLine(records, "authorizations", paymentId)
  const cancelled = perLine(records, "cancellations", paymentId)
  return [...authorized.keys()].reduce((sum, line) => sum + at(authorized, line) - at(cancelled, line), 0)
}

/**
 * What a reused authorization already records on the Orders order, to tell a raise (Klarna/Billie) from a reuse.
 * Before any capture, Σ authorized − cancelled (heldBy): a cancellation then is an edit's partial void, and a raise
 * after it holds more again. Once the payment has captures, Σ authorized alone: a raise happens only on an uncaptured
 * kept authorization, and a later cancellation is the release of the uncaptured rest (a final capture, or the first
 * refund of a part capture), not room for more (ledger property seed 399800838 path 6).
 */
export function recordedForReuse(records: OrdersRecords, paymentId: string): number {
  const captured = [...perLine(records, "captures", paymentId).values()].reduce((sum, amount) => sum + amount, 0)
  if (captured === 0) return heldBy(records, paymentId)
  return [...perLine(records, "authorizations", paymentId).values()].reduce((sum, amount) => sum + amount, 0)
}

/**
 * The per-line sums of an order's payment records, kept by the outbox next to the mirror (column `recorded`, see
 * docs/orders-mirror.md, "The recorded ledger"): kind → Dintero payment id → Orders line id → Σ amount of successful
 * records. Dintero's records as last read plus every record the plugin created since, so a capture or refund can be
 * planned without listing the order's four record collections again.
 */
export type RecordedTotals = Record<RecordKind, Record<string, Record<string, number>>>

const KINDS: RecordKind[] = ["authorizations", "captures", "refunds", "cancellations"]

export function emptyTotals(): RecordedTotals {
  return { authorizations: {}, captures: {}, refunds: {}, cancellations: {} }
}

/** The totals with one more record (as sent, or as read back); a failed or empty record adds nothing. The input is not changed. */
export function withRecord(totals: RecordedTotals, kind: RecordKind, record: OrdersRecordLike): RecordedTotals {
  if (record.success === false || !record.items?.length) return totals
  const paymentId = record.payment_details?.payment_id ?? ""
  const lines = { ...(totals[kind][paymentId] ?? {}) }
  for (const item of record.items) lines[item.line_id] = (lines[item.line_id] ?? 0) + item.amount
  return { ...totals, [kind]: { ...totals[kind], [paymentId]: lines } }
}

/** The totals of records read back from the Orders API. */
export function totalsOf(records: OrdersRecords): RecordedTotals {
  let totals = emptyTotals()
  for (const kind of KINDS) for (const record of records[kind]) totals = withRecord(totals, kind, record)
  return totals
}

/** The totals as records (one per kind and payment): `perLine` and `heldBy` read them exactly as they read Dintero's. */
export function recordsOfTotals(totals: RecordedTotals): OrdersRecords {
  const records: OrdersRecords = { authorizations: [], captures: [], refunds: [], cancellations: [] }
  for (const kind of KINDS) {
    for (const [paymentId, lines] of Object.entries(totals[kind])) {
      records[kind].push({
        success: true,
        payment_details: { payment_id: paymentId },
        items: Object.entries(lines).map(([lineId, amount]) => ({ line_id: Number(lineId), amount })),
      })
    }
  }
  return records
}
