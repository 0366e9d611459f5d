import type { Context } from "@medusajs/framework/types"
import { InjectManager, MedusaContext, MedusaService, generateEntityId } from "@medusajs/framework/utils"
import type { EntityManager } from "@medusajs/framework/mikro-orm/knex"
import { DinteroClient } from "../../dintero"
import { dinteroClientFor, dinteroConfiguration } from "../../lib/dintero-registry"
import { DinteroOrderMirror } from "./models/order-mirror"
import { DinteroOrderOperation, type OperationKind, type OperationStatus } from "./models/order-operation"
import { parseDinteroOrdersOptions, type DinteroOrdersOptions, type MirrorOptions } from "./options"

/**
 * A notice's status: `needs_action` when the merchant must do something (the widget shows it red and offers Retry),
 * `skipped` when it is for information only (nothing is left to do, e.g. an authorization the plugin released by
 * itself): shown muted, finished like any skipped operation.
 */
export type NoticeStatus = "needs_action" | "skipped"

/**
 * A `processing` row whose claim has lapsed (its pass died). Rows left `processing` by a version without claims
 * count as lapsed two minutes after their last update.
 */
const LAPSED_CLAIM = `"status" = 'processing' and coalesce("claimed_until", "updated_at" + interval '2 minutes') < now()`

const DUE = ` and ("next_attempt_at" is null or "next_attempt_at" <= now())`

/** An outbox row as an attempt reads it (claimAttempt). */
export interface ClaimedOperation {
  id: string
  order_id: string
  identity: string
  kind: OperationKind
  status: OperationStatus
  attempts: number
  next_attempt_at: Date | string | null
  input: unknown
  plan: unknown
  progress: unknown
}

/** The mirror row as an attempt reads it (claimAttempt). */
export interface MirrorRow {
  id: string
  order_id: string
  dintero_order_id: string | null
  currency_code: string | null
  state: unknown
}

/** The recorded ledger an attempt took off the mirror (claimAttempt), the version it took, and the mirror row. */
export interface TakenLedger {
  recorded: unknown
  version: number
  mirror: MirrorRow
}

/** A JSON column's parameter: null stays SQL null. */
const json = (value: unknown): string | null => (value == null ? null : JSON.stringify(value))

class DinteroOrdersService extends MedusaService({ DinteroOrderMirror, DinteroOrderOperation }) {
  protected readonly moduleOptions_: DinteroOrdersOptions
  #client?: DinteroClient

  constructor(container: Record<string, unknown>, options: unknown = {}) {
    // eslint-disable-next-line prefer-rest-params
    super(...arguments)
    // Already checked by the module's loader at boot; parsed again here for the normalised values.
    this.moduleOptions_ = parseDinteroOrdersOptions(options)
  }

  get mirrorOptions(): MirrorOptions {
    return {
      generateOrderId: this.moduleOptions_.generateOrderId,
      // On unless switched off, and only with credentials (own, or the payment provider's).
      ordersMirror: this.moduleOptions_.ordersMirror && (!!this.moduleOptions_.clientSecret || !!dinteroConfiguration()),
      maxAttempts: this.moduleOptions_.maxAttempts,
    }
  }

  /**
   * A notice row the merchant sees in the order's mirror (widget and admin API): `needs_action` (the default) when the
   * merchant must act, `skipped` when it only says what happened and nothing is left to do (shown muted, not offered
   * for Retry: see NoticeStatus). Created once per key: repeating the same notice adds nothing, also when two
   * processes record it at once.
   */
  async recordNotice(orderId: string, key: string, message: string, status: NoticeStatus = "needs_action"): Promise<void> {
    await this.enqueueOperations(orderId, [
      { identity: `notice:${key}`, kind: "notice", status, sequence: 0, last_error: message, input: { message } },
    ])
  }

  /**
   * The order's mirror row: found, or created by this call. One atomic INSERT ... ON CONFLICT DO NOTHING on the
   * unique `order_id`, so callers racing for the same order (the `order.placed` subscriber, the reconciliation, an
   * admin Retry, on any process) all end up with the one row, whoever inserted it; `created` says whether it was this
   * call (a mirror is never deleted again, see steps/enqueue-operations.ts).
   */
  @InjectManager()
  async ensureMirror(orderId: string, @MedusaContext() ctx: Context<EntityManager> = {}): Promise<{ id: string; created: boolean }> {
    const inserted: { id: string }[] = await ctx.manager!.execute(
      `insert into "dintero_order_mirror" ("id", "order_id") values (?, ?) on conflict do nothing returning "id"`,
      [generateEntityId(undefined, "dimir"), orderId]
    )
    const [mine] = inserted
    if (mine) return { id: mine.id, created: true }
    // The conflicting insert has committed (ON CONFLICT waited for it), so this statement sees its row.
    const found: { id: string }[] = await ctx.manager!.execute(
      `select "id" from "dintero_order_mirror" where "order_id" = ? and "deleted_at" is null`,
      [orderId]
    )
    const [theirs] = found
    if (!theirs) throw new Error(`the Orders mirror of order ${orderId} could neither be created nor found`)
    return { id: theirs.id, created: false }
  }

