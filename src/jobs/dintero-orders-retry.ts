import type { MedusaContainer } from "@medusajs/framework/types"
import { processDinteroOrderOutboxWorkflow } from "../workflows/mirror-order"
import { ORDERS_RETRY_JOB, ordersRetryIntervalMs } from "../lib/scheduled-jobs"

/**
 * Sends every Orders-mirror operation whose backoff has elapsed, and resumes passes that died mid-way (their row
 * claims lapse after DINTERO_OUTBOX_CLAIM_TTL_MS). Interval: DINTERO_ORDERS_RETRY_INTERVAL_MS (default one minute).
 */
export default async function dinteroOrdersRetry(container: MedusaContainer) {
  await processDinteroOrderOutboxWorkflow(container).run({ input: {} })
}

export const config = { name: ORDERS_RETRY_JOB, schedule: { interval: ordersRetryIntervalMs() } }
