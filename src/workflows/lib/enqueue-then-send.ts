import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { processOrderOutbox, type PassHints } from "../outbox/schedule"
import { messageOf } from "../../lib/error-message"

/**
 * A subscriber's work: record what must happen (the outbox rows), then run the order's pass in this same job and
 * wait for it (locked and claimed: see outbox/schedule.ts). Subscribers run on the worker, after Medusa answered; if
 * this process dies now, the rows are in the database and the scheduled job sends them. The pass is called
 * directly, not through a workflow: it has nothing to compensate, and a workflow run would only add its checkpoints.
 * `enqueue` answers the order to run the pass for (none: nothing to mirror) and, optionally, what it read that the
 * pass may reuse. Never throws: a lost enqueue is logged (the admin shows what is missing).
 */
export async function enqueueThenSend(
  container: MedusaContainer,
  what: string,
  enqueue: () => Promise<{ orderId: string | null | undefined; hints?: PassHints }>
): Promise<void> {
  let pass: { orderId: string | null | undefined; hints?: PassHints }
  try {
    pass = await enqueue()
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`[dintero] could not enqueue the Orders mirror of ${what}: ${messageOf(e)}`)
    return
  }
  if (!pass.orderId) return
  // Never rejects: a failed pass is logged there and its rows wait for the scheduled job.
  await processOrderOutbox(container, pass.orderId, { hints: pass.hints })
}
