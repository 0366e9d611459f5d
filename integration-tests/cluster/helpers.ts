import type { Cluster, ServerClients } from "../../scripts/lib/cluster"
import type { AdminApi } from "../../scripts/lib/store-api"

/** Operation statuses after which the outbox does nothing more by itself. */
export const SETTLED = new Set(["done", "skipped", "failed", "needs_action"])
const KINDS = ["authorizations", "captures", "refunds", "cancellations"] as const

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * Polls `probe` until `ready` holds for its value; every wait in this tier has a deadline. On timeout, throws with
 * what was last seen (described by `show`), so a failure says how far things got.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T>,
  ready: (value: T) => boolean,
  opts: { timeoutMs: number; intervalMs?: number; show?: (value: T) => unknown }
): Promise<T> {
  const until = Date.now() + opts.timeoutMs
  let last: T | undefined
  let lastError: unknown
  while (Date.now() < until) {
    try {
      last = await probe()
      lastError = undefined
      if (ready(last)) return last
    } catch (e) {
      lastError = e
    }
    await sleep(opts.intervalMs ?? 500)
  }
  const seen = lastError ? `error ${(lastError as Error).message}` : JSON.stringify(opts.show && last !== undefined ? opts.show(last) : last)
  throw new Error(`${what}: not reached within ${Math.round(opts.timeoutMs / 1000)} s; last seen: ${seen?.slice(0, 4000)}`)
}

