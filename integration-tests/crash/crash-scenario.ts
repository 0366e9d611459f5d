/**
 * The crash scenario (run by integration-tests/http/crash-reconcile.spec.ts in its own process: the dev store's
 * database helper is an ES module that jest's CommonJS runtime cannot import). The real store (`medusa start` from
 * source, its own database, the emulator), a burst of cart completions and captures, Medusa SIGKILLed in the middle
 * and started again; then it waits, doing nothing else, until the invariant holds or the deadline passes. Prints one
 * JSON line `CRASH_RESULT {...}` with what it saw; the spec asserts on it.
 */
import { Client } from "pg"
import { startDevStore, type DevStore } from "../../scripts/lib/dev-store"

const RECONCILE_INTERVAL_MS = 3_000
/** Sessions whose cart completion runs in the burst, and orders captured in it. */
const COMPLETIONS = 8
const CAPTURES = 4
/** Bound on convergence after the restart: the outbox resumes a pass the kill cut off once its claim lapses (20 s here, below). */
const CONVERGENCE_DEADLINE_MS = 240_000

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function sql<T = any>(url: string, text: string): Promise<T[]> {
  const c = new Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(text)).rows as T[]
  } finally {
    await c.end()
  }
}

/** What Medusa holds: Dintero-paid orders with their transaction, and every capture of a Dintero payment. */
async function medusaTruth(dev: DevStore) {
  const orders = await sql<{ order_id: string; payment_id: string; transaction_id: string }>(
    dev.databaseUrl,
    `select o.id as order_id, p.id as payment_id, p.data->>'transaction_id' as transaction_id
       from "order" o
       join order_payment_collection opc on opc.order_id = o.id and opc.deleted_at is null
       join payment p on p.payment_collection_id = opc.payment_collection_id and p.deleted_at is null
      where o.deleted_at is null and p.provider_id like 'pp_dintero%'`
  )
  const captures = await sql<{ id: string; payment_id: string }>(
    dev.databaseUrl,
    `select c.id, c.payment_id from capture c join payment p on p.id = c.payment_id
      where c.deleted_at is null and p.provider_id like 'pp_dintero%'`
  )
  return { orders, captures }
}

/** Everything that is not yet as it must be (empty when the invariant holds). */
function violations(dev: DevStore, truth: Awaited<ReturnType<typeof medusaTruth>>, cartIds: Set<string>): string[] {
  const state = dev.emulator.state as any
  const problems: string[] = []
  for (const o of truth.orders) {
    const mirrors = state.orders.filter((d: any) =>
      d.operations.authorizations.some((a: any) => a.payment_details?.payment_id === o.transaction_id)
    )
    if (mirrors.length !== 1) problems.push(`order ${o.order_id}: ${mirrors.length} Orders API orders hold its transaction ${o.transaction_id}`)
  }
  const captureOps = state.orders.flatMap((d: any) => d.operations.captures)
  for (const c of truth.captures) {
    // One capture may be recorded in several steps (one per Orders payment); each step once.
    const steps = captureOps
      .map((op: any) => String(op.metadata?.medusa_operation ?? ""))
      .filter((m: string) => m.startsWith(`capture:${c.id}#`))
    if (steps.length === 0) problems.push(`capture ${c.id} is not mirrored`)
    if (new Set(steps).size !== steps.length) problems.push(`capture ${c.id} is mirrored ${steps.length} times`)
  }
  const owned = new Set(truth.orders.map((o) => o.transaction_id))
  for (const tx of state.transactions) {
    if (!cartIds.has(tx.merchant_reference)) continue
    if (["AUTHORIZED", "CAPTURED", "PARTIALLY_CAPTURED", "ON_HOLD"].includes(tx.status) && !owned.has(tx.id)) {
      problems.push(`transaction ${tx.id} (${tx.status}) of cart ${tx.merchant_reference} belongs to no Medusa order`)
    }
  }
  return problems
}

function log(line: string) {
  process.stderr.write(`[crash] ${line}\n`)
}

