/**
 * One pass over the outbox of one order: its operations in order, each one to the end or until it stops. A stopped
 * operation keeps the later ones of the same order waiting (a capture cannot be recorded before the order exists).
 * Each attempt's outcome is stored on the row; nothing here throws to a caller except a failure to read or write
 * the rows themselves.
 */
import { randomUUID } from "node:crypto"
import type { MedusaContainer } from "@medusajs/framework/types"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type { OperationKind } from "../../modules/dintero-orders/models/order-operation"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import type { MirrorRow, TakenLedger } from "../../modules/dintero-orders/service"
import { CLAIM_TTL_MS } from "./claim"
import { classifyError, classifyOutcome, type AttemptResult } from "./classify-failure"
import type { Mirror, OperationContext, PassHints } from "./context"
import { mirrorCancellation } from "./handlers/cancellation"
import { mirrorOrderEdit } from "./handlers/order-edit"
import { mirrorOrderPlaced } from "./handlers/order-placed"
import { mirrorPartAuthorization } from "./handlers/part-authorization"
import { mirrorPaymentRecord } from "./handlers/payment-record"
import { AttemptLedger } from "../../mapping/orders-mirror/attempt-ledger"
import { parseMirrorState, parseOperation, parseRecordedTotals, type Operation, type OperationRow, type Progress } from "./operation"
import { OrdersRecorder } from "./orders-recorder"
import { needsAction, type Outcome } from "./outcome"
import { logger } from "./schedule"

type Json = Record<string, unknown>

/**
 * Runs the order's due operations (all stopped ones too when `force`). Every attempt first claims its row
 * atomically (DinteroOrdersService.claimAttempt): a row another pass holds stops this pass, whatever lock the
 * caller has or has not got. `owner` names this pass in the claims.
 */
export async function runOrderOutbox(
  container: MedusaContainer,
  orderId: string,
  force: boolean,
  owner: string = randomUUID(),
  hints: PassHints = {}
): Promise<void> {
  const svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  const runner = new AttemptRunner(container, svc, orderId, owner, force, hints)
  // An operation may enqueue rows that sort before it (outcome `behind`): the rows are listed again, a few times at
  // most (each listing follows an enqueue; a bound keeps a bug from looping a pass forever).
  for (let listing = 0; listing < 4; listing++) {
    if ((await passOverRows(svc, runner, orderId, force)) !== "relist") return
  }
}

/**
 * Kinds whose attempt may enqueue rows of the order that sort after it. One does: a further payment's authorization
 * enqueues the order's confirmed edits that have no row yet (edits-first.ts), in their place by when Medusa confirmed
 * them, which is after it when the authorization's row was written together with the order's placement (a lost
 * order.placed event, enqueued by the payment's capture). A walk that ran one lists the rows again at its end, so
 * those rows run in this pass rather than with the retry job a minute later.
 *
 * Why a named kind and not "list again after any enqueue": edits-first.ts is the only enqueue a pass reaches (the
 * other writes of an attempt are its own row, the mirror and notices, which the walk skips); rows enqueued before the
 * attempting row are listed again through its `behind` outcome; and rows other processes enqueue are sent by the pass
 * their enqueue starts, which waits for this pass's order lock (enqueue-then-send.ts, schedule.ts). The general rule
 * would carry an "enqueued" signal from enqueueOutbox through the handler's context to the walk, to save one listing
 * per pass that ran an authorization (rare: a further payment). A handler that comes to enqueue rows joins this set.
 */
const MAY_ENQUEUE_AFTER = new Set<string>(["authorization"])

/** One walk over the order's rows as listed now. */
async function passOverRows(svc: DinteroOrdersService, runner: AttemptRunner, orderId: string, force: boolean): Promise<Step> {
  // What deciding which rows are due needs; an attempt works on the row its claim answers.
  const rows = await svc.listOperationsInOrder(orderId)
  let enqueuedAfter = false
  for (const row of rows) {
    // Notices tell the merchant something; they wait for nobody and block nothing.
    if (row.status === "done" || row.status === "skipped" || row.kind === "notice") continue
    if ((row.status === "failed" || row.status === "needs_action") && !force) return "stop"
    if (!force && row.status === "pending" && row.next_attempt_at && new Date(row.next_attempt_at).getTime() > Date.now()) return "stop"
    // A `processing` row is claimed below only when its claim has lapsed; otherwise another pass has it.
    const step = await runner.attempt(row)
    if (step !== "next") return step
    if (MAY_ENQUEUE_AFTER.has(row.kind)) enqueuedAfter = true
  }
  return enqueuedAfter ? "relist" : "stop"
}

/** After an attempt: on to the next row, stop the pass, or list the rows again. */
type Step = "next" | "stop" | "relist"

class AttemptRunner {
  private readonly client

  constructor(
    private readonly container: MedusaContainer,
    private readonly svc: DinteroOrdersService,
    private readonly orderId: string,
    private readonly owner: string,
    private readonly force: boolean,
    private readonly hints: PassHints
  ) {
    // Without credentials the pass stops here (logged by the scheduler); the rows stay as they are.
    this.client = svc.getDinteroClient()
  }