/** Resolves `p` or rejects after `ms`. */
export async function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  try {
    return await Promise.race([
      p,
      new Promise<T>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what} took longer than ${Math.round(ms / 1000)} s`)), ms)
      }),
    ])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs `fn` for 0..n-1 with at most `concurrency` at once; results in index order. */
export async function pool<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array(n)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, concurrency) }, async () => {
      while (next < n) {
        const i = next++
        out[i] = await fn(i)
      }
    })
  )
  return out
}

/** A cart with address and shipping on `server`, each with its own shopper email (`tag` groups a scenario's). */
export async function readyCart(cluster: Cluster, server: ServerClients, tag: string, i: number, quantity = 2, variant?: string) {
  return await server.store.prepareCart({
    email: `${tag}-${i}@cluster.example.com`,
    regionId: cluster.seeded.regionId,
    shippingOptionId: cluster.seeded.shippingOptionId,
    items: [{ variant_id: variant ?? cluster.seeded.variants.outdoor, quantity }],
  })
}

/** The orders linked to each cart (Medusa's order_cart link). */
export async function ordersByCart(cluster: Cluster, cartIds: string[]): Promise<Map<string, string[]>> {
  const rows = await cluster.sql<{ cart_id: string; order_id: string }>(
    "select cart_id, order_id from order_cart where cart_id = any($1) and deleted_at is null",
    [cartIds]
  )
  const map = new Map<string, string[]>(cartIds.map((id) => [id, []]))
  for (const r of rows) map.get(r.cart_id)!.push(r.order_id)
  return map
}

/** Places an order on `server` paid with an authorized Dintero payment (the shopper returns to the same server). */
export async function authorizedOrder(
  cluster: Cluster,
  server: ServerClients,
  tag: string,
  i: number,
  opts: { quantity?: number; paymentProductType?: string } = {}
) {
  const cart = await readyCart(cluster, server, tag, i, opts.quantity ?? 2)
  const { session } = await server.store.initiatePaymentSession(cart.id)
  const paid = await cluster.emulator.pay(session.data.dintero_session_id, "AUTHORIZED", {
    payment_product_type: opts.paymentProductType ?? "dintero_psp.creditcard",
  })
  const completed = await server.store.completeCart(cart.id)
  if (completed.body?.type !== "order") throw new Error(`cart ${cart.id} did not complete: ${JSON.stringify(completed.body).slice(0, 500)}`)
  const orderId = completed.body.order.id as string
  const order = await server.admin.getOrder(orderId)
  return {
    cartId: cart.id,
    orderId,
    paymentId: order.payment_collections[0].payments[0].id as string,
    transactionId: paid.transaction!.id as string,
  }
}

export async function mirrorOf(admin: AdminApi, orderId: string): Promise<any> {
  return await admin.ok("get", `/admin/dintero/orders/${orderId}`)
}

/** What the order's widget shows: each outbox operation with its status and error. */
export function describeMirror(m: any): string[] {
  if (!m?.operations?.length) return ["no Orders-mirror operation at all (the plugin never enqueued one)"]
  return m.operations.map((o: any) => `${o.identity} ${o.status}${o.last_error ? ` (${String(o.last_error).slice(0, 200)})` : ""}`)
}

/** Waits until the mirror has at least `count` operations (and `extra` holds) and none is pending or processing. */
export async function settledMirror(admin: AdminApi, orderId: string, count: number, timeoutMs: number, extra: (m: any) => boolean = () => true) {
  return await waitFor(
    `the Orders mirror of ${orderId} settling`,
    () => mirrorOf(admin, orderId),
    (m) => m.operations.length >= count && m.operations.every((o: any) => SETTLED.has(o.status)) && extra(m),
    { timeoutMs, show: describeMirror }
  )
}

/** The emulator's Dintero orders that carry this Medusa order's id (one expected). */
export function dinteroOrdersOf(cluster: Cluster, medusaOrderId: string): any[] {
  return (cluster.emulator.state.orders as any[]).filter((o) => o.metadata?.medusa_order_id === medusaOrderId)
}

/**
 * POSTs the emulator answered to an Orders API record endpoint of `dinteroOrderId`, by the marker they carried. A POST
 * left without an answer because its sender died (SIGKILL while the emulator held the request) is not counted: the
 * emulator drops such a request unapplied (emulator/faults.ts, "latency"), so the next worker's POST of it is the only
 * one that was handled. The records themselves are still counted per marker (exactly one each, see mirrorProblems).
 */
export function recordPosts(cluster: Cluster, dinteroOrderId: string): Map<string, { kind: string; status: number | null }[]> {
  const byMarker = new Map<string, { kind: string; status: number | null }[]>()
  const re = new RegExp(`/shopping/orders/${dinteroOrderId}/(${KINDS.join("|")})$`)
  for (const r of cluster.emulator.requests) {
    const m = r.method === "POST" ? re.exec(r.path) : null
    if (!m || r.status === null) continue
    const marker = String((r.body as any)?.metadata?.medusa_operation ?? "(no marker)")
    byMarker.set(marker, [...(byMarker.get(marker) ?? []), { kind: m[1], status: r.status }])
  }
  return byMarker
}

/**
 * Everything that must hold for one order's Orders API mirror after the outbox settled, as a list of problems
 * (empty = fine): exactly one Dintero order, every operation done or skipped (never failed or needs_action: what
 * the widget would show the merchant), every record on Dintero exactly once per marker, and exactly one POST per
 * marker (a second POST is a second sender, even when Dintero refused it).
 */
export async function mirrorProblems(cluster: Cluster, admin: AdminApi, orderId: string): Promise<string[]> {
  const problems: string[] = []
  const mirror = await mirrorOf(admin, orderId)
  for (const o of mirror.operations ?? []) {
    if (o.kind === "notice") continue
    if (o.status !== "done" && o.status !== "skipped") problems.push(`${orderId}: widget shows ${o.identity} ${o.status}: ${o.last_error ?? ""}`)
  }
  const dOrders = dinteroOrdersOf(cluster, orderId)
  if (dOrders.length !== 1) {
    problems.push(`${orderId}: ${dOrders.length} Dintero orders (${dOrders.map((o) => o.order_id).join(", ")}), expected 1`)
    if (dOrders.length === 0) return problems
  }
  const mirrorId = mirror.dintero_order_mirror?.dintero_order_id
  if (mirrorId !== dOrders[0].order_id) problems.push(`${orderId}: the mirror says Dintero order ${mirrorId}, Dintero has ${dOrders[0].order_id}`)
  for (const dOrder of dOrders) {
    for (const kind of KINDS) {
      const counts = new Map<string, number>()
      for (const rec of dOrder.operations[kind] ?? []) {
        const marker = String(rec.metadata?.medusa_operation ?? "(no marker)")
        counts.set(marker, (counts.get(marker) ?? 0) + 1)
      }
      for (const [marker, n] of counts) if (n !== 1) problems.push(`${orderId}: Dintero ${dOrder.order_id} has ${n} ${kind} records marked ${marker}`)
    }
    for (const [marker, posts] of recordPosts(cluster, dOrder.order_id)) {
      if (posts.length !== 1) {
        problems.push(
          `${orderId}: ${posts.length} POSTs of ${marker} to Dintero ${dOrder.order_id} (answers ${posts.map((p) => `${p.kind}:${p.status}`).join(", ")})`
        )
      }
    }
  }
  return problems
}

/** Medusa's captures of an order's payments, each as the capture marker the outbox gives it. */
export async function captureIdsOf(cluster: Cluster, orderId: string): Promise<string[]> {
  const rows = await cluster.sql<{ id: string }>(
    `select c.id from capture c
       join payment p on p.id = c.payment_id
       join order_payment_collection opc on opc.payment_collection_id = p.payment_collection_id
      where opc.order_id = $1 and c.deleted_at is null and opc.deleted_at is null`,
    [orderId]
  )
  return rows.map((r) => r.id)
}