  /**
   * Writes outbox rows, each identity once: one atomic INSERT ... ON CONFLICT DO NOTHING on the unique `identity`,
   * so the same Medusa event enqueued twice at once (its subscriber and the reconciliation, two deliveries) writes
   * it once and neither caller fails. Answers the ids of the rows this call created.
   * `withMirror` creates the order's mirror row in the same statement when it is missing (ensureMirror's insert,
   * without its answer): one statement fewer per placed order.
   */
  @InjectManager()
  async enqueueOperations(
    orderId: string,
    rows: {
      identity: string
      kind: OperationKind
      sequence: number
      status?: "pending" | "needs_action" | "skipped"
      input?: Record<string, unknown> | null
      last_error?: string | null
      /** When Medusa's fact happened; the row's `created_at` (its place in the order's queue) is taken from it. */
      happened_at?: Date | null
    }[],
    options: { withMirror?: boolean } = {},
    @MedusaContext() ctx: Context<EntityManager> = {}
  ): Promise<string[]> {
    if (!rows.length) return []
    const values: unknown[] = options.withMirror ? [generateEntityId(undefined, "dimir"), orderId] : []
    const tuples: string[] = []
    for (const r of rows) {
      values.push(generateEntityId(undefined, "diop"), orderId, r.identity, r.kind, r.sequence, r.status ?? "pending")
      values.push(r.input == null ? null : JSON.stringify(r.input), r.last_error ?? null)
      if (!r.happened_at) {
        tuples.push(`(?, ?, ?, ?, ?, ?, ?::jsonb, ?, now())`)
        continue
      }
      // The runner takes an order's rows in `created_at` order: a row for a fact Medusa recorded earlier (an edit
      // whose event was handled late) takes its place by that fact, never later than now and never before the
      // order's order_placed row (which mirrors the edits confirmed before it runs itself: handlers/order-placed.ts).
      values.push(r.happened_at, orderId)
      tuples.push(
        `(?, ?, ?, ?, ?, ?, ?::jsonb, ?, least(now(), greatest(?::timestamptz, (select max(p."created_at") + interval '1 millisecond'
           from "dintero_order_operation" p where p."order_id" = ? and p."kind" = 'order_placed' and p."deleted_at" is null))))`
      )
    }
    // A data-modifying WITH runs whether or not the main statement reads it.
    const mirror = options.withMirror
      ? `with "mirror" as (insert into "dintero_order_mirror" ("id", "order_id") values (?, ?) on conflict do nothing) `
      : ""
    const created: { id: string }[] = await ctx.manager!.execute(
      `${mirror}insert into "dintero_order_operation" ("id", "order_id", "identity", "kind", "sequence", "status", "input", "last_error", "created_at")
       values ${tuples.join(", ")}
       on conflict do nothing returning "id"`,
      values
    )
    return created.map((r) => r.id)
  }

  /**
   * The order's operations in the order a pass runs them (oldest first, then their place in one enqueue), with what
   * deciding which are due needs. One indexed SELECT: the generated list method costs about 1 ms of CPU more per
   * pass (measured) for the same rows.
   */
  @InjectManager()
  async listOperationsInOrder(
    orderId: string,
    @MedusaContext() ctx: Context<EntityManager> = {}
  ): Promise<{ id: string; kind: OperationKind; status: OperationStatus; next_attempt_at: Date | null }[]> {
    return await ctx.manager!.execute(
      `select "id", "kind", "status", "next_attempt_at" from "dintero_order_operation"
        where "order_id" = ? and "deleted_at" is null order by "created_at" asc, "sequence" asc limit 1000`,
      [orderId]
    )
  }

