/**
 * The kept-authorization crash scenario (run by integration-tests/http/crash-move.spec.ts in its own process, as
 * crash-scenario.ts is). The real store (`medusa start` from source, its own database, the emulator): an order paid by
 * an authorized, uncaptured Dintero payment is edited down (447.00 → 248.00 NOK); Medusa cancels the payment and the
 * plugin keeps the authorization; the move that would reuse it stops at its test fault point
 * (src/lib/test-fault-point.ts, DINTERO_TEST_FAULT_POINT=move-kept-authorization), Medusa is SIGKILLed there and
 * started again. Nobody retries anything: within the reconciliation (every 3 s here, and at boot) the order must end
 * paid by the kept authorization. Then the merchant captures, and Medusa, the Checkout transaction and the Orders API
 * must agree to the øre. Prints one JSON line `CRASH_MOVE_RESULT {...}`; the spec asserts on it.
 */
import { Client } from "pg"
import { startDevStore } from "../../scripts/lib/dev-store"
import { TEST_FAULT_POINT_ENV } from "../../src/lib/test-fault-point"
import { toMinorUnits } from "../../src/mapping/money"
import { editOrder, ledgers, orderItems, settled, waitForMirror } from "../http/orders-mirror-helpers"

const FAULT_POINT = "move-kept-authorization"
/** How long the reconciliation may take after the restart (it runs at boot and every 3 s). */
const CONVERGENCE_DEADLINE_MS = 120_000

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

async function sql<T = any>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const c = new Client({ connectionString: url })
  await c.connect()
  try {
    return (await c.query(text, params)).rows as T[]
  } finally {
    await c.end()
  }
}

function log(line: string) {
  process.stderr.write(`[crash-move] ${line}\n`)
}

