import type { Context } from "@medusajs/framework/types"
import { InjectManager, MedusaContext, MedusaService, generateEntityId } from "@medusajs/framework/utils"
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
}

function manager(context: Context): Manager {
  const m = (context.transactionManager ?? context.manager) as Manager | undefined
  if (!m) throw new Error("dintero-payments: no database manager in the context")
  return m
}

export default DinteroPaymentsService
