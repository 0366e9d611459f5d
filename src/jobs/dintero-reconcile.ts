import type { MedusaContainer } from "@medusajs/framework/types"
import { reconcileStoreWhenDue } from "../workflows/reconcile/reconcile"
import { RECONCILE_JOB, reconcileIntervalMs, reconcileTickMs } from "../lib/scheduled-jobs"

/**
 * Reconciles what Medusa's events missed since the last run (src/workflows/reconcile). Runs on the worker. It ticks
 * every minute (or every interval when shorter) and runs when the last recorded run started an interval ago
 * (DINTERO_RECONCILE_INTERVAL_MS, default 5 minutes): after a (re)start, within a minute when the last run is that old.
 * Several workers may tick together: a PostgreSQL advisory lock lets one run at a time, the others return.
 */
export default async function dinteroReconcile(container: MedusaContainer) {
  await reconcileStoreWhenDue(container, { intervalMs: reconcileIntervalMs(), tickMs: reconcileTickMs() })
}

export const config = { name: RECONCILE_JOB, schedule: { interval: reconcileTickMs() } }
