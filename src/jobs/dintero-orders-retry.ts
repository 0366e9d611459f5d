import type { MedusaContainer } from "@medusajs/framework/types"
import { processDinteroOrderOutboxWorkflow } from "../workflows/mirror-order"
import { ordersRetryIntervalMs } from "../workflows/outbox/retry-interval"

/**
 * Sends every Orders-mirror operation whose backoff has elapsed (and resumes passes that died mid-way). Interval:
 * DINTERO_ORDERS_RETRY_INTERVAL_MS (default 60 s).
 */
export default async function dinteroOrdersRetry(container: MedusaContainer) {
  await processDinteroOrderOutboxWorkflow(container).run({ input: {} })
}

export const config = { name: "dintero-orders-mirror-retry", schedule: { interval: ordersRetryIntervalMs() } }