async function main() {
  let reached!: () => void
  const faultPointReached = new Promise<void>((r) => (reached = r))
  const dev = await startDevStore({
    log,
    onMedusaLine: (line) => {
      if (line.includes(`test fault point ${FAULT_POINT} reached`)) reached()
    },
    env: {
      DINTERO_RECONCILE_INTERVAL_MS: "3000",
      DINTERO_ORDERS_RETRY_INTERVAL_MS: "3000",
      DINTERO_OUTBOX_CLAIM_TTL_MS: "20000",
      [TEST_FAULT_POINT_ENV]: FAULT_POINT,
    },
  })
  try {
    const { store, admin, emulator, seeded } = dev
    const tx = (id: string) => (emulator.state.transactions as any[]).find((t) => t.id === id)
    const collections = async (orderId: string) =>
      (
        await admin.ok(
          "get",
          `/admin/orders/${orderId}?fields=id,total,*payment_collections,*payment_collections.payments,*payment_collections.payment_sessions`
        )
      ).order.payment_collections as any[]

    // 2 × 199.00 + 49.00 shipping = 447.00 NOK, authorized, not captured, mirrored.
    const cart = await store.prepareCart({
      email: "crash-move@example.com",
      regionId: seeded.regionId,
      shippingOptionId: seeded.shippingOptionId,
      items: [{ variant_id: seeded.variants.outdoor, quantity: 2 }],
    })
    const { session } = await store.initiatePaymentSession(cart.id)
    const paid = await emulator.pay(session.data.dintero_session_id, "AUTHORIZED")
    const transactionId = paid.transaction!.id as string
    const completed = await store.completeCart(cart.id)
    if (completed.body?.type !== "order") throw new Error(`cart ${cart.id} did not complete: ${JSON.stringify(completed.body).slice(0, 300)}`)
    const orderId = completed.body.order.id as string
    await emulator.waitForCallbacks()
    await waitForMirror(admin, orderId, settled(1), 60_000)

    // The edit: one chair fewer (248.00 NOK). The confirm answers; the move then stops at its fault point.
    const [item] = await orderItems(admin, orderId)
    await editOrder(admin, orderId, { update: [{ item_id: item!.id, quantity: 1 }] })
    await Promise.race([
      faultPointReached,
      sleep(60_000).then(() => {
        throw new Error(`the move never reached its fault point:\n${dev.medusaLogTail(40).join("\n")}`)
      }),
    ])

    // What the kill leaves (the positive control: the crash is inside the hole).
    const atKill = {
      transaction_status: tx(transactionId).status as string,
      kept_payments: await sql<{ canceled: boolean; kept_for_order_id: string | null }>(
        dev.databaseUrl,
        `select canceled_at is not null as canceled, data->>'kept_for_order_id' as kept_for_order_id from payment where data->>'transaction_id' = $1 and deleted_at is null`,
        [transactionId]
      ),
      grants: await sql<{ kind: string }>(dev.databaseUrl, `select kind from dintero_authorization_grant where transaction_id = $1 and kind <> 'keep'`, [transactionId]),
      open_collections: (await collections(orderId))
        .filter((c) => c.status !== "canceled")
        .map((c) => ({ status: c.status as string, amount: Number(c.amount), payments: (c.payments ?? []).filter((p: any) => !p.canceled_at).length })),
    }
    log(`at the kill: ${JSON.stringify(atKill)}`)

    const killedAt = Date.now()
    await dev.crashAndRestartMedusa()
    const restartedAt = Date.now()
    log(`killed inside the move and restarted in ${restartedAt - killedAt} ms`)

    // Nobody retries: the reconciliation alone must move the kept authorization onto the open collection. Medusa
    // writes the payment before the collection's status: the poll waits for the status too (until the deadline; a
    // status that stays "not_paid" is still reported as seen and fails the spec).
    let reused: any
    while ((!reused || reused.collection_status !== "authorized") && Date.now() - restartedAt < CONVERGENCE_DEADLINE_MS) {
      reused = (await collections(orderId))
        .flatMap((c) => (c.payments ?? []).map((p: any) => ({ ...p, collection_status: c.status, collection_amount: Number(c.amount) })))
        .find((p: any) => !p.canceled_at && p.data?.transaction_id === transactionId)
      if (!reused || reused.collection_status !== "authorized") await sleep(1_000)
    }
    const convergedMs = Date.now() - restartedAt
    log(`${reused ? "moved" : "NOT moved"} ${convergedMs} ms after the restart`)
    const { reconciliation_runs } = await admin.ok("get", "/admin/dintero/reconciliation")
    const repaired = reconciliation_runs.flatMap((r: any) => r.repaired)
    const result: Record<string, unknown> = {
      at_kill: atKill,
      transaction_id: transactionId,
      reused: reused
        ? { amount: Number(reused.amount), data_amount: reused.data?.amount, reused_authorization: reused.data?.reused_authorization, collection_status: reused.collection_status, collection_amount: reused.collection_amount }
        : null,
      repaired,
      converged_ms: convergedMs,
      sessions: emulator.state.sessions.length,
    }
    if (reused) {
      // Run again (the admin Retry reconciles the order whole): the move is done, nothing changes.
      const retry = await admin.ok("post", `/admin/dintero/orders/${orderId}/retry`, {})
      const live = (await collections(orderId)).flatMap((c) => c.payments ?? []).filter((p: any) => !p.canceled_at)
      result.again = {
        status: retry.reconciliation.status,
        repaired: retry.reconciliation.repaired,
        findings: retry.reconciliation.findings,
        live_payments: live.map((p: any) => [p.data?.transaction_id, Number(p.amount)]),
      }
      // The merchant captures: the 248.00 is captured, the removed chair's 199.00 released by the final capture.
      const capture = await admin.capture(reused.id)
      result.capture_status = capture.status
      const mirror = await waitForMirror(admin, orderId, (m) => m.operations.some((o: any) => o.kind === "capture") && settled(3)(m), 120_000)
      const l = await ledgers(admin, emulator, orderId, mirror.dintero_order_mirror.dintero_order_id)
      const order = await admin.getOrder(orderId)
      result.ledgers = { medusa: l.medusa, checkout: l.checkout, orders: l.orders }
      result.order_total = toMinorUnits(order.total, order.currency_code)
      result.transaction_after_capture = tx(transactionId).status
      result.needs_action = mirror.operations.filter((o: any) => o.status === "needs_action").map((o: any) => [o.identity, o.last_error])
    }
    process.stdout.write(`CRASH_MOVE_RESULT ${JSON.stringify(result)}\n`)
  } finally {
    await dev.stop()
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`[crash-move] FAILED: ${(e as Error)?.stack ?? e}\n`)
    process.exit(1)
  }
)
