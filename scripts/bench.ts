/**
 * `npm run bench`: boots the dev store against the in-process emulator (no latency) and measures, in one run,
 * Dintero checkout against Medusa's system provider. Prints progress on stderr and one JSON object on stdout
 * (also written to .tmp/bench.json). Targets are measured and printed, never asserted: the exit code is non-zero
 * only when the benchmark itself could not run.
 *
 * Two topologies, one after the other: "dev" (the dev store, one `medusa start` process doing everything) and "split"
 * (the production shape of medusa-config.cluster.ts: one server process, one worker process, Redis for events,
 * workflows, locking and caching; scripts/lib/cluster.ts), where the Orders mirror runs on the worker. The split
 * topology repeats the checkout-throughput phase only. BENCH_TOPOLOGIES=dev|split|dev,split (default both).
 *
 * BENCH_PARTS=plugin,tokens,requests,throughput,admin,history,reconcile (default all) runs only some parts, to iterate
 * on one (e.g. BENCH_PARTS=plugin needs no store at all; BENCH_PARTS=history BENCH_TOPOLOGIES=dev boots the dev store only).
 *
 * Env: BENCH_CHECKOUTS (checkouts counted per provider, default 40), BENCH_CONCURRENCY (default 4), BENCH_WARMUP (per
 * provider, default 32, in rounds of BENCH_CONCURRENCY, the providers taking turns), BENCH_BLOCKS (steady-state
 * blocks per provider, default 4), BENCH_LEAD_IN_MS (each block's
 * lead-in before its window, default 12000: longer than Dintero's 10 s callback delay), BENCH_TOKEN_OPS (default 200), BENCH_ADMIN_OPS
 * (captures, refunds and voids per provider, default 10), BENCH_HISTORY_OPS (operations on one payment, default 51),
 * BENCH_IDLE_MS (the quiet window before the checkout blocks that reads each process's idle CPU rate, default 10000;
 * 0 skips it). The defaults keep a full run near 17 minutes on a busy 2-core
 * machine (Medusa's cart workflows cost ~1 s of CPU per checkout there).
 */
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs"
import os from "node:os"
import path from "node:path"
import { startDevStore, type DevStore } from "./lib/dev-store"
import { startCluster } from "./lib/cluster"
import { CpuMeter, findStoreProcesses, MainThreadMeter, procAvailable, selfCpuMs } from "./lib/bench-cpu"
import { RequestWindow, settle, type RequestCount } from "./lib/bench-requests"
import { StatementCounter } from "./lib/bench-statements"
import { keepAndPool, pluginCodeId, pooledRunsFile } from "./lib/bench-pooled"
import { RECONCILE_BENCH_ENV, reconcileBench } from "./lib/bench-reconcile"
import { envInt, nowMs, percentile, round, runPool, sleep, summarize, type LatencySummary } from "./lib/bench-stats"
import { pluginWorkBench } from "./lib/bench-plugin-work"
import { historyBench } from "./lib/bench-history"

/** The parts of a run (BENCH_PARTS, default all); `plugin` needs no store, the split topology runs `throughput` only. */
const PARTS = ["plugin", "tokens", "requests", "throughput", "phases", "admin", "history", "reconcile"] as const
type Part = (typeof PARTS)[number]

const DINTERO = "pp_dintero_dintero"
const SYSTEM = "pp_system_default"
type Provider = typeof DINTERO | typeof SYSTEM

const params = {
  // 40 checkouts in 4 paired windows: with 20 in 2 the difference's standard error (30–40 ms) was as large as what
  // 0.95 allows on the dev topology, so one run could land on either side of it.
  checkouts_per_provider: envInt("BENCH_CHECKOUTS", 40),
  concurrency: envInt("BENCH_CONCURRENCY", 4),
  // 32 per provider: in rounds of 4, the store's CPU per checkout levelled off after about 10 rounds (20 checkouts per
  // provider) in a run of 2026-11-30 (docs/benchmark.md); with 4, the first measured block ran on a store still warming.
  warmup_per_provider: envInt("BENCH_WARMUP", 32, 0),
  phase_checkouts_per_provider: envInt("BENCH_PHASE_CHECKOUTS", 12),
  blocks_per_provider: envInt("BENCH_BLOCKS", 4),
  // Longer than Dintero's callback delay (10 s), so a stream's own callbacks arrive while further checkouts run.
  lead_in_ms: envInt("BENCH_LEAD_IN_MS", 12_000, 0),
  idle_ms: envInt("BENCH_IDLE_MS", 10_000, 0),
  token_operations: envInt("BENCH_TOKEN_OPS", 200),
  admin_operations_per_provider: envInt("BENCH_ADMIN_OPS", 10),
  cart_preparation_concurrency: 8,
  emulator_latency_ms: 0,
  history_operations: envInt("BENCH_HISTORY_OPS", 51, 3),
  topologies: (process.env.BENCH_TOPOLOGIES ?? "dev,split").split(",").map((t) => t.trim()).filter(Boolean),
  parts: (process.env.BENCH_PARTS ?? PARTS.join(",")).split(",").map((t) => t.trim()).filter(Boolean),
  // The store's Orders mirror (medusa-config.ts reads the same variable): DINTERO_ORDERS_MIRROR=false measures the
  // checkout road without it, for a store that switches it off and to see what share of the difference it is.
  orders_mirror: process.env.DINTERO_ORDERS_MIRROR !== "false",
}
for (const t of params.topologies) {
  if (t !== "dev" && t !== "split") throw new Error(`BENCH_TOPOLOGIES: unknown topology "${t}" (dev, split)`)
}
for (const p of params.parts) {
  if (!(PARTS as readonly string[]).includes(p)) throw new Error(`BENCH_PARTS: unknown part "${p}" (${PARTS.join(", ")})`)
}
// Without the mirror only the checkout road is measured: the other parts judge the mirror's own targets (its requests
// per capture, the history, the admin's retry), which a store without it would report as met for doing nothing.
const WITHOUT_MIRROR_PARTS: readonly string[] = ["throughput", "phases"]
if (!params.orders_mirror && params.parts.some((p) => !WITHOUT_MIRROR_PARTS.includes(p))) {
  throw new Error(`DINTERO_ORDERS_MIRROR=false: only the parts ${WITHOUT_MIRROR_PARTS.join(" and ")} run without the Orders mirror (BENCH_PARTS); the others measure it`)
}
const runs = (part: Part) => params.parts.includes(part)

