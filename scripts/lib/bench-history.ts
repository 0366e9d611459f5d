/**
 * The cost of an operation against the payment's history (issue 10, item 5): one Dintero order, then 51 partial
 * operations on its payment through the Admin API: 26 captures, then 25 refunds (Dintero takes no capture after a
 * refund: the transaction is then PARTIALLY_CAPTURED_REFUNDED), each measured alone until Dintero's side is quiet
 * again, so that its Orders mirror work counts against it. The 51st operation (the 25th refund) is compared with the
 * 2nd refund, and the last capture with the 2nd operation (the 2nd capture); "its own request" is the Admin API call.
 *
 * Also counted here: the Dintero requests the Orders mirror makes per mirrored capture or refund (everything in the
 * operation's window except the provider's own POST .../capture or .../refund).
 */
import type { Emulator } from "../../emulator"
import { RequestWindow, settle, type RequestCount } from "./bench-requests"
import { nowMs, round } from "./bench-stats"

export interface HistoryDeps {
  emulator: Emulator
  capture(paymentId: string, amount: number): Promise<{ status: number; body: unknown }>
  refund(paymentId: string, amount: number): Promise<{ status: number; body: unknown }>
  /** Medusa's CPU so far (ms): every process the store runs. */
  medusaCpuMs(): number
  progress(line: string): void
}

interface OperationCost {
  n: number
  kind: "capture" | "refund"
  medusa_cpu_ms: number
  wall_ms: number
  dintero_requests: number
  mirror_requests: number
  other_background_requests: number
  requests: string[]
}

/**
 * The Orders mirror's requests in an operation's window: the Orders API's, and the Checkout transaction read
 * (`GET /checkout/v1/transactions/:id`, no query). Not the provider's own POST .../capture|refund, and not other
 * background work that happened to run then (the reconciliation job's `GET /transactions?merchant_reference` for
 * every cart with an open Dintero session), which `other_background_requests` counts.
 */
const isMirrorRequest = (request: string) =>
  request.startsWith("GET /checkout/v1/transactions/:id ->") || /^[A-Z]+ \/api\/v1\/accounts\/[^ ]*\/shopping\//.test(request)
const isProviderOperation = (request: string) => /^POST \/checkout\/v1\/transactions\/[^ ]*\/(capture|refund)\b/.test(request)

function mirrorRequests(count: RequestCount): string[] {
  return count.requests.filter(isMirrorRequest)
}

