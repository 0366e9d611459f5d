/**
 * The `dintero_reconciliation_run` table (migration Migration20261129090000 of the dinteroOrders module): one row
 * per run. The cursor is the `window_to` of the last finished store-wide run. Runs of several processes are kept
 * apart by a PostgreSQL advisory lock held for the run (correctness lives in the database, not in process memory).
 */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, generateEntityId } from "@medusajs/framework/utils"
import type { Knex } from "knex"

export interface RunRecord {
  id: string
  scope: "store" | "order"
  order_id: string | null
  window_from: Date
  window_to: Date
  /** `incomplete`: finished, but a repair failed; the next runs go over its window again (window.ts, cursorFrom). */
  status: "running" | "done" | "incomplete" | "failed"
  rows_read: number
  dintero_calls: number
  repaired: Repaired[] | null
  findings: Finding[] | null
  error: string | null
  finished_at: Date | null
}

/** One thing the run put right: the outbox identity it enqueued or the payment session it settled. */
export interface Repaired {
  what: "order_placed" | "capture" | "refund" | "order_edit" | "cancellation" | "settled" | "voided" | "refunded" | "moved"
  order_id?: string
  ref: string
}

/** Something the run found and could not put right by itself (the merchant's attention). */
export interface Finding {
  what: string
  ref: string
  detail: string
}

const TABLE = "dintero_reconciliation_run"
/** Any constant: the advisory-lock key of store-wide runs. */
const STORE_LOCK_KEY = 742_031_911

export const pg = (container: MedusaContainer) => container.resolve(ContainerRegistrationKeys.PG_CONNECTION) as Knex

/** The ends of the last clean (`done`) and the last finished (`done` or `incomplete`) store-wide runs. */
export async function lastStoreRunEnds(db: Knex): Promise<{ clean: Date | null; latest: Date | null }> {
  const last = (statuses: string[]) =>
    db(TABLE).where({ scope: "store" }).whereIn("status", statuses).whereNull("deleted_at").orderBy("window_to", "desc").first("window_to")
  const [clean, latest] = await Promise.all([last(["done"]), last(["done", "incomplete"])])
  return { clean: clean ? new Date(clean.window_to) : null, latest: latest ? new Date(latest.window_to) : null }
}

/** When the last store-wide run started (its `window_to`), whatever its end: the scheduled job's clock. */
export async function lastStoreRunStart(db: Knex): Promise<Date | null> {
  const row = await db(TABLE).where({ scope: "store" }).whereNull("deleted_at").orderBy("window_to", "desc").first("window_to")
  return row ? new Date(row.window_to) : null
}

export async function startRun(db: Knex, run: Pick<RunRecord, "scope" | "order_id" | "window_from" | "window_to">): Promise<string> {
  const id = generateEntityId(undefined, "direc")
  await db(TABLE).insert({ id, ...run, status: "running" })
  return id
}

export async function finishRun(
  db: Knex,
  id: string,
  result: Pick<RunRecord, "status" | "rows_read" | "dintero_calls" | "repaired" | "findings" | "error">
): Promise<void> {
  await db(TABLE)
    .where({ id })
    .update({
      ...result,
      repaired: JSON.stringify(result.repaired ?? []),
      findings: JSON.stringify(result.findings ?? []),
      finished_at: new Date(),
      updated_at: new Date(),
    })
}

export async function listRuns(db: Knex, filter: { order_id?: string; limit?: number }): Promise<RunRecord[]> {
  const q = db(TABLE).whereNull("deleted_at").orderBy("created_at", "desc").limit(filter.limit ?? 20)
  if (filter.order_id) q.where({ order_id: filter.order_id })
  return (await q.select("*")) as RunRecord[]
}

/**
 * Runs `fn` while holding the store-wide reconciliation lock, or returns null at once when another process holds it
 * (that run covers this one's window). Session-level lock on one pooled connection, released in `finally`.
 */
export async function withStoreLock<T>(db: Knex, fn: () => Promise<T>): Promise<T | null> {
  const conn = await db.client.acquireConnection()
  const raw = (sql: string) => db.raw(sql, [STORE_LOCK_KEY]).connection(conn)
  try {
    const got = await raw("select pg_try_advisory_lock(?) as ok")
    if (!got.rows?.[0]?.ok) return null
    try {
      return await fn()
    } finally {
      await raw("select pg_advisory_unlock(?)")
    }
  } finally {
    await db.client.releaseConnection(conn)
  }
}