const started = Date.now()
function progress(line: string): void {
  process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1)}s] ${line}\n`)
}

// ------------------------------------------------------------------ storefront and admin roads

interface Checkout {
  provider: Provider
  orderId: string
  cartId: string
  /** Dintero's session (Dintero checkouts): its callback tells when the checkout is complete. */
  sessionId?: string
  total_ms: number
  payment_ms: number
}

let shoppers = 0

/** Each cart is a different shopper: concurrent guest carts with one email race on creating the guest customer. */
function cartInput(dev: DevStore) {
  return {
    email: `shopper-${++shoppers}@bench.example.com`,
    regionId: dev.seeded.regionId,
    shippingOptionId: dev.seeded.shippingOptionId,
    items: [{ variant_id: dev.seeded.variants.outdoor, quantity: 2 }],
  }
}

function orderOf(completed: { status: number; body: any }, cartId: string): string {
  if (completed.status !== 200 || completed.body?.type !== "order" || !completed.body.order?.id) {
    throw new Error(`cart ${cartId} did not complete into an order: ${completed.status} ${JSON.stringify(completed.body).slice(0, 500)}`)
  }
  return completed.body.order.id
}

async function payOnDintero(dev: DevStore, session: any): Promise<void> {
  const sessionId = session?.data?.dintero_session_id
  if (!sessionId) throw new Error(`payment session has no dintero_session_id: ${JSON.stringify(session).slice(0, 300)}`)
  const paid = await dev.emulator.pay(sessionId, "AUTHORIZED")
  if (!paid.transaction) throw new Error(`paying ${sessionId} on the emulator created no transaction`)
}

/** The storefront's whole road: cart -> address -> shipping -> payment session -> (pay at Dintero) -> complete. */
async function checkout(dev: DevStore, provider: Provider): Promise<Checkout> {
  const t0 = nowMs()
  const cart = await dev.store.prepareCart(cartInput(dev))
  const t1 = nowMs()
  const { session } = await dev.store.initiatePaymentSession(cart.id, provider)
  if (provider === DINTERO) {
    // The in-process pay also schedules Dintero's callback (10 s later by default).
    await payOnDintero(dev, session)
  }
  const orderId = orderOf(await dev.store.completeCart(cart.id), cart.id)
  const t2 = nowMs()
  const sessionId = provider === DINTERO ? (session.data.dintero_session_id as string) : undefined
  return { provider, orderId, cartId: cart.id, sessionId, total_ms: t2 - t0, payment_ms: t2 - t1 }
}

async function paymentIdOf(dev: DevStore, orderId: string): Promise<string> {
  const order = await dev.admin.getOrder(orderId)
  const payment = order?.payment_collections?.[0]?.payments?.[0]
  if (!payment?.id) throw new Error(`order ${orderId} has no payment: ${JSON.stringify(order).slice(0, 500)}`)
  return payment.id
}

function expectOk(what: string, res: { status: number; body: unknown }): void {
  if (res.status !== 200) throw new Error(`${what} -> ${res.status}: ${JSON.stringify(res.body).slice(0, 500)}`)
}

// ------------------------------------------------------------------ CPU blocks

interface Meters {
  medusa: CpuMeter
  database: CpuMeter
  /** Each Medusa process apart (dev: the one `server`; split: `server` and `worker`), each with its children. */
  processes: Record<string, CpuMeter>
}

interface CpuSample {
  medusa: number
  database: number
  bench: number
  by_process: Record<string, number>
}

function sampleCpu(m: Meters): CpuSample {
  const by_process = Object.fromEntries(Object.entries(m.processes).map(([name, meter]) => [name, meter.read()]))
  return { medusa: m.medusa.read(), database: m.database.read(), bench: selfCpuMs(), by_process }
}

function mapProcesses(a: Record<string, number>, b: Record<string, number>, f: (x: number, y: number) => number) {
  const names = new Set([...Object.keys(a), ...Object.keys(b)])
  return Object.fromEntries([...names].map((n) => [n, f(a[n] ?? 0, b[n] ?? 0)]))
}

function cpuDelta(a: CpuSample, b: CpuSample): CpuSample {
  return {
    medusa: b.medusa - a.medusa,
    database: b.database - a.database,
    bench: b.bench - a.bench,
    by_process: mapProcesses(a.by_process, b.by_process, (x, y) => y - x),
  }
}

function addCpu(a: CpuSample, b: CpuSample): CpuSample {
  return {
    medusa: a.medusa + b.medusa,
    database: a.database + b.database,
    bench: a.bench + b.bench,
    by_process: mapProcesses(a.by_process, b.by_process, (x, y) => x + y),
  }
}

const ZERO_CPU: CpuSample = { medusa: 0, database: 0, bench: 0, by_process: {} }

/** The server process's CPU in a sample (the dev store's one process, or the split topology's server). */
const serverCpuMs = (c: CpuSample) => c.by_process.server ?? c.medusa

function perOp(cpu: CpuSample, ops: number) {
  return {
    medusa_ms: round(cpu.medusa / ops, 2),
    ...(Object.keys(cpu.by_process).length > 1
      ? { medusa_ms_by_process: Object.fromEntries(Object.entries(cpu.by_process).map(([n, ms]) => [n, round(ms / ops, 2)])) }
      : {}),
    database_ms: round(cpu.database / ops, 2),
    bench_process_ms: round(cpu.bench / ops, 2),
  }
}

// ------------------------------------------------------------------ phase 1: token requests under concurrency

/**
 * Carts that can take a payment session: one POST /store/carts with the items (no address or shipping: initiating a
 * payment needs neither, and Medusa's cart updates are expensive enough that 200 full carts would dominate the run).
 */
async function prepareCarts(dev: DevStore, n: number): Promise<string[]> {
  return await runPool(n, params.cart_preparation_concurrency, async () => (await dev.store.createCart(cartInput(dev))).id)
}

async function concurrentInitiations(dev: DevStore, cartIds: string[], label: string) {
  await settle(dev.emulator)
  const window = new RequestWindow(dev.emulator)
  const t0 = nowMs()
  const results = await Promise.allSettled(cartIds.map((id) => dev.store.initiatePaymentSession(id, DINTERO)))
  const wall = nowMs() - t0
  await settle(dev.emulator)
  const failed = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[]
  const count = window.count()
  progress(`${label}: ${cartIds.length} concurrent initiations in ${Math.round(wall)} ms, ${count.token_requests} token request(s), ${failed.length} failed`)
  return {
    operations: cartIds.length,
    failed: failed.length,
    first_failure: failed[0] ? String((failed[0].reason as Error)?.message ?? failed[0].reason).slice(0, 300) : undefined,
    wall_ms: round(wall),
    token_requests: count.token_requests,
    dintero_requests: count.dintero_requests,
  }
}

async function tokenPhase(dev: DevStore) {
  progress(`preparing ${params.token_operations} carts for the concurrent-operations token test`)
  const carts = await prepareCarts(dev, params.token_operations)
  const tokensBefore = dev.emulator.tokenRequests()
  // Cold only when nothing has fetched a token yet (the store may fetch one at boot).
  const cold =
    tokensBefore === 0
      ? await concurrentInitiations(dev, carts, "cold token cache")
      : { not_measured: `the store had already requested ${tokensBefore} token(s) before the first operation` }
  // Warm: the same carts again; each re-initiation replaces the cart's payment session (Dintero: cancel + create).
  const warm = await concurrentInitiations(dev, carts, "warm token cache")
  return {
    description:
      "N concurrent POST /store/payment-collections/:id/payment-sessions with pp_dintero_dintero on N prepared carts, all " +
      "fired at once; token requests counted at the emulator. Cold = no token fetched before (first Dintero operations " +
      "of the process, so its wall time also carries Medusa's first-use costs); warm = the same carts re-initiated right " +
      "after (each re-initiation replaces the previous session: Dintero cancel + create).",
    token_requests_before_phase: tokensBefore,
    cold,
    warm,
  }
}

// ------------------------------------------------------------------ phase 2: Dintero requests per operation

interface OperationCount {
  status: number
  critical_path: RequestCount
  /** Including what the operation set off afterwards (callbacks, subscribers), until the emulator went quiet. */
  including_async: RequestCount
  note?: string
}

async function measureOperation(dev: DevStore, run: () => Promise<{ status: number; body?: unknown }>, note?: string): Promise<OperationCount> {
  await settle(dev.emulator)
  const window = new RequestWindow(dev.emulator)
  const res = await run()
  const critical = window.count()
  await settle(dev.emulator)
  return { status: res.status, critical_path: critical, including_async: window.count(), ...(note ? { note } : {}) }
}

/**
 * Runs the store-wide reconciliation now and waits for it. The job runs as in production (every 5 minutes, its first
 * run at the job's first tick after boot): one run started now keeps the next one minutes away from what is measured
 * next. (409: a scheduled run is under way; the one after it is the one that counts.)
 */
async function reconcileNow(admin: DevStore["admin"]): Promise<void> {
  for (let tries = 0; (await admin.request("post", "/admin/dintero/reconciliation", {})).status === 409 && tries < 10; tries++) {
    await new Promise((r) => setTimeout(r, 1000))
  }
}

/**
 * The reconciliation runs (scheduled or not) that started inside a measured window, named by the window's provider
 * and block: a run is store-wide work done every few minutes whatever paid the orders, so one landing in a window
 * charges that window's checkouts with work that is not theirs. Reported beside the figures, never hidden.
 */
async function reconciliationsInWindows(admin: DevStore["admin"], blocks: StreamBlock[]): Promise<{ provider: Provider; block: number; started_at: string }[]> {
  const res = await admin.request("get", "/admin/dintero/reconciliation")
  const runs = ((res.body as { reconciliation_runs?: { started_at?: string }[] })?.reconciliation_runs ?? []).map((r) => String(r.started_at))
  const found: { provider: Provider; block: number; started_at: string }[] = []
  for (const startedAt of runs) {
    const t = new Date(startedAt).getTime()
    blocks.forEach((b, i) => {
      if (t >= b.window_started_at && t <= b.window_ended_at) found.push({ provider: b.provider, block: Math.floor(i / 2) + 1, started_at: startedAt })
    })
  }
  return found
}

async function requestsPerOperation(dev: DevStore) {
  const { emulator, store, admin } = dev
  // A scheduled reconciliation (its transaction list, and a paid cart it settles before the callback does) is not
  // to be counted as a request of the operation measured next to it.
  await reconcileNow(admin)

  // initiate
  const cartA = await store.prepareCart(cartInput(dev))
  let sessionA: any
  const initiate = await measureOperation(dev, async () => {
    sessionA = (await store.initiatePaymentSession(cartA.id, DINTERO)).session
    return { status: 200 }
  })

  // authorize, storefront road: the shopper returns before any callback (the callback is dropped for this payment).
  emulator.faults.add({ kind: "callback", mode: "drop" })
  await payOnDintero(dev, sessionA)
  let orderA = ""
  const authorizeStorefront = await measureOperation(
    dev,
    async () => {
      const res = await store.completeCart(cartA.id)
      orderA = orderOf(res, cartA.id)
      return res
    },
    "POST /store/carts/:id/complete after paying; Dintero's callback for this payment was dropped by the emulator"
  )

  // authorize, callback road: the shopper never returns; Dintero's callback authorizes and completes the cart.
  const cartB = await store.prepareCart(cartInput(dev))
  const { session: sessionB } = await store.initiatePaymentSession(cartB.id, DINTERO)
  const authorizeCallback = await measureOperation(
    dev,
    async () => {
      await payOnDintero(dev, sessionB)
      await emulator.waitForCallbacks()
      const delivery = emulator.callbacks.filter((c: any) => c.session_id === sessionB.data.dintero_session_id).pop() as any
      const last = delivery?.attempts?.[delivery.attempts.length - 1]
      return { status: last?.status ?? 0, body: last }
    },
    "Dintero's callback (GET to /hooks/dintero/callback) until Medusa answered it; status = Medusa's answer"
  )
  const cartBAfter = await store.getCart(cartB.id)
  const callbackCompletedCart = Boolean(cartBAfter?.completed_at)

  // the shopper comes back after the callback already completed the cart
  let orderB = ""
  const completeAfterCallback = await measureOperation(
    dev,
    async () => {
      const res = await store.completeCart(cartB.id)
      orderB = orderOf(res, cartB.id)
      return res
    },
    "POST /store/carts/:id/complete after the callback had completed the cart"
  )

  // capture (partial, with an amount), then refund, on the storefront road's order
  const paymentA = await paymentIdOf(dev, orderA)
  const capture = await measureOperation(dev, () => admin.capture(paymentA, 100), "POST /admin/payments/:id/capture {amount: 100}")
  const refund = await measureOperation(dev, () => admin.refund(paymentA, 50), "POST /admin/payments/:id/refund {amount: 50}")

  // void: cancel the callback road's order (authorized, nothing captured)
  const voidOp = await measureOperation(dev, () => admin.cancelOrder(orderB), "POST /admin/orders/:id/cancel on an authorized, uncaptured order")

  const operations = {
    initiate,
    authorize_complete_by_storefront: authorizeStorefront,
    authorize_by_callback: authorizeCallback,
    complete_after_callback: completeAfterCallback,
    capture,
    refund,
    void: voidOp,
  }
  for (const [name, op] of Object.entries(operations)) {
    if (op.status !== 200) throw new Error(`operation ${name} failed with status ${op.status}`)
    progress(`${name}: ${op.critical_path.dintero_requests} Dintero request(s) [${op.critical_path.requests.join(", ")}]`)
  }
  return { operations, callback_completed_cart: callbackCompletedCart }
}

// ------------------------------------------------------------------ phase 3: checkout throughput

/**
 * How the throughput is measured: steady state, so that neither provider is charged for time the server spends
 * waiting. Dintero calls back 10 s after the payment (so the callback finds the order the shopper's return placed),
 * and a block that ran N checkouts and then waited for their callbacks charged the Dintero checkouts with the server's
 * idle spending over that wait (timers, scheduled jobs, the pool: ~20 ms of CPU per second on the dev store).
 *
 * Each block is a stream: `concurrency` storefront shoppers checking out back to back with one provider, without
 * pause. The measured window opens once the stream is in steady state: the lead-in (longer than the callback delay)
 * has elapsed, `concurrency` of the stream's checkouts are complete (order placed and, for Dintero, the callback
 * answered 2xx by Medusa: Dintero's callbacks now arrive while further checkouts run), and the previous block's
 * checkouts and callbacks are all done. It opens at the next order placed and closes at the K-th order placed after
 * it; the server's CPU is read at both ends: CPU per checkout = CPU over the window / K, throughput = K / the window.
 * The window holds the work of K storefront checkouts, and, in steady state, as many callbacks (of the checkouts
 * placed about 10 s before; their count is reported, `callbacks_answered_in_windows`) and as much of the dev store's
 * Orders mirror after `order.placed`: the plugin is charged for all of it. Every counted checkout's callback is then
 * checked to have been answered 2xx (`counted_checkouts_answered_2xx`).
 *
 * Why the windows are delimited by orders placed and not by callbacks answered (a checkout's last event): nearly all
 * of a checkout's server CPU is its storefront part; a window from one callback to the K-th callback after it holds
 * the storefront work of whichever checkouts ran in it, K ± 2 of 10 (a 10 % error per block in a run of 2026-11-30),
 * where a window between orders holds exactly K storefront parts and the callbacks' count varies by the same ± 2,
 * at ~20 ms each. Both providers go through the same procedure; orders are polled every 20 ms for both, so both ends
 * of a window lag their event alike.
 */
interface StreamBlock {
  provider: Provider
  /** Every checkout the stream ran (lead-in and the tail after the window included: the admin phase uses their orders). */
  all: Checkout[]
  /** The K checkouts whose order was placed inside the window. */
  checkouts: Checkout[]
  window_ms: number
  lead_in_ms: number
  cpu: CpuSample
  requests: RequestCount
  /** Dintero callbacks Medusa answered inside the window (steady state: about K, of earlier checkouts). */
  callbacks_answered_in_window: number
  /** The window's wall-clock ends (ms since the epoch), to place the store's scheduled work. */
  window_started_at: number
  window_ended_at: number
}

const POLL_MS = 20

interface Stream {
  provider: Provider
  checkouts: Checkout[]
  stop(): void
  /** Resolves when every shopper's last checkout has finished (after stop). */
  done: Promise<void>
  finished(): boolean
  failure(): unknown
}

/**
 * `staggerMs`: shopper i starts i x staggerMs after the first. Shoppers started together stay in step (the server
 * shares its CPU among identical checkouts, so they finish together), and their completions then come in bursts: a
 * window opening at a completion would open at a burst's first and count the burst. Spread over one checkout's
 * duration, the completions come evenly.
 */
function startStream(dev: DevStore, provider: Provider, staggerMs: number): Stream {
  let stopped = false
  let failure: unknown
  const checkouts: Checkout[] = []
  const shopper = async (_: unknown, i: number) => {
    await sleep(i * staggerMs)
    while (!stopped && failure === undefined) {
      try {
        checkouts.push(await checkout(dev, provider))
      } catch (e) {
        failure ??= e
      }
    }
  }
  let finished = false
  const done = Promise.all(Array.from({ length: params.concurrency }, shopper)).then(() => void (finished = true))
  return { provider, checkouts, stop: () => void (stopped = true), done, finished: () => finished, failure: () => failure }
}

/** Dintero sessions whose callback Medusa has answered with a 2xx. */
function answeredSessions(dev: DevStore): Set<string> {
  return new Set(dev.emulator.callbacks.filter((d) => d.delivered).map((d) => d.session_id))
}

function isComplete(c: Checkout, answered: Set<string>): boolean {
  return c.provider === SYSTEM || answered.has(c.sessionId!)
}

/** Waits until the previous block's checkouts are finished and each Dintero callback of theirs answered. */
function previousDone(dev: DevStore, previous: Stream | undefined): boolean {
  if (!previous) return true
  if (!previous.finished()) return false
  const answered = answeredSessions(dev)
  return previous.checkouts.every((c) => isComplete(c, answered))
}

async function streamBlock(
  dev: DevStore,
  meters: Meters,
  provider: Provider,
  k: number,
  previous: Stream | undefined,
  staggerMs: number
) {
  const stream = startStream(dev, provider, staggerMs)
  const t0 = nowMs()
  const check = () => {
    const failure = stream.failure() ?? previous?.failure()
    if (failure !== undefined) throw failure
  }
  const completed = () => {
    const answered = answeredSessions(dev)
    return stream.checkouts.filter((c) => isComplete(c, answered))
  }
  // Lead-in: steady state reached (see above).
  let lastWarn = t0
  for (;;) {
    check()
    const ready =
      nowMs() - t0 >= params.lead_in_ms && completed().length >= params.concurrency && previousDone(dev, previous)
    if (ready) break
    if (nowMs() - lastWarn > 60_000) {
      lastWarn = nowMs()
      progress(`block ${provider}: still waiting for the steady state (previous block's callbacks unanswered?)`)
    }
    await sleep(POLL_MS)
  }
  // The window opens at the next order placed and closes at the K-th order placed after it.
  const before = stream.checkouts.length
  while (stream.checkouts.length === before) {
    check()
    await sleep(POLL_MS)
  }
  const cpu0 = sampleCpu(meters)
  const mono0 = monotonicUs()
  const ta = nowMs()
  const startedAt = Date.now()
  const window = new RequestWindow(dev.emulator)
  const ordersAtStart = stream.checkouts.length
  const answeredAtStart = answeredSessions(dev).size
  while (stream.checkouts.length - ordersAtStart < k) {
    check()
    await sleep(POLL_MS)
  }
  const cpu = cpuDelta(cpu0, sampleCpu(meters))
  const tb = nowMs()
  const requests = window.count()
  const counted = stream.checkouts.slice(ordersAtStart)
  const answeredInWindow = answeredSessions(dev).size - answeredAtStart
  recordProfileWindow({ provider, checkouts: counted.length, start_us: mono0, end_us: monotonicUs() })
  stream.stop()
  const block: StreamBlock = {
    provider,
    all: stream.checkouts,
    checkouts: counted,
    window_ms: tb - ta,
    lead_in_ms: ta - t0,
    cpu,
    requests,
    callbacks_answered_in_window: provider === DINTERO ? answeredInWindow : 0,
    window_started_at: startedAt,
    window_ended_at: Date.now(),
  }
  return { block, stream }
}

