/**
 * The reconciliation's cost against the size of the store's history (npm run bench): two store-wide runs, each after
 * the same few new orders, the second with many already-reconciled orders (with their captures, payment sessions,
 * mirrors and outbox rows) inserted directly into the database, created a month ago. A run reads what changed since
 * the previous one, so both runs must cost the same.
 *
 * Measured per run: the rows the run read (its own count, in its `dintero_reconciliation_run` record), the Dintero
 * calls it made, its wall time (the admin request), and the tuples PostgreSQL read for it (pg_stat_user_tables:
 * sequential + index fetches, all tables; other background work of the store may add a little).
 */
import { Client } from "pg"
import type { DevStore } from "./dev-store"
import { envInt, nowMs, round } from "./bench-stats"

/**
 * The dev store's environment for this measurement: a 1 s overlap, so that each measured run's window holds the
 * orders made since the previous run only (with the default 5 minutes, every run of a short benchmark would read
 * everything the benchmark did, and the two runs would not be comparable).
 */
export const RECONCILE_BENCH_ENV = { DINTERO_RECONCILE_OVERLAP_MS: "1000" }

export interface ReconcileRunCost {
  new_orders: number
  history_orders: number
  rows_read: number
  dintero_calls: number
  repaired: number
  wall_ms: number
  db_tuples_read: number
}

export interface ReconcileBench {
  description: string
  small_history: ReconcileRunCost
  large_history: ReconcileRunCost
  /** The third run: after as many abandoned carts (a Dintero session still open, never paid) from the last hours. */
  open_sessions: ReconcileRunCost & { open_sessions: number }
  target: { target: string; met: boolean }
  /** Dintero requests per run do not follow the carts whose session is still open (abandoned carts). */
  dintero_target: { target: string; met: boolean }
}

/** Time-ordered part of a Medusa id (ULID: 48-bit milliseconds in 10 Crockford base-32 characters). */
function ulidTime(ms: number): string {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
  let out = ""
  for (let i = 0; i < 10; i++) {
    out = alphabet[ms % 32] + out
    ms = Math.floor(ms / 32)
  }
  return out
}

async function withDb<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: url })
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

/**
 * Copies one row of `table` n times with new ids (`<prefix>_<old ULID time><n>`), the given column expressions
 * (SQL over `src` and the series number `g`) and every other column as it was; sequence columns get new values.
 */
async function copyRows(c: Client, table: string, sourceId: string, n: number, overrides: Record<string, string>) {
  const { rows } = await c.query(
    `select column_name, column_default from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position`,
    [table]
  )
  const cols = rows.filter((r) => !String(r.column_default ?? "").startsWith("nextval(")).map((r) => r.column_name as string)
  const exprs = cols.map((col) => overrides[col] ?? `src."${col}"`)
  await c.query(
    `insert into "${table}" (${cols.map((x) => `"${x}"`).join(", ")}) select ${exprs.join(", ")} from "${table}" src, generate_series(1, ${n}) g where src.id = $1`,
    [sourceId]
  )
}

