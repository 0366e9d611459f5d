import type { MedusaContainer } from "@medusajs/framework/types"
import { processDinteroOrderOutboxWorkflow } from "../workflows/mirror-order"

/** Sends every Orders-mirror operation whose backoff has elapsed (and resumes passes that died mid-way). */
export default async function dinteroOrdersRetry(container: MedusaContainer) {
  await processDinteroOrderOutboxWorkflow(container).run({ input: {} })
}

export const config = { name: "dintero-orders-mirror-retry", schedule: "* * * * *" }