/**
 * What each Medusa process spends with nothing to do (timers, the job scheduler, connections kept alive), in ms of CPU
 * per second: read over a quiet window before the blocks. Reported beside the figures: the streams' windows are
 * busy from end to end, so this spending runs beside the checkouts for both providers alike, per second of window.
 * /proc counts in 10 ms ticks: the four slices kept read the rate to about 1.3 ms per second.
 */
async function idleRate(dev: DevStore, meters: Meters, ms: number): Promise<Record<string, number>> {
  await settle(dev.emulator)
  // Five slices, each process's busiest left out: a scheduled job (the retry every minute, the reconciliation) that
  // happens to run in one slice does not count as idle spending.
  const slices: { seconds: number; ms: Record<string, number> }[] = []
  const mono0 = monotonicUs()
  for (let i = 0; i < 5; i++) {
    const t0 = nowMs()
    const cpu0 = sampleCpu(meters)
    await new Promise((r) => setTimeout(r, ms / 5))
    const cpu = cpuDelta(cpu0, sampleCpu(meters))
    slices.push({ seconds: (nowMs() - t0) / 1000, ms: cpu.by_process })
  }
  const dir = process.env.BENCH_CPU_PROF_DIR
  if (dir) appendFileSync(path.join(dir, "idle.jsonl"), JSON.stringify({ start_us: mono0, end_us: monotonicUs() }) + "\n")
  return Object.fromEntries(
    Object.keys(slices[0].ms).map((name) => {
      const busiest = slices.reduce((b, s) => (s.ms[name] / s.seconds > b.ms[name] / b.seconds ? s : b))
      const kept = slices.filter((s) => s !== busiest)
      return [name, round(kept.reduce((a, s) => a + s.ms[name], 0) / kept.reduce((a, s) => a + s.seconds, 0), 2)]
    })
  )
}