/** Inserts `n` already-reconciled Dintero orders (created 30 days ago) modelled on an existing mirrored order. */
async function insertHistory(dev: DevStore, n: number): Promise<void> {
  const old = ulidTime(Date.now() - 30 * 24 * 3_600_000)
  const id = (prefix: string) => `'${prefix}_${old}' || lpad(g::text, 16, '0')`
  const when = `now() - interval '30 days'`
  await withDb(dev.databaseUrl, async (c) => {
    const { rows } = await c.query(
      `select m.order_id, p.id as payment_id, p.payment_collection_id
         from dintero_order_mirror m
         join order_payment_collection opc on opc.order_id = m.order_id and opc.deleted_at is null
         join payment p on p.payment_collection_id = opc.payment_collection_id and p.deleted_at is null
        where m.deleted_at is null and m.dintero_order_id is not null limit 1`
    )
    const model = rows[0]
    if (!model) throw new Error("no mirrored Dintero order to model the history on")
    const stamps = { created_at: when, updated_at: when }
    await c.query("begin")
    await copyRows(c, "order", model.order_id, n, { id: id("order"), ...stamps })
    const [capture] = (await c.query(`select id from capture where payment_id = $1 limit 1`, [model.payment_id])).rows
    if (capture) await copyRows(c, "capture", capture.id, n, { id: id("capt"), ...stamps })
    const [session] = (await c.query(`select id from payment_session where payment_collection_id = $1 limit 1`, [model.payment_collection_id])).rows
    if (session) await copyRows(c, "payment_session", session.id, n, { id: id("payses"), ...stamps })
    const [mirror] = (await c.query(`select id from dintero_order_mirror where order_id = $1`, [model.order_id])).rows
    await copyRows(c, "dintero_order_mirror", mirror.id, n, { id: id("dimir"), order_id: id("order"), ...stamps })
    const [op] = (await c.query(`select id from dintero_order_operation where order_id = $1 and kind = 'order_placed'`, [model.order_id])).rows
    if (op) {
      await copyRows(c, "dintero_order_operation", op.id, n, {
        id: id("diop"),
        order_id: id("order"),
        identity: `'order_placed:' || ${id("order")}`,
        ...stamps,
      })
    }
    await c.query("commit")
    await c.query("analyze")
  })
}

/**
 * Inserts `n` abandoned carts' payment sessions, created an hour ago: a Dintero session each (as far as Medusa knows),
 * still `pending`, never paid. The store-wide run looks at every cart with a session that may still be paid.
 */
async function insertOpenSessions(dev: DevStore, n: number): Promise<void> {
  const recent = ulidTime(Date.now() - 3_600_000)
  const id = `'payses_${recent}' || lpad(g::text, 16, '0')`
  await withDb(dev.databaseUrl, async (c) => {
    const [session] = (
      await c.query(`select id from payment_session where provider_id like '%dintero%' and deleted_at is null and data ? 'merchant_reference' limit 1`)
    ).rows
    if (!session) throw new Error("no Dintero payment session to model the open sessions on")
    await copyRows(c, "payment_session", session.id, n, {
      id,
      status: `'pending'`,
      authorized_at: "null",
      data: `jsonb_set(src.data, '{merchant_reference}', to_jsonb('cart_abandoned' || lpad(g::text, 16, '0')))`,
      created_at: `now() - interval '1 hour'`,
      updated_at: `now() - interval '1 hour'`,
    })
    await c.query("analyze")
  })
}

/** PostgreSQL's count of tuples read so far, all user tables (backends publish their counts within ~10 s). */
async function tuplesRead(dev: DevStore): Promise<number> {
  return await withDb(dev.databaseUrl, async (c) => {
    const { rows } = await c.query(`select coalesce(sum(coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0)), 0)::bigint as n from pg_stat_user_tables`)
    return Number(rows[0].n)
  })
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
/** PostgreSQL 15+ backends flush their table statistics at the latest after 10 s idle. */
const STATS_SETTLE_MS = 11_000

async function placeNewOrders(dev: DevStore, n: number, tag: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const cart = await dev.store.prepareCart({
      email: `reconcile-${tag}-${i}@bench.example.com`,
      regionId: dev.seeded.regionId,
      shippingOptionId: dev.seeded.shippingOptionId,
      items: [{ variant_id: dev.seeded.variants.outdoor, quantity: 1 }],
    })
    const { session } = await dev.store.initiatePaymentSession(cart.id)
    await dev.emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
    const done = await dev.store.completeCart(cart.id)
    if (done.body?.type !== "order") throw new Error(`bench cart ${cart.id} did not complete: ${JSON.stringify(done.body).slice(0, 300)}`)
  }
}

