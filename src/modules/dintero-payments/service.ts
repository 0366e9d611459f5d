import type { Context } from "@medusajs/framework/types"
import { InjectManager, MedusaContext, MedusaService, generateEntityId } from "@medusajs/framework/utils"
import type { KeptReleaseReason } from "../../mapping/kept-move"
import { DinteroAuthorizationGrant } from "./models/authorization-grant"

type Manager = { execute(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]> }

const TABLE = `"dintero_authorization_grant"`
const OPEN = `consumed_at IS NULL AND deleted_at IS NULL`

/**
 * Order-edit authorization grants (models/authorization-grant.ts). Every read takes `now` from the caller, so
 * expiry follows the caller's clock (injectable in tests); a reuse grant is consumed by one atomic UPDATE, so two
 * processes cannot both take it.
 */
class DinteroPaymentsService extends MedusaService({ DinteroAuthorizationGrant }) {
  @InjectManager()
  async keepAuthorization(
    transactionId: string,
    orderId: string,
    expiresAt: Date,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<void> {
    await manager(sharedContext).execute(
      `INSERT INTO ${TABLE} (id, kind, subject, transaction_id, order_id, expires_at) VALUES (?, 'keep', ?, ?, ?, ?)`,
      [generateEntityId(undefined, "digr"), transactionId, transactionId, orderId, expiresAt]
    )
  }

  /** The order the transaction's authorization is kept for, if a mark is open and not expired at `now`. */
  @InjectManager()
  async keptFor(transactionId: string, now: Date, @MedusaContext() sharedContext: Context = {}): Promise<string | undefined> {
    const rows = await manager(sharedContext).execute(
      `SELECT order_id FROM ${TABLE} WHERE kind = 'keep' AND subject = ? AND ${OPEN} AND expires_at > ? ORDER BY created_at DESC LIMIT 1`,
      [transactionId, now]
    )
    return (rows[0]?.order_id as string | null | undefined) ?? undefined
  }

  @InjectManager()
  async releaseKept(orderId: string, now: Date, @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await manager(sharedContext).execute(
      `UPDATE ${TABLE} SET consumed_at = ?, updated_at = ? WHERE kind = 'keep' AND order_id = ? AND ${OPEN}`,
      [now, now, orderId]
    )
  }

  /** A new grant for the collection replaces any open one. */
  @InjectManager()
  async grantReuse(
    paymentCollectionId: string,
    transactionId: string,
    amount: number,
    now: Date,
    expiresAt: Date,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<void> {
    const m = manager(sharedContext)
    await m.execute(`UPDATE ${TABLE} SET consumed_at = ?, updated_at = ? WHERE kind = 'reuse' AND subject = ? AND ${OPEN}`, [
      now,
      now,
      paymentCollectionId,
    ])
    await m.execute(
      `INSERT INTO ${TABLE} (id, kind, subject, transaction_id, amount, expires_at) VALUES (?, 'reuse', ?, ?, ?, ?)`,
      [generateEntityId(undefined, "digr"), paymentCollectionId, transactionId, amount, expiresAt]
    )
  }

  /**
   * Takes the collection's open, unexpired reuse grant: one UPDATE that marks it consumed and returns it. A
   * concurrent taker skips the row the first one locked and, once that commits, finds it consumed.
   */
  @InjectManager()
  async takeReuse(
    paymentCollectionId: string,
    now: Date,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<{ transactionId: string; amount: number } | undefined> {
    const rows = await manager(sharedContext).execute(
      `UPDATE ${TABLE} SET consumed_at = ?, updated_at = ? WHERE id = (
         SELECT id FROM ${TABLE} WHERE kind = 'reuse' AND subject = ? AND ${OPEN} AND expires_at > ?
         ORDER BY created_at DESC LIMIT 1 FOR UPDATE SKIP LOCKED
       ) AND ${OPEN} RETURNING transaction_id, amount`,
      [now, now, paymentCollectionId, now]
    )
    const row = rows[0]
    return row ? { transactionId: String(row.transaction_id), amount: Number(row.amount) } : undefined
  }

  /**
   * Records that the order no longer needs the kept authorization of `transactionId` (models/authorization-grant.ts,
   * kind `release`). Once per transaction: a second decision (a second delivery of the event) adds nothing.
   */
  @InjectManager()
  async decideRelease(
    transactionId: string,
    orderId: string,
    amount: number,
    now: Date,
    reason: string | undefined = undefined,
    @MedusaContext() sharedContext: Context = {}
  ): Promise<void> {
    await manager(sharedContext).execute(
      `INSERT INTO ${TABLE} (id, kind, subject, transaction_id, order_id, amount, reason, created_at, updated_at)
       SELECT ?, 'release', ?, ?, ?, ?, ?, ?, ? WHERE NOT EXISTS (
         SELECT 1 FROM ${TABLE} WHERE kind = 'release' AND subject = ? AND deleted_at IS NULL
       )`,
      [generateEntityId(undefined, "digr"), transactionId, transactionId, orderId, amount, reason ?? null, now, now, transactionId]
    )
  }

  /**
   * Orders with a keep mark whose id is `fromId` or later (ids are time-ordered, `digr_<ULID>`: read through the
   * primary key, so the cost follows the marks made since, not the table's history) that is over at `now`: released
   * (the confirm request ended) or expired (its process died).
   */
  @InjectManager()
  async keptOrdersFrom(fromId: string, now: Date, @MedusaContext() sharedContext: Context = {}): Promise<string[]> {
    const rows = await manager(sharedContext).execute(
      `SELECT DISTINCT order_id FROM ${TABLE} WHERE id >= ? AND kind = 'keep' AND deleted_at IS NULL AND order_id IS NOT NULL
         AND (consumed_at IS NOT NULL OR expires_at <= ?)`,
      [fromId, now]
    )
    return rows.map((r) => String(r.order_id))
  }

  /**
   * Release decisions, oldest first: of the given transactions, of one order, or every one not carried out yet
   * (`pending`). Pending ones are few (each is carried out within the step that decided it, unless it died).
   */
  @InjectManager()
  async listReleases(
    filter: { transactionIds?: string[]; orderId?: string; pending?: boolean },
    @MedusaContext() sharedContext: Context = {}
  ): Promise<ReleaseRecord[]> {
    const where = [`kind = 'release'`, `deleted_at IS NULL`]
    const params: unknown[] = []
    if (filter.transactionIds) {
      if (filter.transactionIds.length === 0) return []
      where.push(`subject IN (${filter.transactionIds.map(() => "?").join(", ")})`)
      params.push(...filter.transactionIds)
    }
    if (filter.orderId) {
      where.push(`order_id = ?`)
      params.push(filter.orderId)
    }
    if (filter.pending) where.push(`consumed_at IS NULL`)
    const rows = await manager(sharedContext).execute(
      `SELECT transaction_id, order_id, amount, reason, consumed_at FROM ${TABLE} WHERE ${where.join(" AND ")} ORDER BY created_at, id`,
      params
    )
    return rows.map((r) => ({
      transactionId: String(r.transaction_id),
      orderId: String(r.order_id),
      amount: Number(r.amount),
      ...(r.reason ? { reason: String(r.reason) as KeptReleaseReason } : {}),
      done: r.consumed_at !== null && r.consumed_at !== undefined,
    }))
  }

  /** The release of `transactionId` is carried out (voided, or nothing was left to void). */
  @InjectManager()
  async finishRelease(transactionId: string, now: Date, @MedusaContext() sharedContext: Context = {}): Promise<void> {
    await manager(sharedContext).execute(
      `UPDATE ${TABLE} SET consumed_at = ?, updated_at = ? WHERE kind = 'release' AND subject = ? AND ${OPEN}`,
      [now, now, transactionId]
    )
  }
}

/** A release decision (kind `release`): the kept authorization of `transactionId`, no longer needed by `orderId`. */
export interface ReleaseRecord {
  transactionId: string
  orderId: string
  /** Minor units the authorization held when the release was decided. */
  amount: number
  /** Why it is not needed (none on decisions recorded before reasons were: `covered`). */
  reason?: KeptReleaseReason
  /** Carried out: voided at Dintero (or found unvoidable and said so). */
  done: boolean
}

function manager(context: Context): Manager {
  const m = (context.transactionManager ?? context.manager) as Manager | undefined
  if (!m) throw new Error("dintero-payments: no database manager in the context")
  return m
}

export default DinteroPaymentsService