  /** One attempt at one operation; "next" when it finished and the next may run ("stop" too when it is not ours). */
  async attempt(listed: { id: string }): Promise<Step> {
    // The claim answers the row as it is now: another pass may have moved it on (plan, progress) since this pass
    // listed it, so the attempt continues from the claimed row, not the listed one. The claim also takes the recorded
    // ledger off the mirror, before anything is sent; it is put back (with what this attempt added) only together
    // with a done or skipped mark: a failed, stopped or dead attempt leaves none behind.
    const claimed = await this.svc.claimAttempt(listed.id, {
      owner: this.owner,
      ttlMs: CLAIM_TTL_MS,
      from: this.force ? ["pending", "failed", "needs_action"] : ["pending"],
      ignoreBackoff: this.force,
    })
    if (claimed === null) return "stop"
    const { taken, ...row }: { taken: TakenLedger | null } & OperationRow = claimed
    const attempts = row.attempts
    // What the row holds, written back with every save of the plan or progress (typed once parsed).
    const stored = { plan: (row.plan ?? null) as Json | null, progress: (row.progress ?? {}) as Json }
    let result: AttemptResult
    const ctx = { attempts, maxAttempts: this.svc.mirrorOptions.maxAttempts, now: new Date() }
    const ledger = new AttemptLedger(parseRecordedTotals(taken?.recorded), hasProgress(row.progress))
    try {
      const outcome = await this.outcomeOf(row, attempts, stored, ledger, taken?.mirror)
      result = classifyOutcome(outcome, { ...ctx, now: new Date() })
    } catch (e) {
      result = classifyError(e, { ...ctx, now: new Date() })
    }
    const { proceed, log, relist, ...outcome } = result
    const kept = taken && (outcome.status === "done" || outcome.status === "skipped") ? ledger.after() : null
    const keep = kept && taken ? { orderId: this.orderId, version: taken.version, recorded: { ...kept } } : undefined
    if (!(await this.svc.finishOperation(row.id, this.owner, outcome, keep))) {
      logger(this.container)?.warn(`[dintero] orders mirror ${row.identity} (attempt ${attempts}): the claim lapsed before the attempt ended; its result is left to the pass that took it over`)
      return "stop"
    }
    if (log) {
      logger(this.container)?.warn(`[dintero] orders mirror ${row.identity} (attempt ${attempts}) ${result.status}: ${result.last_error}`)
    }
    return proceed ? "next" : relist ? "relist" : "stop"
  }

  private async outcomeOf(
    row: OperationRow,
    attempts: number,
    stored: { plan: Json | null; progress: Json },
    ledger: AttemptLedger,
    takenWith: MirrorRow | undefined
  ): Promise<Outcome> {
    // The mirror came with the ledger's take (a won claim takes from any mirror the order has); read only when there
    // was none at the claim, in case an enqueue wrote it since.
    const mirrorRow: MirrorRow | undefined = takenWith ?? (await this.svc.listDinteroOrderMirrors({ order_id: this.orderId }))[0]
    if (!mirrorRow) return needsAction("the order has no mirror row")
    const state = parseMirrorState(mirrorRow.state)
    if (!state.ok) return needsAction(state.reason)
    const parsed = parseOperation({ ...row, attempts })
    if (!parsed.ok) return needsAction(parsed.reason)
    const mirror: Mirror = {
      id: mirrorRow.id,
      order_id: mirrorRow.order_id,
      dintero_order_id: mirrorRow.dintero_order_id,
      currency_code: mirrorRow.currency_code,
      state: state.value,
    }
    const op = parsed.value
    switch (op.kind) {
      case "order_placed":
        return mirrorOrderPlaced(this.contextFor(op, mirror, stored, ledger))
      case "authorization":
        return mirrorPartAuthorization(this.contextFor(op, mirror, stored, ledger))
      case "capture":
      case "refund":
        return mirrorPaymentRecord(this.contextFor<"capture" | "refund">(op, mirror, stored, ledger))
      case "order_edit":
        return mirrorOrderEdit(this.contextFor(op, mirror, stored, ledger))
      case "cancellation":
        return mirrorCancellation(this.contextFor(op, mirror, stored, ledger))
      case "notice":
        return needsAction(op.input.message ?? "see the operation's input")
    }
  }

  private contextFor<K extends OperationKind>(op: Operation<K>, mirror: Mirror, stored: { plan: Json | null; progress: Json }, ledger: AttemptLedger): OperationContext<K> {
    const svc = this.svc
    const persist = () => svc.saveOperationWork(op.id, stored)
    const progressStore = {
      get progress(): Progress {
        return op.progress
      },
      async set<P extends keyof Progress>(key: P, value: Progress[P]) {
        op.progress = { ...op.progress, [key]: value }
        stored.progress = op.progress
        await persist()
      },
    }
    return {
      hints: this.hints,
      container: this.container,
      orderId: this.orderId,
      op,
      mirror,
      client: this.client,
      options: svc.mirrorOptions,
      recorder: new OrdersRecorder(this.client.orders, op.identity, op.attempts, progressStore, ledger),
      async setPlan(plan) {
        op.plan = plan
        stored.plan = plan
        await persist()
      },
      holdPlan(plan) {
        op.plan = plan
        stored.plan = plan
      },
      setProgress: (key, value) => progressStore.set(key, value),
      async saveMirror(update) {
        Object.assign(mirror, update)
        await svc.saveMirrorFields(mirror.id, update)
      },
      notice: (key, message) => svc.recordNotice(this.orderId, key, message),
    }
  }
}

/** Whether an earlier attempt got anywhere (a sent step, a draft): its records may be missing from a ledger. */
function hasProgress(progress: unknown): boolean {
  return !!progress && typeof progress === "object" && Object.values(progress).some((v) => v != null && (typeof v !== "object" || Object.keys(v).length > 0))
}
