import type { MedusaContainer } from "@medusajs/framework/types"
import { reconcileStore } from "../workflows/reconcile/reconcile"
import { RECONCILE_JOB, reconcileIntervalMs } from "../lib/scheduled-jobs"

/**
 * Reconciles what Medusa's events missed since the last run (src/workflows/reconcile). Runs on the worker; its first
 * tick after a (re)start is the boot reconciliation. Interval: DINTERO_RECONCILE_INTERVAL_MS (default 5 minutes).
 * Several workers may tick together: a PostgreSQL advisory lock lets one run at a time, the others return.
 */
export default async function dinteroReconcile(container: MedusaContainer) {
  await reconcileStore(container)
}

export const config = { name: RECONCILE_JOB, schedule: { interval: reconcileIntervalMs() } }
