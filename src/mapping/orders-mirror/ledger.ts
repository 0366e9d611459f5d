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
