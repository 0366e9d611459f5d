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

function jobQueue(): RepeatableJobQueue | undefined {
  // Medusa keeps the scheduler's storage in a static field without a public getter; read it defensively.
  const storage = (WorkflowScheduler as unknown as { storage?: { jobQueue?: Partial<RepeatableJobQueue> } }).storage
  const queue = storage?.jobQueue
  return typeof queue?.getRepeatableJobs === "function" ? (queue as RepeatableJobQueue) : undefined
}

/** Registers again the plugin's jobs missing from the engine's queue; answers the names of those it registered. */
export async function restoreLostSchedules(logger?: Logger): Promise<string[]> {
  const queue = jobQueue()
  if (!queue) return []
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
// shared state: every worker checks the job queue in Redis itself, and re-registering is idempotent.
let timer: NodeJS.Timeout | undefined

export default async function keepDinteroSchedules({ container }: LoaderOptions): Promise<void> {
  if (timer) return
  let logger: Logger | undefined
  try {
    logger = container.resolve("logger")
  } catch {
    logger = undefined
  }
  let running = false
  timer = setInterval(() => {
    if (running) return
    running = true
    restoreLostSchedules(logger)
      .catch((e) => logger?.debug?.(`[dintero] could not check the scheduled jobs in Redis: ${messageOf(e)}`))
      .finally(() => {
        running = false
      })
  }, CHECK_EVERY_MS)
  // Never keeps a process alive (medusa exec, migrations, tests end as they would without it).
  timer.unref()
}