function blockSizes(total: number, blocks: number): number[] {
  const n = Math.min(blocks, total)
  return Array.from({ length: n }, (_, i) => Math.floor(total / n) + (i < total % n ? 1 : 0))
}

/**
 * The warm-up before the measured blocks: rounds of `concurrency` checkouts, the providers taking turns (D S D S ...),
 * until each has run `warmup_per_provider`. Both providers share most of a checkout's code (Medusa's cart and order
 * workflows), and V8 and PostgreSQL take many checkouts to reach their steady speed on it: with a warm-up of one round
 * per provider, the first measured block (a Dintero one, ABBA) ran on a store still getting faster. (The longer
 * warm-up took that excess out of the first pair but left the pooled figure where it was: docs/benchmark.md,
 * 2026-11-30.) Each round's server CPU per checkout is reported (`warm_up_rounds`), so a run shows whether the store
 * had levelled off before its first window.
 */
async function warmUpRounds(dev: DevStore, meters: Meters) {
  const orders: Record<Provider, Checkout[]> = { [DINTERO]: [], [SYSTEM]: [] }
  const rounds: { provider: Provider; checkouts: number; server_cpu_ms_per_checkout: number }[] = []
  progress(`warm-up: ${params.warmup_per_provider} checkouts per provider, in rounds of ${params.concurrency}, the providers taking turns`)
  for (let round = 0; orders[DINTERO].length < params.warmup_per_provider || orders[SYSTEM].length < params.warmup_per_provider; round++) {
    const provider: Provider = round % 2 === 0 ? DINTERO : SYSTEM
    const n = Math.min(params.concurrency, params.warmup_per_provider - orders[provider].length)
    if (n <= 0) continue
    const cpu0 = sampleCpu(meters)
    orders[provider].push(...(await runPool(n, params.concurrency, () => checkout(dev, provider))))
    rounds.push({ provider, checkouts: n, server_cpu_ms_per_checkout: Math.round(serverCpuMs(cpuDelta(cpu0, sampleCpu(meters))) / n) })
  }
  progress(`warm-up rounds, server CPU ms per checkout: ${rounds.map((r) => `${r.provider === DINTERO ? "D" : "S"} ${r.server_cpu_ms_per_checkout}`).join(", ")}`)
  return { orders, rounds }
}

async function throughputPhase(dev: DevStore, meters: Meters) {
  // The store's reconciliation (every 5 minutes) runs now, before the warm-up, rather than at its first scheduled
  // tick inside the first block's window (always a Dintero one, ABBA). A run that still lands in a window is reported.
  await reconcileNow(dev.admin)
  const warmUp = await warmUpRounds(dev, meters)
  const warmOrders = warmUp.orders
  await settle(dev.emulator)
  // The shoppers' start is spread over one checkout's duration (the warm-ups' mean, both providers alike).
  const warm = [...warmOrders[DINTERO], ...warmOrders[SYSTEM]]
  const staggerMs = warm.length ? warm.reduce((a, c) => a + c.total_ms, 0) / warm.length / params.concurrency : 0
  const idle = params.idle_ms > 0 ? await idleRate(dev, meters, params.idle_ms) : undefined
  if (idle) progress(`idle CPU, ms per second: ${JSON.stringify(idle)}`)

  // ABBA order (D S S D D S ...) so drift over the run (other load on the machine, JIT, a growing database)
  // falls on both providers alike. Each block's stream starts as the previous one stops: its lead-in overlaps the
  // previous block's last checkouts and callbacks, which its window waits for.
  const sizes = blockSizes(params.checkouts_per_provider, params.blocks_per_provider)
  const blocks: StreamBlock[] = []
  let previous: Stream | undefined
  for (let i = 0; i < sizes.length; i++) {
    const order: Provider[] = i % 2 === 0 ? [DINTERO, SYSTEM] : [SYSTEM, DINTERO]
    for (const provider of order) {
      const { block, stream } = await streamBlock(dev, meters, provider, sizes[i], previous, staggerMs)
      previous = stream
      blocks.push(block)
      progress(
        `block ${i + 1}/${sizes.length} ${provider}: ${block.checkouts.length} orders placed in a ${Math.round(block.window_ms)} ms window ` +
          `(${round((block.checkouts.length * 1000) / block.window_ms, 2)}/s; lead-in ${Math.round(block.lead_in_ms)} ms), ` +
          `server CPU ${Math.round(serverCpuMs(block.cpu) / block.checkouts.length)} ms/checkout ` +
          `(main thread ${Math.round(block.cpu.by_process.server_main_thread / block.checkouts.length)}); ` +
          `callbacks answered in the window ${block.callbacks_answered_in_window}`
      )
    }
  }
  await previous?.done
  if (previous?.failure() !== undefined) throw previous.failure()
  await dev.emulator.waitForCallbacks()
  await settle(dev.emulator)
  const reconciliations = await reconciliationsInWindows(dev.admin, blocks)
  if (reconciliations.length) progress(`reconciliation runs inside measured windows: ${JSON.stringify(reconciliations)}`)

  const byProvider = (provider: Provider) => {
    const mine = blocks.filter((b) => b.provider === provider)
    const checkouts = mine.flatMap((b) => b.checkouts)
    const windowMs = mine.reduce((s, b) => s + b.window_ms, 0)
    const cpu = mine.reduce((s, b) => addCpu(s, b.cpu), ZERO_CPU)
    const dinteroRequests = mine.reduce((s, b) => s + b.requests.dintero_requests, 0)
    const checkoutApi = mine.reduce((s, b) => s + b.requests.checkout_api_requests, 0)
    const ordersApi = mine.reduce((s, b) => s + b.requests.orders_api_requests, 0)
    const tokenRequests = mine.reduce((s, b) => s + b.requests.token_requests, 0)
    const byRoute: Record<string, number> = {}
    for (const request of mine.flatMap((b) => b.requests.requests)) byRoute[request] = (byRoute[request] ?? 0) + 1
    // The counted checkouts' callbacks, read after the last block (every callback answered by then).
    const sessions = new Set(checkouts.map((c) => c.sessionId).filter(Boolean))
    const delivered = dev.emulator.callbacks.filter((d) => sessions.has(d.session_id))
    const callbackStatuses: Record<string, number> = {}
    for (const a of delivered.flatMap((d) => d.attempts)) callbackStatuses[String(a.status ?? a.error)] = (callbackStatuses[String(a.status ?? a.error)] ?? 0) + 1
    const callbacks = {
      deliveries: delivered.length,
      attempts: delivered.reduce((n, d) => n + d.attempts.length, 0),
      counted_checkouts_answered_2xx: checkouts.filter((c) => c.sessionId && answeredSessions(dev).has(c.sessionId)).length,
    }
    const total: LatencySummary = summarize(checkouts.map((c) => c.total_ms))
    const payment: LatencySummary = summarize(checkouts.map((c) => c.payment_ms))
    return {
      checkouts: checkouts.length,
      blocks: mine.length,
      window_ms: round(windowMs),
      checkouts_per_second: round((checkouts.length * 1000) / windowMs, 3),
      latency_cart_to_order: total,
      latency_payment_session_to_order: payment,
      cpu_per_checkout: perOp(cpu, checkouts.length),
      /** Requests the emulator answered in the windows, per checkout counted (steady state: each checkout's own). */
      dintero_requests_per_checkout: round(dinteroRequests / checkouts.length, 2),
      checkout_api_requests_per_checkout: round(checkoutApi / checkouts.length, 2),
      orders_api_requests_per_checkout: round(ordersApi / checkouts.length, 2),
      token_requests: tokenRequests,
      dintero_requests_per_checkout_by_route: Object.fromEntries(Object.entries(byRoute).map(([r, n]) => [r, round(n / checkouts.length, 2)])),
      block_checkouts_per_second: mine.map((b) => round((b.checkouts.length * 1000) / b.window_ms, 2)),
      lead_in_ms: mine.map((b) => Math.round(b.lead_in_ms)),
      /** Steady state: about one Dintero callback answered in the windows per checkout counted. */
      callbacks_answered_in_windows: mine.reduce((s, b) => s + b.callbacks_answered_in_window, 0),
      callbacks: { ...callbacks, answers: callbackStatuses },
      ...(idle
        ? {
            /** The idle rate over the windows, per checkout: the part of the figure the process would spend doing nothing. */
            idle_cpu_ms_per_checkout_by_process: Object.fromEntries(
              Object.entries(idle).map(([n, rate]) => [n, round((rate * windowMs) / 1000 / checkouts.length, 1)])
            ),
          }
        : {}),
    }
  }
  const dintero = byProvider(DINTERO)
  const system = byProvider(SYSTEM)
  const pairs = sizes.map((_, i) => [DINTERO, SYSTEM].map((p) => blocks.filter((b) => b.provider === p)[i]))
  // Block i of each provider ran next to each other: their ratio is less exposed to drift than the totals.
  const rateOf = (b: StreamBlock) => b.checkouts.length / b.window_ms
  const pairRatios = pairs.map(([d, s]) => round(rateOf(d) / rateOf(s), 3))
  // The same pairs judged by the server process's CPU per checkout (system / dintero).
  const serverCpuOf = (b: StreamBlock) => serverCpuMs(b.cpu) / b.checkouts.length
  const pairServerCpuRatios = pairs.map(([d, s]) => round(serverCpuOf(s) / serverCpuOf(d), 3))
  // The same pairs as a difference (Dintero minus system, ms of server CPU per checkout), with the mean's standard
  // error over the pairs: how far apart two runs of the same code may land (other load moves whole blocks).
  const pairServerCpuDifferences = pairs.map(([d, s]) => round(serverCpuOf(d) - serverCpuOf(s), 1))
  const meanOf = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
  const differenceMean = meanOf(pairServerCpuDifferences)
  const differenceSe =
    pairServerCpuDifferences.length > 1
      ? Math.sqrt(
          pairServerCpuDifferences.reduce((a, x) => a + (x - differenceMean) ** 2, 0) /
            (pairServerCpuDifferences.length - 1) /
            pairServerCpuDifferences.length
        )
      : NaN
  const serverMs = (r: ReturnType<typeof byProvider>) => r.cpu_per_checkout.medusa_ms_by_process?.server ?? r.cpu_per_checkout.medusa_ms
  const mainThreadMs = (r: ReturnType<typeof byProvider>) => r.cpu_per_checkout.medusa_ms_by_process?.server_main_thread ?? NaN
  const mainThreadOf = (b: StreamBlock) => b.cpu.by_process.server_main_thread / b.checkouts.length
  const workerMs = (r: ReturnType<typeof byProvider>) => r.cpu_per_checkout.medusa_ms_by_process?.worker
  const idleShare = (r: ReturnType<typeof byProvider>) => r.idle_cpu_ms_per_checkout_by_process?.server ?? 0
  const orders: Record<Provider, string[]> = {
    [DINTERO]: [...warmOrders[DINTERO], ...blocks.filter((b) => b.provider === DINTERO).flatMap((b) => b.all)].map((c) => c.orderId),
    [SYSTEM]: [...warmOrders[SYSTEM], ...blocks.filter((b) => b.provider === SYSTEM).flatMap((b) => b.all)].map((c) => c.orderId),
  }
  return {
    result: {
      description:
        "Each checkout = the storefront's road through the Store API: create cart, addresses, shipping method, payment " +
        "collection + session, (Dintero only: pay on the emulator in-process, which fires Dintero's callback 10 s " +
        "later), complete cart. Steady state: each block is a stream of `concurrency` shoppers checking out back to back " +
        "with one provider, their starts spread over one checkout's duration; the window opens at an order placed once the " +
        "stream is steady (lead-in longer than the callback delay, `concurrency` checkouts complete with their callbacks, " +
        "the previous block's checkouts and callbacks done) and closes at the K-th order placed after it. CPU is read at " +
        "both ends of the window; the callbacks of earlier checkouts arrive while further checkouts run, so the server " +
        "never idles inside a window. Blocks of both providers alternate (ABBA).",
      [DINTERO]: dintero,
      [SYSTEM]: system,
      shopper_start_stagger_ms: round(staggerMs),
      /** The warm-up's rounds in order (providers taking turns): whether the store had levelled off before the blocks. */
      warm_up_rounds: warmUp.rounds,
      /** Store-wide reconciliation runs that started inside a window (none expected: one runs before the warm-up). */
      reconciliation_runs_in_windows: reconciliations,
      throughput_ratio_dintero_to_system: round(dintero.checkouts_per_second / system.checkouts_per_second, 3),
      server_process_cpu_ms_per_checkout: { [DINTERO]: serverMs(dintero), [SYSTEM]: serverMs(system) },
      server_side_throughput_ratio_from_cpu: round(serverMs(system) / serverMs(dintero), 3),
      paired_block_server_cpu_ratios: pairServerCpuRatios,
      paired_block_server_cpu_difference_ms: pairServerCpuDifferences,
      server_cpu_difference_ms_per_checkout: { mean: round(differenceMean, 1), standard_error: round(differenceSe, 1) },
      /**
       * The server's main thread alone (the event loop: every line of JavaScript), without V8's and libuv's helper
       * threads: not the judged figure; it tells a difference in JavaScript work from helper-thread (GC) bursts.
       */
      server_main_thread_cpu_ms_per_checkout: { [DINTERO]: mainThreadMs(dintero), [SYSTEM]: mainThreadMs(system) },
      server_main_thread_ratio: round(mainThreadMs(system) / mainThreadMs(dintero), 3),
      paired_block_server_main_thread_difference_ms: pairs.map(([d, s]) => round(mainThreadOf(d) - mainThreadOf(s), 1)),
      ...(idle
        ? {
            idle_cpu_ms_per_second_by_process: idle,
            /** Not the judged figure: the same ratio with each provider's idle share (idle rate x its windows) taken off. */
            server_side_throughput_ratio_from_cpu_net_of_idle: round(
              (serverMs(system) - idleShare(system)) / (serverMs(dintero) - idleShare(dintero)),
              3
            ),
          }
        : {}),
      ...(workerMs(dintero) !== undefined
        ? {
            worker_process_cpu_ms_per_checkout: { [DINTERO]: workerMs(dintero), [SYSTEM]: workerMs(system) },
            worker_side_throughput_ratio_from_cpu: round(workerMs(system)! / workerMs(dintero)!, 3),
          }
        : {}),
      paired_block_throughput_ratios: pairRatios,
      median_paired_block_throughput_ratio: round(percentile(pairRatios, 50), 3),
      block_throughput_spread:
        "per-block checkouts/s above; on a shared machine they vary with other load, which the ABBA order spreads over both providers",
      p50_ratio_cart_to_order: round(dintero.latency_cart_to_order.p50_ms / system.latency_cart_to_order.p50_ms, 3),
      medusa_cpu_per_checkout_difference_ms: round(dintero.cpu_per_checkout.medusa_ms - system.cpu_per_checkout.medusa_ms, 2),
      // When the store is CPU-bound, throughput is inversely proportional to the server-side CPU (medusa + database).
      cpu_bound_throughput_ratio_estimate: round(
        (system.cpu_per_checkout.medusa_ms + system.cpu_per_checkout.database_ms) /
          (dintero.cpu_per_checkout.medusa_ms + dintero.cpu_per_checkout.database_ms),
        3
      ),
    },
    orders,
  }
}

