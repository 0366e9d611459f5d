/**
 * The plugin's scheduled jobs: their names (src/jobs uses these) and how often they run. One place, because the
 * schedule keeper (src/modules/dintero-orders/loaders/keep-schedules.ts) re-registers them by name.
 */

/**
 * A positive whole number of milliseconds from the environment, else the default. Read when asked (not at import), so
 * a test that sets the variable before Medusa boots gets it even if it imported this file earlier.
 */
function intervalFromEnv(name: string, fallbackMs: number): number {
  const value = Number(process.env[name])
  return Number.isInteger(value) && value > 0 ? value : fallbackMs
}

/** The Orders-mirror retry job: sends what is due and resumes passes whose claim lapsed (a killed worker's). */
export const ORDERS_RETRY_JOB = "dintero-orders-mirror-retry"
/** DINTERO_ORDERS_RETRY_INTERVAL_MS, default one minute (also how soon an operation waiting on a hold first looks again). */
export const ordersRetryIntervalMs = () => intervalFromEnv("DINTERO_ORDERS_RETRY_INTERVAL_MS", 60_000)

/** The reconciliation (src/workflows/reconcile). */
export const RECONCILE_JOB = "dintero-reconcile"
/** DINTERO_RECONCILE_INTERVAL_MS, default 5 minutes. */
export const reconcileIntervalMs = () => intervalFromEnv("DINTERO_RECONCILE_INTERVAL_MS", 5 * 60_000)
/**
 * How often the reconciliation job looks whether a run is due (at most every minute): a run is due once the last one
 * started an interval ago, as recorded in the database, so a process that (re)starts runs one within a minute when
 * the last run is that old, and restarts more frequent than the interval do not put it off.
 * DINTERO_RECONCILE_TICK_MS overrides it (tests that start runs themselves keep the job out of the way with it).
 */
export const reconcileTickMs = () => intervalFromEnv("DINTERO_RECONCILE_TICK_MS", Math.min(reconcileIntervalMs(), 60_000))

/** Medusa registers a scheduled job as a workflow of this id (@medusajs/framework's JobLoader). */
export const jobWorkflowId = (jobName: string) => `job-${jobName}`