async function measuredRun(dev: DevStore, newOrders: number, historyOrders: number, tag: string): Promise<ReconcileRunCost> {
  await placeNewOrders(dev, newOrders, tag)
  await dev.emulator.waitForCallbacks()
  await sleep(STATS_SETTLE_MS)
  const before = await tuplesRead(dev)
  const t0 = nowMs()
  const res = await dev.admin.request("post", "/admin/dintero/reconciliation", {})
  const wall = nowMs() - t0
  if (res.status !== 200) throw new Error(`POST /admin/dintero/reconciliation -> ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`)
  await sleep(STATS_SETTLE_MS)
  const after = await tuplesRead(dev)
  const run = (res.body as any).reconciliation_run
  return {
    new_orders: newOrders,
    history_orders: historyOrders,
    rows_read: run.rows_read,
    dintero_calls: run.dintero_calls,
    repaired: run.repaired.length,
    wall_ms: round(wall),
    db_tuples_read: after - before,
  }
}

export async function reconcileBench(dev: DevStore, progress: (line: string) => void): Promise<ReconcileBench> {
  const history = envInt("BENCH_RECONCILE_HISTORY", 20_000)
  const fresh = envInt("BENCH_RECONCILE_NEW", 3)
  progress("reconciliation: a first run sets the cursor after the orders made so far")
  const first = await dev.admin.request("post", "/admin/dintero/reconciliation", {})
  if (first.status !== 200) throw new Error(`POST /admin/dintero/reconciliation -> ${first.status}: ${JSON.stringify(first.body).slice(0, 300)}`)
  const small = await measuredRun(dev, fresh, 0, "small")
  progress(`reconciliation, small history: ${JSON.stringify(small)}`)
  progress(`reconciliation: inserting ${history} already-reconciled orders (created 30 days ago)`)
  await insertHistory(dev, history)
  const large = await measuredRun(dev, fresh, history, "large")
  progress(`reconciliation, ${history} more orders of history: ${JSON.stringify(large)}`)
  const abandoned = envInt("BENCH_RECONCILE_OPEN_SESSIONS", 500)
  progress(`reconciliation: inserting ${abandoned} abandoned carts' open Dintero sessions (created an hour ago)`)
  await insertOpenSessions(dev, abandoned)
  const open = { ...(await measuredRun(dev, fresh, history, "open")), open_sessions: abandoned }
  progress(`reconciliation, ${abandoned} open sessions: ${JSON.stringify(open)}`)
  // Independent of history: same rows read (± the other work's noise), and PostgreSQL reads far fewer tuples than
  // the history holds (a scan of the inserted orders alone would read `history` tuples).
  const met =
    large.rows_read <= small.rows_read + Math.max(5, small.rows_read * 0.1) && large.db_tuples_read - small.db_tuples_read < history / 10
  return {
    description:
      `Two store-wide runs (POST /admin/dintero/reconciliation), each after ${fresh} new Dintero orders; before the second, ` +
      `${history} already-reconciled orders with a capture, a payment session, a mirror and an outbox row each are inserted ` +
      "directly, created 30 days ago. rows_read: rows the run read through Medusa's modules and the outbox (its record); " +
      "db_tuples_read: PostgreSQL's sequential + index tuple reads during the run, all tables (background jobs may add some). " +
      "A third run follows the insertion of abandoned carts' open Dintero sessions from the last hours: its dintero_calls " +
      "must not grow with them.",
    small_history: small,
    large_history: large,
    open_sessions: open,
    dintero_target: {
      target: `Dintero requests per run independent of the carts with an open session: the same with ${abandoned} abandoned carts (one page of transactions per 100 created in the last day)`,
      met: open.dintero_calls <= small.dintero_calls,
    },
    target: {
      target: `cost independent of history: rows read within 10 % and PostgreSQL tuples read growing by < ${history / 10} with ${history} more orders`,
      met,
    },
  }
}
