/**
 * Pure: what one outbox attempt knows of the order's payment records at Dintero, so that the recorded ledger it
 * leaves behind is exact or nothing (docs/orders-mirror.md, "The recorded ledger").
 *
 * The attempt starts from a base it can vouch for: the ledger it took off the mirror row (only there when the
 * previous attempt of the order finished cleanly and nothing of this operation was sent before), Dintero's records
 * read in this attempt, or a Dintero order this attempt created (no records yet). Every record Dintero answered to
 * this attempt is added. Anything it cannot account for (a send without an answer, a record found by its marker, a
 * step an earlier attempt sent while the base is not a read of this attempt) is doubt: the attempt then leaves no
 * ledger, and the next plan reads Dintero's records.
 */
import { emptyTotals, recordsOfTotals, totalsOf, withRecord, type OrdersRecordLike, type OrdersRecords, type RecordedTotals, type RecordKind } from "./ledger"

export type LedgerSource = "ledger" | "dintero" | "new_order"

export class AttemptLedger {
  private base: RecordedTotals | null
  private source: LedgerSource | null
  private doubt = false

  /**
   * @param taken the ledger this attempt took off the mirror row (null: there was none)
   * @param sentBefore whether an earlier attempt of this operation already sent a step (its records are in Dintero,
   *   but may be missing from a ledger somebody else wrote)
   */
  constructor(taken: RecordedTotals | null, sentBefore: boolean) {
    this.base = taken && !sentBefore ? taken : null
    this.source = this.base ? "ledger" : null
  }

  /** The records to plan from without asking Dintero: only the ledger taken at the start, untouched by doubt. */
  plannable(): OrdersRecords | null {
    return this.source === "ledger" && this.base && !this.doubt ? recordsOfTotals(this.base) : null
  }

  /** Dintero's records as read now: they include everything Dintero applied so far. */
  read(records: OrdersRecords): void {
    this.base = totalsOf(records)
    this.source = "dintero"
  }

  /** This attempt completed a new Dintero order: it holds no payment record yet. */
  newOrder(): void {
    this.base = emptyTotals()
    this.source = "new_order"
  }

  /** Dintero answered a create of this record. */
  created(kind: RecordKind, record: OrdersRecordLike): void {
    if (this.base) this.base = withRecord(this.base, kind, record)
  }

  /** A step an earlier attempt sent (found in the operation's progress): only a read of this attempt includes it for sure. */
  sentEarlier(): void {
    if (this.source !== "dintero") this.doubt = true
  }

  /** Something this attempt cannot account for exactly: a send without an answer, a record found by its marker. */
  distrust(): void {
    this.doubt = true
  }

  /** The ledger to leave on the mirror row when the operation ends done or skipped; null leaves none. */
  after(): RecordedTotals | null {
    return this.doubt ? null : this.base
  }

  get from(): LedgerSource | null {
    return this.source
  }
}