// ------------------------------------------------------------------ phase 4: capture / refund / void cost

async function adminPhase(dev: DevStore, meters: Meters, orders: Record<Provider, string[]>) {
  const k = Math.min(params.admin_operations_per_provider, Math.floor(Math.min(orders[DINTERO].length, orders[SYSTEM].length) / 2))
  if (k < 1) return { not_measured: "not enough orders from the checkout phase" }
  progress(`admin operations: ${k} captures, refunds and voids per provider`)
  const targets: Record<Provider, { capture: string[]; void: string[] }> = {} as any
  for (const provider of [DINTERO, SYSTEM] as Provider[]) {
    const ids = orders[provider]
    const capturePayments = await runPool(k, params.concurrency, (i) => paymentIdOf(dev, ids[i]))
    targets[provider] = { capture: capturePayments, void: ids.slice(k, 2 * k) }
  }

  const ops: Record<string, (provider: Provider, i: number) => Promise<{ status: number; body: unknown }>> = {
    capture: (p, i) => dev.admin.capture(targets[p].capture[i]),
    refund: (p, i) => dev.admin.refund(targets[p].capture[i], 50),
    void: (p, i) => dev.admin.cancelOrder(targets[p].void[i]),
  }
  const result: Record<string, unknown> = {}
  let flip = false
  for (const [name, op] of Object.entries(ops)) {
    const perProvider: Record<string, unknown> = {}
    const cpuPerOp: Record<string, number> = {}
    const order: Provider[] = flip ? [SYSTEM, DINTERO] : [DINTERO, SYSTEM]
    flip = !flip
    for (const provider of order) {
      await settle(dev.emulator)
      const window = new RequestWindow(dev.emulator)
      const cpu0 = sampleCpu(meters)
      const t0 = nowMs()
      const latencies = await runPool(k, params.concurrency, async (i) => {
        const s = nowMs()
        expectOk(`${name} (${provider}) #${i}`, await op(provider, i))
        return nowMs() - s
      })
      const wall = nowMs() - t0
      await settle(dev.emulator)
      const cpu = cpuDelta(cpu0, sampleCpu(meters))
      const requests = window.count()
      cpuPerOp[provider] = cpu.medusa / k
      perProvider[provider] = {
        operations: k,
        operations_per_second: round((k * 1000) / wall, 2),
        latency: summarize(latencies),
        cpu_per_operation: perOp(cpu, k),
        dintero_requests_per_operation_including_async: round(requests.dintero_requests / k, 2),
      }
      progress(`${name} ${provider}: ${k} in ${Math.round(wall)} ms, medusa CPU ${round(cpu.medusa / k, 1)} ms/op`)
    }
    result[name] = { ...perProvider, medusa_cpu_difference_ms: round(cpuPerOp[DINTERO] - cpuPerOp[SYSTEM], 2) }
  }
  return {
    description:
      "Admin API on the orders from the checkout phase, blocks per provider with the same worker pool: full capture " +
      "(no amount), refund of 50 NOK on the captured payments, cancel of other authorized orders (void). CPU measured " +
      "until the emulator was quiet, so Dintero's event callbacks and their processing count against the Dintero side.",
    ...result,
  }
}

// ------------------------------------------------------------------ phases: where a checkout's server CPU goes

const PHASES = ["cart", "initiate", "pay", "complete", "after"] as const

/**
 * One checkout at a time, alternating the providers, the server's CPU (/proc) read between the storefront's steps:
 * the cart (address, shipping), `initiate` (the payment session), `pay` (Dintero's page: the emulator, nothing on the
 * server), `complete` (the cart's completion: authorize, the order) and `after` (what runs once the order is placed:
 * `order.placed`'s subscribers, Dintero's callback), until the emulator is quiet. Nothing else runs, so each window's
 * CPU is that step's. Run with a short callback delay (DINTERO_CALLBACK_DELAY_SECONDS=2) so `after` is short, but long
 * enough that the shopper's return places the order first, as it does in production. /proc counts in 10 ms ticks: the
 * means over many checkouts are the figures, not one window. Beside the CPU, each step's SQL statements (counted by
 * PostgreSQL) and Dintero requests (the emulator's log): counts, which the machine's noise does not move.
 */