  /**
   * Claims one outbox operation for one attempt, atomically (one UPDATE with its condition): it succeeds only when
   * the row is in one of `from` or is `processing` under a claim that has lapsed (its pass died). Two workers
   * claiming at once: exactly one gets the row. Answers the row as it is now (plan and progress another pass saved
   * included, so the attempt needs no second read), or null when someone else has the row (or it is no longer due:
   * its backoff has not elapsed, unless `ignoreBackoff`).
   *
   * In the same statement, and only when the claim is won, the order's recorded ledger is taken off its mirror row
   * (`taken`: what was there and the new version, the one finishOperation may put a ledger back under; with the
   * mirror row as it is after the take; null when the order has no mirror). Every attempt takes it before it sends
   * anything: an attempt that dies or fails leaves no ledger, and the next plan reads Dintero's records.
   */
  @InjectManager()
  async claimAttempt(
    id: string,
    claim: { owner: string; ttlMs: number; from: readonly OperationStatus[]; ignoreBackoff?: boolean },
    @MedusaContext() ctx: Context<EntityManager> = {}
  ): Promise<(ClaimedOperation & { taken: TakenLedger | null }) | null> {
    const from = claim.from.filter((s) => s !== "processing")
    const rows: (ClaimedOperation & { taken: (MirrorRow & { recorded: unknown; version: number }) | null })[] = await ctx.manager!.execute(
      `with "claimed" as (
         update "dintero_order_operation"
            set "status" = 'processing', "attempts" = "attempts" + 1, "claimed_by" = ?,
                "claimed_until" = now() + (? * interval '1 millisecond'), "updated_at" = now()
          where "id" = ? and "deleted_at" is null
            and (${from.length ? `("status" in (${from.map(() => "?").join(", ")})${claim.ignoreBackoff ? "" : DUE}) or ` : ""}(${LAPSED_CLAIM}))
          returning "id", "order_id", "identity", "kind", "status", "attempts", "next_attempt_at", "input", "plan", "progress"),
       "taken" as (
         update "dintero_order_mirror" m set "recorded" = null, "recorded_version" = m."recorded_version" + 1
           from (select "id", "recorded" from "dintero_order_mirror"
                  where "order_id" = (select "order_id" from "claimed") and "deleted_at" is null for update) old
          where m."id" = old."id"
          returning old."recorded" as "recorded", m."recorded_version" as "version",
                    m."id", m."order_id", m."dintero_order_id", m."currency_code", m."state")
       select c.*, (select row_to_json(t) from "taken" t) as "taken" from "claimed" c`,
      [claim.owner, claim.ttlMs, id, ...from]
    )
    const [claimed] = rows
    if (!claimed) return null
    const { taken, ...row } = claimed
    if (!taken) return { ...row, attempts: Number(row.attempts), taken: null }
    const { recorded, version, ...mirror } = taken
    return { ...row, attempts: Number(row.attempts), taken: { recorded, version: Number(version), mirror } }
  }

  /**
   * Stores an attempt's outcome and ends the claim, only while `owner` still holds it: a pass whose claim lapsed and
   * was taken over does not overwrite the newer attempt's result. False when the claim was lost.
   *
   * `ledger`: the recorded ledger the attempt leaves on the order's mirror, written in the same statement as the
   * outcome (both or neither), and only while the mirror still has no ledger and the version the attempt took
   * (claimAttempt): an attempt that lost its claim, or whose take another attempt followed, writes nothing.
   */
  @InjectManager()
  async finishOperation(
    id: string,
    owner: string,
    result: { status: OperationStatus; last_error?: string | null; next_attempt_at?: Date | null; completed_at?: Date | null },
    ledger?: { orderId: string; version: number; recorded: Record<string, unknown> },
    @MedusaContext() ctx: Context<EntityManager> = {}
  ): Promise<boolean> {
    const sets: string[] = [`"status" = ?`, `"claimed_by" = null`, `"claimed_until" = null`, `"updated_at" = now()`]
    const values: unknown[] = [result.status]
    for (const key of ["last_error", "next_attempt_at", "completed_at"] as const) {
      if (result[key] === undefined) continue
      sets.push(`"${key}" = ?`)
      values.push(result[key])
    }
    const finish = `update "dintero_order_operation" set ${sets.join(", ")} where "id" = ? and "claimed_by" = ? returning "id"`
    if (!ledger) {
      const rows: unknown[] = await ctx.manager!.execute(finish, [...values, id, owner])
      return rows.length > 0
    }
    const rows: { finished: number }[] = await ctx.manager!.execute(
      `with "finished" as (${finish}),
            "kept" as (
              update "dintero_order_mirror" set "recorded" = ?::jsonb
               where "order_id" = ? and "deleted_at" is null and "recorded" is null and "recorded_version" = ?
                 and exists (select 1 from "finished")
               returning "id")
       select (select count(*) from "finished")::int as "finished", (select count(*) from "kept")::int as "kept"`,
      [...values, id, owner, JSON.stringify(ledger.recorded), ledger.orderId, ledger.version]
    )
    return Number(rows[0]?.finished ?? 0) > 0
  }

