import { configManager } from "@medusajs/framework/config"
import { WorkflowManager, WorkflowScheduler } from "@medusajs/framework/orchestration"
import type { LoaderOptions, Logger } from "@medusajs/framework/types"
import { ORDERS_RETRY_JOB, RECONCILE_JOB, jobWorkflowId } from "../../../lib/scheduled-jobs"
import { messageOf } from "../../../lib/error-message"

/**
 * Keeps the plugin's scheduled jobs (the Orders-mirror retry and the reconciliation) registered on the worker.
 *
 * Under Medusa's Redis workflow engine a scheduled job is a repeatable BullMQ job that lives only in Redis, and the
 * worker registers it once, at boot. A Redis that restarts empty (no persistence, a failover to an empty replica,
 * FLUSHALL) loses every registration, and no job runs again until the worker restarts: the events lost with Redis
 * would then never be reconciled. So every CHECK_EVERY_MS each process looks for the plugin's jobs in the engine's
 * job queue and registers those that are missing again, exactly as Medusa did at boot (same workflow, same schedule).
 *
 * Only the Redis engine in a worker has that queue: on a server, or with the in-memory engine (whose timers live and
 * die with the process), this does nothing. The timer is a trigger, not state: losing it with its process changes
 * nothing, since the next process registers the jobs at boot.
 */
export const CHECK_EVERY_MS = 10_000

const JOBS = [ORDERS_RETRY_JOB, RECONCILE_JOB]

/** The engine's job queue, if this process schedules jobs in Redis (the workflow-engine-redis storage's queue). */
interface RepeatableJobQueue {
  getRepeatableJobs(): Promise<{ key?: string | null; name?: string | null }[]>
}

/**
 * Pure: what this process can do about its schedules, from the scheduler's storage and the process's worker mode.
 * `none`: nothing to keep (the in-memory engine, or a server: it runs no scheduled job). `unreadable`: a worker on
 * the Redis engine whose storage no longer looks as this file expects (a Medusa upgrade moved it): the jobs cannot be
 * watched, which the process says once instead of doing nothing in silence.
 */
export function scheduleKeeping(
  storage: { constructor?: { name?: string }; jobQueue?: Partial<RepeatableJobQueue> | null } | null | undefined,
  workerMode: string | undefined
): { kind: "watch"; queue: RepeatableJobQueue } | { kind: "none" } | { kind: "unreadable" } {
  const queue = storage?.jobQueue
  if (typeof queue?.getRepeatableJobs === "function") return { kind: "watch", queue: queue as RepeatableJobQueue }
  const onRedis = /redis/i.test(storage?.constructor?.name ?? "")
  // Only a process known to run jobs says so: an unknown mode may be a server, which has no queue by design.
  return onRedis && (workerMode === "worker" || workerMode === "shared") ? { kind: "unreadable" } : { kind: "none" }
}

// Medusa keeps the scheduler's storage in a static field without a public getter; read it defensively.
const schedulerStorage = () => (WorkflowScheduler as unknown as { storage?: Parameters<typeof scheduleKeeping>[0] }).storage

/** Registers again the plugin's jobs missing from the engine's queue; answers the names of those it registered. */
export async function restoreLostSchedules(logger?: Logger, workerMode?: string): Promise<string[]> {
  const keeping = scheduleKeeping(schedulerStorage(), workerMode)
  if (keeping.kind === "unreadable") {
    warnUnreadableOnce(logger)
    return []
  }
  if (keeping.kind === "none") return []
  const queue = keeping.queue
  const registered = (await queue.getRepeatableJobs()).map((j) => `${j.key ?? ""} ${j.name ?? ""}`)
  const restored: string[] = []
  for (const job of JOBS) {
    const id = jobWorkflowId(job)
    const workflow = WorkflowManager.getWorkflow(id)
    // Not loaded in this process (medusa exec, migrations, a process without the plugin's jobs).
    if (!workflow?.options?.schedule) continue
    if (registered.some((r) => r.includes(id))) continue
    await new WorkflowScheduler().scheduleWorkflow(workflow)
    restored.push(job)
  }
  if (restored.length) {
    logger?.warn(`[dintero] scheduled job(s) ${restored.join(", ")} were missing from Redis (it restarted empty?): registered again`)
  }
  return restored
}

// This process's own keeper (one per process, so a second loader call does not start another). It carries no
// shared state: every worker checks the job queue in Redis itself, and re-registering is idempotent. `warned` only
// keeps the log from repeating the same warning every CHECK_EVERY_MS.
let timer: NodeJS.Timeout | undefined
let warned = false

function warnUnreadableOnce(logger?: Logger) {
  if (warned) return
  warned = true
  logger?.warn(
    "[dintero] cannot watch the plugin's scheduled jobs in Redis (Medusa's scheduler storage is not where this plugin " +
      "version looks: a Medusa upgrade?): if Redis restarts empty, restart the worker so the Orders-mirror retry and the reconciliation run again"
  )
}

export default async function keepDinteroSchedules({ container }: LoaderOptions): Promise<void> {
  if (timer) return
  let logger: Logger | undefined
  try {
    logger = container.resolve("logger")
  } catch {
    logger = undefined
  }
  let workerMode: string | undefined
  try {
    // The app's configuration (a module's own container does not hold it).
    workerMode = configManager.config.projectConfig.workerMode
  } catch {
    workerMode = undefined
  }
  let running = false
  timer = setInterval(() => {
    if (running) return
    running = true
    restoreLostSchedules(logger, workerMode)
      .catch((e) => logger?.debug?.(`[dintero] could not check the scheduled jobs in Redis: ${messageOf(e)}`))
      .finally(() => {
        running = false
      })
  }, CHECK_EVERY_MS)
  // Never keeps a process alive (medusa exec, migrations, tests end as they would without it).
  timer.unref()
}