async function main() {
  const dev = await startDevStore({
    log,
    env: {
      DINTERO_RECONCILE_INTERVAL_MS: String(RECONCILE_INTERVAL_MS),
      // The retry job resumes a pass the kill cut off once its claim lapses (20 s): looked for every 3 s, not every
      // minute (the default), so the scenario waits for the claim, not for the job's next minute.
      DINTERO_ORDERS_RETRY_INTERVAL_MS: String(RECONCILE_INTERVAL_MS),
      DINTERO_OUTBOX_CLAIM_TTL_MS: "20000",
    },
  })
  try {
    const { store, admin, emulator, seeded } = dev
    const cartInput = (i: number) => ({
      email: `crash-${i}@example.com`,
      regionId: seeded.regionId,
      shippingOptionId: seeded.shippingOptionId,
      items: [{ variant_id: seeded.variants.outdoor, quantity: 1 + (i % 3) }],
    })
    const cartIds = new Set<string>()

    // Orders to capture during the burst: placed before it.
    const toCapture: string[] = []
    for (let i = 0; i < CAPTURES; i++) {
      const cart = await store.prepareCart(cartInput(100 + i))
      cartIds.add(cart.id)
      const { session } = await store.initiatePaymentSession(cart.id)
      await emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      const done = await store.completeCart(cart.id)
      if (done.body?.type !== "order") throw new Error(`setup cart ${cart.id} did not complete: ${JSON.stringify(done.body).slice(0, 300)}`)
      const order = await admin.getOrder(done.body.order.id)
      toCapture.push(order.payment_collections[0].payments[0].id)
    }
    const carts = await Promise.all(Array.from({ length: COMPLETIONS }, (_, i) => store.prepareCart(cartInput(i))))
    for (const c of carts) cartIds.add(c.id)

    // The burst. The crash comes once half of the shoppers have paid at Dintero.
    let paid = 0
    const paidCarts = new Set<string>()
    let crash!: () => void
    const crashNow = new Promise<void>((r) => (crash = r))
    const capturesSeenOk: string[] = []
    const completions = carts.map(async (cart) => {
      const { session } = await store.initiatePaymentSession(cart.id)
      await emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
      paidCarts.add(cart.id)
      if (++paid === Math.ceil(COMPLETIONS / 2)) crash()
      return await store.completeCart(cart.id)
    })
    const captures = toCapture.map(async (paymentId) => {
      const res = await admin.capture(paymentId)
      if (res.status === 200) capturesSeenOk.push(paymentId)
      return res
    })
    await crashNow
    const killedAt = Date.now()
    const restart = dev.crashAndRestartMedusa()
    const outcomes = await Promise.allSettled([...completions, ...captures])
    await restart
    const restartedAt = Date.now()
    const cutOff = outcomes.filter((o) => o.status === "rejected").length
    log(`killed after ${paid} payments; ${cutOff} requests cut off; ${capturesSeenOk.length} captures answered 200 before the kill; restart took ${restartedAt - killedAt} ms`)

    // Nobody retries anything: the shoppers never come back, the admin does nothing.
    let problems: string[] = ["not checked yet"]
    let truth = await medusaTruth(dev)
    while (Date.now() - restartedAt < CONVERGENCE_DEADLINE_MS) {
      await emulator.waitForCallbacks()
      truth = await medusaTruth(dev)
      problems = violations(dev, truth, cartIds)
      if (!problems.length) break
      await sleep(2_000)
    }
    const convergedMs = Date.now() - restartedAt
    log(`${problems.length ? "NOT converged" : "converged"} ${convergedMs} ms after the restart: ${truth.orders.length} orders, ${truth.captures.length} captures`)
    const capturedPayments = new Set(truth.captures.map((c) => c.payment_id))
    const { reconciliation_runs } = await admin.ok("get", "/admin/dintero/reconciliation")
    const result = {
      requests_cut_off: cutOff,
      paid_carts: paidCarts.size,
      captured_orders: CAPTURES,
      orders: truth.orders.length,
      captures: truth.captures.length,
      captures_seen_ok_not_in_medusa: capturesSeenOk.filter((p) => !capturedPayments.has(p)),
      problems,
      converged_ms: convergedMs,
      restart_ms: restartedAt - killedAt,
      reconciliation_runs: reconciliation_runs.length,
      repaired: reconciliation_runs.flatMap((r: any) => r.repaired),
    }
    process.stdout.write(`CRASH_RESULT ${JSON.stringify(result)}\n`)
  } finally {
    await dev.stop()
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`[crash] FAILED: ${(e as Error)?.stack ?? e}\n`)
    process.exit(1)
  }
)