  /**
   * Saves an attempt's plan and progress on its row (one UPDATE; the ORM's update would read the row first and
   * answer it serialized, for nothing).
   */
  @InjectManager()
  async saveOperationWork(id: string, work: { plan: unknown; progress: unknown }, @MedusaContext() ctx: Context<EntityManager> = {}): Promise<void> {
    await ctx.manager!.execute(
      `update "dintero_order_operation" set "plan" = ?::jsonb, "progress" = ?::jsonb, "updated_at" = now() where "id" = ?`,
      [json(work.plan), json(work.progress), id]
    )
  }

  /** Saves what an attempt changed on the order's mirror (one UPDATE of only the given columns). */
  @InjectManager()
  async saveMirrorFields(
    id: string,
    update: Partial<Pick<MirrorRow, "dintero_order_id" | "currency_code" | "state">>,
    @MedusaContext() ctx: Context<EntityManager> = {}
  ): Promise<void> {
    const sets: string[] = [`"updated_at" = now()`]
    const values: unknown[] = []
    if (update.dintero_order_id !== undefined) {
      sets.push(`"dintero_order_id" = ?`)
      values.push(update.dintero_order_id)
    }
    if (update.currency_code !== undefined) {
      sets.push(`"currency_code" = ?`)
      values.push(update.currency_code)
    }
    if (update.state !== undefined) {
      sets.push(`"state" = ?::jsonb`)
      values.push(json(update.state))
    }
    await ctx.manager!.execute(`update "dintero_order_mirror" set ${sets.join(", ")} where "id" = ?`, [...values, id])
  }

  /**
   * Makes an order's stopped operations due now (the admin's retry), atomically: a row another pass holds under a
   * live claim is left alone (resetting it would let a second pass send it again).
   */
  @InjectManager()
  async resetOperations(orderId: string, operationId: string | undefined, @MedusaContext() ctx: Context<EntityManager> = {}): Promise<string[]> {
    const rows: { id: string }[] = await ctx.manager!.execute(
      `update "dintero_order_operation"
          set "status" = 'pending', "next_attempt_at" = null, "claimed_by" = null, "claimed_until" = null, "updated_at" = now()
        where "order_id" = ? and "deleted_at" is null and "kind" <> 'notice'${operationId ? ` and "id" = ?` : ""}
          and ("status" in ('pending', 'failed', 'needs_action') or (${LAPSED_CLAIM}))
        returning "id"`,
      operationId ? [orderId, operationId] : [orderId]
    )
    return rows.map((r) => r.id)
  }

  /**
   * Makes the order's operations that wait for a later attempt due now (a payment on hold has been settled, so the
   * hold watch's spaced looks need not be waited for). Rows under a claim, stopped or finished are left alone; the
   * retry job sends what this made due.
   */
  @InjectManager()
  async makePendingDue(orderId: string, @MedusaContext() ctx: Context<EntityManager> = {}): Promise<number> {
    const rows: unknown[] = await ctx.manager!.execute(
      `update "dintero_order_operation" set "next_attempt_at" = null, "updated_at" = now()
        where "order_id" = ? and "deleted_at" is null and "status" = 'pending' and "next_attempt_at" > now()
        returning "id"`,
      [orderId]
    )
    return rows.length
  }

  /** One Dintero client per process (keep-alive pool and token cache shared by every operation). */
  getDinteroClient(): DinteroClient {
    if (this.#client) return this.#client
    const o = this.moduleOptions_
    if (o.clientSecret) {
      this.#client = new DinteroClient({
        accountId: o.accountId ?? "",
        clientId: o.clientId ?? "",
        clientSecret: o.clientSecret,
        apiBaseUrl: o.apiBaseUrl,
        checkoutBaseUrl: o.checkoutBaseUrl,
        timeoutMs: o.timeoutMs,
      })
      return this.#client
    }
    const provider = dinteroConfiguration()
    if (!provider) {
      throw new Error(
        "The Dintero Orders mirror has no credentials: configure the Dintero payment provider (pp_dintero_dintero) or give the plugin accountId/clientId/clientSecret"
      )
    }
    this.#client = dinteroClientFor(provider)
    return this.#client
  }
}

export default DinteroOrdersService