export async function historyBench(deps: HistoryDeps, paymentId: string, operations = 51, amounts = { capture: 10, refund: 5 }) {
  const costs: OperationCost[] = []
  deps.progress(`payment history: ${Math.ceil(operations / 2)} partial captures (${amounts.capture}), then ${Math.floor(operations / 2)} partial refunds (${amounts.refund}), on payment ${paymentId}`)
  const captures = Math.ceil(operations / 2)
  for (let n = 1; n <= operations; n++) {
    const kind = n <= captures ? "capture" : "refund"
    await settle(deps.emulator)
    const window = new RequestWindow(deps.emulator)
    const cpu0 = deps.medusaCpuMs()
    const t0 = nowMs()
    const res = kind === "capture" ? await deps.capture(paymentId, amounts.capture) : await deps.refund(paymentId, amounts.refund)
    if (res.status !== 200) throw new Error(`${kind} #${n} -> ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`)
    const wall = nowMs() - t0
    await settle(deps.emulator)
    const count = window.count()
    const mirror = mirrorRequests(count)
    costs.push({
      n,
      kind,
      medusa_cpu_ms: Math.round(deps.medusaCpuMs() - cpu0),
      wall_ms: round(wall),
      dintero_requests: count.dintero_requests,
      mirror_requests: mirror.length,
      other_background_requests: count.requests.filter((r) => !isMirrorRequest(r) && !isProviderOperation(r)).length,
      requests: count.requests,
    })
    if (n <= 2 || n === captures || n === captures + 2 || n === operations || n % 10 === 0) {
      deps.progress(`history op ${n} ${kind}: ${Math.round(wall)} ms, medusa CPU ${costs[n - 1].medusa_cpu_ms} ms, ${count.dintero_requests} Dintero request(s) [${count.requests.join(", ")}]`)
    }
  }
  const of = (n: number) => costs[n - 1]
  // Clock-tick CPU of one operation is noisy: the first five and the last five of each kind are compared as means too.
  const mean = (xs: OperationCost[]) => round(xs.reduce((s, c) => s + c.medusa_cpu_ms, 0) / (xs.length || 1), 1)
  const byKind = (kind: "capture" | "refund") => costs.filter((c) => c.kind === kind)
  const early = (kind: "capture" | "refund") => byKind(kind).slice(1, 6)
  const late = (kind: "capture" | "refund") => byKind(kind).slice(-5)
  const last = of(operations)
  const secondOfKind = byKind(last.kind)[1]
  const mirrorCounts = costs.map((c) => c.mirror_requests)
  const maxMirror = Math.max(...mirrorCounts)
  // The normal case leaves out the operations that also release an uncaptured rest (their Orders cancellation, e.g.
  // the first refund of a partly captured payment; docs/orders-mirror.md): one more request each, by design.
  const releases = costs.filter((c) => mirrorRequests(toCount(c)).some((r) => /^POST \S*\/shopping\/orders\/[^/ ]+\/cancellations /.test(r)))
  const normalCounts = costs.filter((c) => !releases.includes(c)).map((c) => c.mirror_requests)
  const maxNormal = Math.max(...normalCounts)
  const cpuMet = (["capture", "refund"] as const).every((k) => mean(late(k)) <= mean(early(k)) * 1.2 + 10)
  const lastCapture = byKind("capture").slice(-1)[0]
  return {
    description:
      `${operations} partial operations on one Dintero payment: captures (${amounts.capture}), then refunds ` +
      `(${amounts.refund}), each alone until the emulator is quiet (so the Orders mirror's work after it counts). CPU is ` +
      "the medusa process(es)' in 10 ms ticks, so single operations are noisy: means of operations 2-6 and of the last 5 of each kind are given too.",
    operations: costs.map(({ requests, ...c }) => ({ ...c, requests: requests.join(", ") })),
    second_of_kind: { n: secondOfKind.n, kind: secondOfKind.kind, medusa_cpu_ms: secondOfKind.medusa_cpu_ms, dintero_requests: secondOfKind.dintero_requests, wall_ms: secondOfKind.wall_ms },
    fifty_first: { n: last.n, kind: last.kind, medusa_cpu_ms: last.medusa_cpu_ms, dintero_requests: last.dintero_requests, wall_ms: last.wall_ms },
    second_operation: { n: 2, kind: of(2).kind, medusa_cpu_ms: of(2).medusa_cpu_ms, dintero_requests: of(2).dintero_requests, wall_ms: of(2).wall_ms },
    last_capture: { n: lastCapture.n, medusa_cpu_ms: lastCapture.medusa_cpu_ms, dintero_requests: lastCapture.dintero_requests, wall_ms: lastCapture.wall_ms },
    mean_medusa_cpu_ms: {
      capture_early: mean(early("capture")),
      capture_late: mean(late("capture")),
      refund_early: mean(early("refund")),
      refund_late: mean(late("refund")),
    },
    mirror_requests_per_operation: { min: Math.min(...mirrorCounts), max: maxMirror, examples: [mirrorRequests(toCount(of(2))), mirrorRequests(toCount(of(3)))] },
    targets: {
      fifty_first_operation_not_costlier_than_second: {
        target:
          "the 51st operation (a refund) makes no more Dintero requests than the 2nd refund, the last capture no more than " +
          "the 2nd operation (a capture), and the last 5 operations of each kind use on average <= 1.2 x the medusa CPU " +
          "of operations 2-6 of that kind + 10 ms (one clock tick per side)",
        requests: `refunds ${secondOfKind.dintero_requests} -> ${last.dintero_requests}, captures ${of(2).dintero_requests} -> ${lastCapture.dintero_requests}`,
        met: last.dintero_requests <= secondOfKind.dintero_requests && lastCapture.dintero_requests <= of(2).dintero_requests && cpuMet,
      },
      orders_mirror_at_most_2_requests_per_capture_or_refund: {
        target: "<= 2 Dintero requests by the Orders mirror per mirrored capture or refund (normal case)",
        max: maxMirror,
        max_normal_case: maxNormal,
        operations_releasing_a_rest: releases.map((c) => ({ n: c.n, kind: c.kind, mirror_requests: c.mirror_requests })),
        met: maxNormal <= 2,
      },
    },
  }
}

function toCount(c: OperationCost): RequestCount {
  return { dintero_requests: c.dintero_requests, checkout_api_requests: 0, orders_api_requests: 0, token_requests: 0, requests: c.requests }
}