async function phasesPart(dev: DevStore, meters: Meters) {
  const server = meters.processes.server
  const counter = await StatementCounter.open(dev.databaseUrl)
  const statements = counter instanceof StatementCounter ? counter : null
  try {
    for (const provider of [DINTERO, SYSTEM] as Provider[]) await checkout(dev, provider)
    await settle(dev.emulator)
    const samples: Record<"cpu" | "statements" | "requests", Record<Provider, Record<string, number[]>>> = {
      cpu: { [DINTERO]: {}, [SYSTEM]: {} },
      statements: { [DINTERO]: {}, [SYSTEM]: {} },
      requests: { [DINTERO]: {}, [SYSTEM]: {} },
    }
    for (let i = 0; i < params.phase_checkouts_per_provider; i++) {
      for (const provider of (i % 2 === 0 ? [DINTERO, SYSTEM] : [SYSTEM, DINTERO]) as Provider[]) {
        const marks: { cpu: number; statements: number; requests: number }[] = []
        const mark = async () =>
          marks.push({ cpu: server.read(), statements: (await statements?.read()) ?? 0, requests: dev.emulator.requests.length })
        await mark()
        const cart = await dev.store.prepareCart(cartInput(dev))
        await mark()
        const { session } = await dev.store.initiatePaymentSession(cart.id, provider)
        await mark()
        if (provider === DINTERO) await payOnDintero(dev, session)
        await mark()
        orderOf(await dev.store.completeCart(cart.id), cart.id)
        await mark()
        await new Promise((r) => setTimeout(r, 500))
        await settle(dev.emulator, 500)
        await mark()
        PHASES.forEach((phase, k) => {
          for (const figure of ["cpu", "statements", "requests"] as const) {
            ;(samples[figure][provider][phase] ??= []).push(marks[k + 1][figure] - marks[k][figure])
          }
        })
      }
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
    const table = (figure: keyof typeof samples, digits: number) =>
      Object.fromEntries(
        [...PHASES, "total"].map((phase) => {
          const of = (p: Provider) =>
            phase === "total" ? PHASES.reduce((s, ph) => s + mean(samples[figure][p][ph]), 0) : mean(samples[figure][p][phase])
          return [phase, { [DINTERO]: round(of(DINTERO), digits), [SYSTEM]: round(of(SYSTEM), digits), difference: round(of(DINTERO) - of(SYSTEM), digits) }]
        })
      )
    const rows = table("cpu", 1)
    const statementRows = statements ? table("statements", 2) : (counter as { unavailable: string }).unavailable
    const requestRows = table("requests", 2)
    for (const [phase, r] of Object.entries(rows)) progress(`phase ${phase}: cpu ${JSON.stringify(r)}`)
    if (typeof statementRows === "object") for (const [phase, r] of Object.entries(statementRows)) progress(`phase ${phase}: statements ${JSON.stringify(r)}`)
    for (const [phase, r] of Object.entries(requestRows)) progress(`phase ${phase}: Dintero requests ${JSON.stringify(r)}`)
    return {
      description:
        "server CPU ms per checkout by step, one checkout at a time (means over " +
        `${params.phase_checkouts_per_provider} checkouts per provider; /proc ticks of 10 ms)`,
      by_phase: rows,
      statements_description:
        "SQL statements per checkout by step, every process's, counted by PostgreSQL (pg_stat_statements; BEGIN/COMMIT included; the scheduled jobs' statements fall into whichever step they ran in)",
      statements_by_phase: statementRows,
      dintero_requests_description: "Dintero API requests per checkout by step (the emulator's log; callbacks it sends are not requests)",
      dintero_requests_by_phase: requestRows,
    }
  } finally {
    await statements?.close()
  }
}

// ------------------------------------------------------------------ the split topology (server + worker + Redis)

/**
 * The cluster tier (scripts/lib/cluster.ts) speeds up the plugin's timers for its scenarios: callbacks without delay
 * (to force the race between callback and return), the reconciliation every 5 s, the retry job every 10 s, claims
 * lapsing after 20 s. A benchmark of the production shape runs with the plugin's defaults instead, as the dev store
 * does (an empty value makes the plugin fall back to its default): Dintero's callback 10 s after the payment, so the
 * shopper's return places the order and the callback finds it placed; the reconciliation every 5 minutes.
 */
const SPLIT_PRODUCTION_SETTINGS = {
  DINTERO_CALLBACK_DELAY_SECONDS: "",
  DINTERO_RECONCILE_INTERVAL_MS: "",
  DINTERO_ORDERS_RETRY_INTERVAL_MS: "",
  DINTERO_OUTBOX_CLAIM_TTL_MS: "",
}

/**
 * The production shape with one server and one worker (medusa-config.cluster.ts): the same checkout blocks as the
 * dev topology, driven through the server. The Orders mirror's work after `order.placed` runs on the worker; the
 * medusa CPU counts both processes, and the report breaks it down per process.
 */
async function splitTopology() {
  progress("booting the split topology (PostgreSQL, Redis, one server, one worker, emulator)")
  const bootStart = nowMs()
  const cluster = await startCluster({
    servers: 1,
    workers: 1,
    logLevel: "warn",
    // The reconciliation job runs as on the dev store (see RECONCILE_BENCH_ENV): with the default 5-minute overlap each
    // of its runs would look up every cart the benchmark made in the last 5 minutes, on the worker, during the blocks.
    env: { ...SPLIT_PRODUCTION_SETTINGS, ...RECONCILE_BENCH_ENV, ...cpuProfileEnv() },
    log: (line) => process.stderr.write(`[cluster] ${line}\n`),
  })
  const bootMs = nowMs() - bootStart
  try {
    const server = cluster.servers[0]
    const worker = cluster.workers[0]
    progress(`split topology up in ${Math.round(bootMs)} ms: server ${server.instance.url} (pid ${server.instance.pid}), worker pid ${worker.pid}; logs in ${path.relative(process.cwd(), cluster.logDir)}`)
    // The checkout road needs only the storefront and admin clients, the emulator and the seed.
    const dev = {
      backendUrl: server.instance.url,
      store: server.store,
      admin: server.admin,
      emulator: cluster.emulator,
      seeded: cluster.seeded,
    } as unknown as DevStore
    const database = findStoreProcesses(server.instance.pid).database
    const serverMeter = new CpuMeter("medusa server", [server.instance.pid])
    const workerMeter = new CpuMeter("medusa worker", [worker.pid])
    const meters: Meters = {
      medusa: new CpuMeter("medusa server + worker", [server.instance.pid, worker.pid]),
      database,
      processes: {
        server: serverMeter,
        worker: workerMeter,
        server_main_thread: new MainThreadMeter("medusa server main thread", [server.instance.pid]),
      },
    }
    const s0 = { server: serverMeter.read(), worker: workerMeter.read() }
    const { result: throughput } = await throughputPhase(dev, meters)
    const s1 = { server: serverMeter.read(), worker: workerMeter.read() }
    return {
      boot_ms: round(bootMs),
      processes: {
        server: `pid ${server.instance.pid}: medusa start, MEDUSA_WORKER_MODE=server`,
        worker: `pid ${worker.pid}: medusa start, MEDUSA_WORKER_MODE=worker`,
        database: database.pids,
        note: "Redis's own CPU is not counted (it is small next to Medusa's)",
      },
      cpu_by_process_during_throughput_phase_ms: {
        server: Math.round(s1.server - s0.server),
        worker: Math.round(s1.worker - s0.worker),
        note: "warm-up included; the per-checkout figures in checkout_throughput count server + worker",
      },
      checkout_throughput: throughput,
    }
  } finally {
    progress("stopping the split topology")
    await cluster.stop()
  }
}

// ------------------------------------------------------------------ phase 5: cost against the payment's history

async function paymentHistory(dev: DevStore, meters: Meters) {
  const run = async (provider: Provider) => {
    const placed = await checkout(dev, provider)
    await settle(dev.emulator)
    const paymentId = await paymentIdOf(dev, placed.orderId)
    return await historyBench(
      {
        emulator: dev.emulator,
        capture: (id, amount) => dev.admin.capture(id, amount),
        refund: (id, amount) => dev.admin.refund(id, amount),
        medusaCpuMs: () => meters.medusa.read(),
        progress: (line) => progress(`${provider} ${line}`),
      },
      paymentId,
      params.history_operations
    )
  }
  // Medusa's own capture/refund cost may grow with the payment's history too: the same sequence with the system
  // provider shows how much, and the plugin's part is the difference.
  const system = await run(SYSTEM)
  const dintero = await run(DINTERO)
  const d = dintero.mean_medusa_cpu_ms
  const s = system.mean_medusa_cpu_ms
  const plugin = {
    capture_early: round(d.capture_early - s.capture_early, 1),
    capture_late: round(d.capture_late - s.capture_late, 1),
    refund_early: round(d.refund_early - s.refund_early, 1),
    refund_late: round(d.refund_late - s.refund_late, 1),
  }
  const pluginFlat = plugin.capture_late <= Math.max(0, plugin.capture_early) * 1.2 + 10 && plugin.refund_late <= Math.max(0, plugin.refund_early) * 1.2 + 10
  const own = dintero.targets.fifty_first_operation_not_costlier_than_second
  return {
    ...dintero,
    [SYSTEM]: { mean_medusa_cpu_ms: s, operations: system.operations.map((o) => ({ n: o.n, kind: o.kind, medusa_cpu_ms: o.medusa_cpu_ms })) },
    plugin_medusa_cpu_ms_dintero_minus_system: plugin,
    targets: {
      ...dintero.targets,
      fifty_first_operation_not_costlier_than_second: {
        ...own,
        target:
          "the 51st operation (a refund) makes no more Dintero requests than the 2nd refund (the last capture no more " +
          "than the 2nd operation), and the plugin's medusa CPU (Dintero minus pp_system_default, same sequence) of the " +
          "last 5 operations of each kind <= 1.2 x that of operations 2-6 + 10 ms",
        requests_met: /->/.test(own.requests) && dintero.fifty_first.dintero_requests <= dintero.second_of_kind.dintero_requests,
        medusa_cpu_including_medusa_own_growth_met: own.met,
        plugin_cpu: plugin,
        met: dintero.fifty_first.dintero_requests <= dintero.second_of_kind.dintero_requests && dintero.last_capture.dintero_requests <= dintero.second_operation.dintero_requests && pluginFlat,
      },
    },
  }
}

// ------------------------------------------------------------------ report

function targets(perOperation: any, tokens: any, throughput: any): Record<string, any> {
  return {
    ...(perOperation ? { one_dintero_request_per_operation_on_critical_path: perOperationTarget(perOperation) } : {}),
    ...(tokens ? { at_most_one_token_request_during_concurrent_operations: tokenTarget(tokens) } : {}),
    ...(throughput ? { dintero_throughput_at_least_95_percent_of_system: throughputTarget(throughput, "dev") } : {}),
  }
}

function perOperationTarget(perOperation: any) {
  const ops: Record<string, OperationCount> = perOperation.operations
  const counted = ["initiate", "authorize_complete_by_storefront", "authorize_by_callback", "capture", "refund", "void"]
  const perOp = Object.fromEntries(
    counted.map((name) => [
      name,
      { dintero_requests: ops[name].critical_path.dintero_requests, met: ops[name].critical_path.dintero_requests <= 1 },
    ])
  )
  return {
    target: "<= 1 Dintero API request (token requests excluded) while the operation's own HTTP call runs",
    per_operation: perOp,
    note:
      "authorize_by_callback is the callback handler's own road (Dintero -> Medusa), not the storefront's; " +
      "complete_after_callback (0 expected) is in requests_per_operation",
    met: Object.values(perOp).every((o: any) => o.met),
  }
}

function tokenTarget(tokens: any) {
  const tokenCounts = [tokens.warm?.token_requests, tokens.cold?.token_requests].filter((n) => typeof n === "number")
  return {
    target: `<= 1 token request during ${params.token_operations} concurrent operations`,
    warm: tokens.warm?.token_requests,
    cold: tokens.cold?.token_requests ?? "not measured",
    met: tokenCounts.every((n) => n <= 1),
  }
}

const mark = (met: boolean) => (met ? "MET" : "MISSED")

/**
 * What "server-side throughput >= 0.95 x the system provider" is judged on: the server process's CPU per checkout
 * (system / dintero), not the wall-clock checkouts/s.
 *
 * Why: on this 2-core machine the server shares the CPUs with PostgreSQL, the load generator and emulator (this
 * process), on the split topology with the worker and Redis too, and with whatever else runs on the machine. The
 * wall-clock ratio therefore measures the store's capacity on this box, mostly how much CPU the rest took from the
 * server: run-to-run it swings by more than the 5 % the target is about (0.89-1.13 on the dev topology). The server
 * is CPU-bound under this load (its CPU per checkout x checkouts/s is about one core), so what it can sustain is
 * inversely proportional to its CPU per checkout, a figure other load hardly moves. On the split topology the worker
 * runs on its own machine in production and does not serve shoppers: its CPU per checkout is reported (how many
 * checkouts one worker keeps up with), not part of the server's figure. On the dev topology the one process is the
 * whole store, the Orders mirror included. The wall-clock ratio stays in the report beside it.
 *
 * Not pinned (taskset): the other helpers' and test runs' processes would still land on both cores, and PostgreSQL
 * sharing a core with the worker and the load generator would change the server's waits, so a pinned wall-clock
 * ratio would be no cleaner than the CPU figure.
 */
const THROUGHPUT_JUDGED_ON =
  "server_side_throughput_ratio_from_cpu: the server process's CPU per checkout, pp_system_default / pp_dintero_dintero " +
  "(on the dev topology the one process that does everything), measured in steady state: each block is a stream of " +
  "`concurrency` shoppers checking out back to back with one provider; after a lead-in longer than Dintero's 10 s " +
  "callback delay (and once `concurrency` of the stream's checkouts are complete: order placed and, for Dintero, the " +
  "callback answered 2xx), a window opens at an order placed and closes at the K-th order placed after it, and the " +
  "server's CPU over the window is divided by K. Dintero's callbacks of earlier checkouts arrive while further " +
  "checkouts run, so no idle wait lies inside a window; in steady state the window holds as many callbacks as orders " +
  "(reported) and the dev store's Orders mirror after order.placed, all charged to the provider. Both providers are " +
  "measured the same way. The server is CPU-bound under this load, so its " +
  "sustainable checkouts/s is inversely proportional to that figure, which the machine's other load hardly moves; the " +
  "wall-clock ratio (beside it) measures how much CPU the other processes on this shared 2-core machine took from the " +
  "server and swings by more than 5 % run to run. The worker's CPU (split topology) is reported apart: in production it " +
  "runs on its own machine and serves no shopper."

/** The measuring procedure's settings: runs of the same code are pooled only when measured the same way. */
function throughputMethod(): string {
  const { checkouts_per_provider, concurrency, warmup_per_provider, blocks_per_provider, lead_in_ms, orders_mirror } = params
  return JSON.stringify({
    checkouts_per_provider, concurrency, warmup_per_provider, blocks_per_provider, lead_in_ms, warm_up: "rounds, providers taking turns",
    // Named only when off, so the runs kept before the setting existed (all with the mirror) still pool with today's.
    ...(orders_mirror ? {} : { orders_mirror: false }),
  })
}

function throughputTarget(throughput: any, topology: "dev" | "split") {
  const ratio = throughput.server_side_throughput_ratio_from_cpu
  const pooled = keepAndPool(pooledRunsFile(process.cwd()), {
    at: new Date().toISOString(),
    code: pluginCodeId(process.cwd()),
    topology,
    method: throughputMethod(),
    difference_ms: throughput.server_cpu_difference_ms_per_checkout.mean,
    system_ms_per_checkout: throughput.server_process_cpu_ms_per_checkout[SYSTEM],
  })
  return {
    target: ">= 0.95 x pp_system_default server-side checkout throughput",
    ...(params.orders_mirror ? {} : { orders_mirror: "switched off (DINTERO_ORDERS_MIRROR=false): the checkout road without the Orders mirror" }),
    judged_on: THROUGHPUT_JUDGED_ON,
    server_side_ratio_from_cpu: ratio,
    server_process_cpu_ms_per_checkout: throughput.server_process_cpu_ms_per_checkout,
    paired_block_server_cpu_ratios: throughput.paired_block_server_cpu_ratios,
    server_cpu_difference_ms_per_checkout: throughput.server_cpu_difference_ms_per_checkout,
    ...(throughput.idle_cpu_ms_per_second_by_process
      ? {
          idle_cpu_ms_per_second_by_process: throughput.idle_cpu_ms_per_second_by_process,
          server_side_ratio_from_cpu_net_of_idle: throughput.server_side_throughput_ratio_from_cpu_net_of_idle,
        }
      : {}),
    ...(throughput.worker_process_cpu_ms_per_checkout
      ? {
          worker_process_cpu_ms_per_checkout: throughput.worker_process_cpu_ms_per_checkout,
          worker_side_ratio_from_cpu: throughput.worker_side_throughput_ratio_from_cpu,
        }
      : {}),
    wall_clock_ratio: throughput.throughput_ratio_dintero_to_system,
    wall_clock_median_paired_block_ratio: throughput.median_paired_block_throughput_ratio,
    wall_clock_met: throughput.throughput_ratio_dintero_to_system >= 0.95,
    cpu_bound_estimate_with_database: throughput.cpu_bound_throughput_ratio_estimate,
    met: ratio >= 0.95,
    pooled_runs_of_this_code: pooled,
  }
}

/**
 * BENCH_CPU_PROF_DIR=<dir>: each `medusa start` (the dev store's; the split topology's server and worker) writes a V8 CPU profile there when it stops
 * (lib/cpu-profile-preload.cjs), to see where the time goes (Chrome DevTools, or sum the samples under the plugin's frames).
 */
function cpuProfileEnv(): Record<string, string> {
  const dir = process.env.BENCH_CPU_PROF_DIR
  if (!dir) return {}
  mkdirSync(dir, { recursive: true })
  const preload = path.join(__dirname, "lib", "cpu-profile-preload.cjs")
  return { BENCH_CPU_PROF_DIR: path.resolve(dir), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${preload}`.trim() }
}

/** The monotonic clock V8's CPU profiles time their samples with (CLOCK_MONOTONIC, in microseconds). */
const monotonicUs = () => Number(process.hrtime.bigint() / 1000n)

/**
 * With BENCH_CPU_PROF_DIR, each checkout block's window on the profiles' clock goes to <dir>/blocks.jsonl, so the
 * samples of Dintero blocks and system blocks can be told apart (scripts/profile-blocks.ts).
 */
function recordProfileWindow(w: { provider: Provider; checkouts: number; start_us: number; end_us: number }): void {
  const dir = process.env.BENCH_CPU_PROF_DIR
  if (dir) appendFileSync(path.join(dir, "blocks.jsonl"), JSON.stringify(w) + "\n")
}

/** The dev topology: every phase on the dev store (one process). */
async function devTopology() {
  progress("booting the dev store (database, migrations, seed, medusa start, emulator)")
  const bootStart = nowMs()
  const dev = await startDevStore({
    log: (line) => process.stderr.write(`[store] ${line}\n`),
    env: { ...RECONCILE_BENCH_ENV, ...cpuProfileEnv() },
    statementStatistics: runs("phases"),
  })
  const bootMs = nowMs() - bootStart
  try {
    progress(`dev store up at ${dev.backendUrl} in ${Math.round(bootMs)} ms; emulator at ${dev.emulator.url}`)
    const anyDev = dev as any
    const processes = findStoreProcesses(anyDev.medusaPid ?? anyDev.pid ?? anyDev.medusa?.pid)
    if (processes.medusa.pids.length === 0) throw new Error("could not find the medusa server process among this script's children")
    for (const line of processes.described) progress(`measuring CPU of ${line}`)
    const meters: Meters = {
      medusa: processes.medusa,
      database: processes.database,
      processes: { server: processes.medusa, server_main_thread: new MainThreadMeter("medusa main thread", processes.medusa.pids) },
    }

    const tokens = runs("tokens") ? await tokenPhase(dev) : undefined
    const perOperation = runs("requests") ? await requestsPerOperation(dev) : undefined
    const measured = runs("throughput") || runs("admin") ? await throughputPhase(dev, meters) : undefined
    const throughput = runs("throughput") ? measured?.result : undefined
    const admin = runs("admin") && measured ? await adminPhase(dev, meters, measured.orders) : undefined
    // A failure here is reported, not fatal: the other parts' figures of a long run are kept.
    const history = runs("history")
      ? await paymentHistory(dev, meters).catch((e) => ({ failed: String((e as Error)?.message ?? e), targets: undefined }))
      : undefined
    const reconciliation = runs("reconcile") ? await reconcileBench(dev, progress) : undefined
    const phases = runs("phases") ? await phasesPart(dev, meters) : undefined
    return {
      boot_ms: round(bootMs),
      medusa_processes: processes.described,
      targets: {
        ...targets(perOperation, tokens, throughput),
        ...(history?.targets ?? {}),
        ...(reconciliation
          ? {
              reconciliation_cost_independent_of_history: reconciliation.target,
              reconciliation_dintero_requests_independent_of_open_sessions: reconciliation.dintero_target,
            }
          : {}),
      } as Record<string, any>,
      checkout_throughput: throughput,
      checkout_phases: phases,
      requests_per_operation: perOperation,
      token_requests_during_concurrent_operations: tokens,
      admin_operations: admin,
      payment_history: history,
      reconciliation,
      total_token_requests_since_emulator_start: dev.emulator.tokenRequests(),
    }
  } finally {
    progress("stopping the dev store")
    await dev.stop()
  }
}

async function main(): Promise<void> {
  if (!procAvailable()) throw new Error("/proc is not readable: the CPU measurement needs Linux")
  progress(`parameters ${JSON.stringify(params)}`)
  const storeParts = params.parts.filter((p) => p !== "plugin")
  const devResult = params.topologies.includes("dev") && storeParts.length > 0 ? await devTopology() : undefined
  const split = params.topologies.includes("split") && runs("throughput") ? await splitTopology() : undefined
  const pluginWork = runs("plugin") ? (progress("plugin work in-process (250 and 500 lines)"), pluginWorkBench()) : undefined

  const report = {
    benchmark: "medusa-payment-dintero",
    at: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model,
      loadavg_at_end: os.loadavg().map((l) => round(l, 2)),
      total_memory_gb: round(os.totalmem() / 2 ** 30, 1),
      node: process.version,
      platform: `${process.platform} ${os.release()}`,
      note: "shared machine: other processes may have competed for the CPUs during the run",
    },
    parameters: params,
    boot_ms: devResult?.boot_ms,
    what_is_measured: {
      dintero_requests:
        "counted at the emulator's request log (every API request it answered; control calls under /__emulator are " +
        "not logged); token requests (POST .../auth/token) are counted separately",
      cpu:
        "user+system CPU time from /proc/<pid>/stat of the medusa process(es) (the plugin runs inside them; in the " +
        "split topology server + worker), of the embedded PostgreSQL processes, and of this script's own process " +
        "(load generator + in-process emulator), in 10 ms clock ticks, divided by the operations of the block. The " +
        "plugin's own cost is estimated as the medusa CPU difference between pp_dintero_dintero and pp_system_default " +
        "for the same road; for Dintero that difference includes handling Dintero's callbacks. Each Medusa process is " +
        "also counted apart (medusa_ms_by_process: server, worker; each with its children), which is what the " +
        "server-side throughput target is judged on.",
      throughput_targets_judged_on: THROUGHPUT_JUDGED_ON,
      medusa_processes: devResult?.medusa_processes,
    },
    targets: {
      ...(devResult?.targets ?? {}),
      ...(pluginWork?.targets ?? {}),
      ...(split ? { split_topology_dintero_throughput_at_least_95_percent_of_system: throughputTarget(split.checkout_throughput, "split") } : {}),
    } as Record<string, any>,
    checkout_throughput: devResult?.checkout_throughput,
    checkout_phases: devResult?.checkout_phases,
    split_topology: split,
    requests_per_operation: devResult?.requests_per_operation,
    token_requests_during_concurrent_operations: devResult?.token_requests_during_concurrent_operations,
    admin_operations: devResult?.admin_operations,
    payment_history: devResult?.payment_history,
    plugin_work_by_order_size: pluginWork,
    reconciliation: devResult?.reconciliation,
    total_token_requests_since_emulator_start: devResult?.total_token_requests_since_emulator_start,
    duration_s: round((Date.now() - started) / 1000),
  }

  const t = report.targets
  if (t.one_dintero_request_per_operation_on_critical_path) {
    progress(`target one Dintero request per operation: ${mark(t.one_dintero_request_per_operation_on_critical_path.met)} ` +
      JSON.stringify(Object.fromEntries(Object.entries(t.one_dintero_request_per_operation_on_critical_path.per_operation).map(([k, v]: any) => [k, v.dintero_requests]))))
  }
  if (t.at_most_one_token_request_during_concurrent_operations) {
    progress(`target at most one token request: ${mark(t.at_most_one_token_request_during_concurrent_operations.met)} ` +
      `(warm ${t.at_most_one_token_request_during_concurrent_operations.warm}, cold ${t.at_most_one_token_request_during_concurrent_operations.cold})`)
  }
  const reconciliation = devResult?.reconciliation
  if (reconciliation && t.reconciliation_cost_independent_of_history) {
    progress(`target reconciliation cost independent of history: ${mark(t.reconciliation_cost_independent_of_history.met)} ` +
      `(rows read ${reconciliation.small_history.rows_read} -> ${reconciliation.large_history.rows_read}, PostgreSQL tuples ` +
      `${reconciliation.small_history.db_tuples_read} -> ${reconciliation.large_history.db_tuples_read}, ` +
      `${reconciliation.small_history.wall_ms} -> ${reconciliation.large_history.wall_ms} ms, with ${reconciliation.large_history.history_orders} more orders)`)
  }
  if (reconciliation && t.reconciliation_dintero_requests_independent_of_open_sessions) {
    progress(`target reconciliation Dintero requests independent of open sessions: ` +
      `${mark(t.reconciliation_dintero_requests_independent_of_open_sessions.met)} (${reconciliation.small_history.dintero_calls} -> ` +
      `${reconciliation.open_sessions.dintero_calls} with ${reconciliation.open_sessions.open_sessions} abandoned carts)`)
  }
  for (const [key, label] of [
    ["dintero_throughput_at_least_95_percent_of_system", "dev topology"],
    ["split_topology_dintero_throughput_at_least_95_percent_of_system", "split topology (server + worker + Redis)"],
  ]) {
    const target = t[key]
    if (!target) continue
    progress(`target Dintero server-side throughput >= 0.95 x system, ${label}: ${mark(target.met)} ` +
      `(server CPU ratio ${target.server_side_ratio_from_cpu}, paired blocks ${target.paired_block_server_cpu_ratios.join(" ")}; ` +
      `Dintero's extra server CPU per checkout ${target.server_cpu_difference_ms_per_checkout.mean} ± ${target.server_cpu_difference_ms_per_checkout.standard_error} ms (standard error over the pairs); ` +
      `wall-clock ratio ${target.wall_clock_ratio} [${mark(target.wall_clock_met)}], median of paired blocks ${target.wall_clock_median_paired_block_ratio}` +
      `${target.worker_process_cpu_ms_per_checkout ? `; worker CPU ms/checkout ${JSON.stringify(target.worker_process_cpu_ms_per_checkout)}` : ""}; ` +
      `over the ${target.pooled_runs_of_this_code.runs} kept run(s) of this code ${target.pooled_runs_of_this_code.mean_difference_ms_per_checkout} ± ${target.pooled_runs_of_this_code.standard_error ?? "?"} ms, ratio about ${target.pooled_runs_of_this_code.ratio_estimate})`)
  }

  for (const [key, target] of Object.entries(t)) progress(`target ${key}: ${mark(Boolean(target?.met))}`)

  const json = JSON.stringify(report, null, 2)
  const out = path.join(process.cwd(), ".tmp", "bench.json")
  mkdirSync(path.dirname(out), { recursive: true })
  writeFileSync(out, json + "\n")
  progress(`written to ${path.relative(process.cwd(), out)}`)
  process.stdout.write(json + "\n")
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`[bench] FAILED: ${(e as Error)?.stack ?? e}\n`)
    process.exit(1)
  }
)
