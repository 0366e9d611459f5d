import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { processDinteroOrderOutboxWorkflow } from "../mirror-order"

/**
 * A subscriber's work: record what must happen (the enqueue workflow writes the outbox rows), then run the order's
 * pass and wait for it (locked and claimed: see outbox/schedule.ts). Subscribers run on the worker, after Medusa
 * answered; if this process dies now, the rows are in the database and the scheduled job sends them. Never throws:
 * a lost enqueue is logged (the admin shows what is missing).
 */
export async function enqueueThenSend(
  container: MedusaContainer,
  what: string,
  enqueue: () => Promise<{ result: { created: string[] } } | unknown>,
  orderIdOf: () => Promise<string | null | undefined> | string | null | undefined
): Promise<void> {
  let orderId: string | null | undefined
  try {
    await enqueue()
    orderId = await orderIdOf()
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`[dintero] could not enqueue the Orders mirror of ${what}: ${(e as Error)?.message}`)
    return
  }
  if (!orderId) return
  try {
    await processDinteroOrderOutboxWorkflow(container).run({ input: { order_ids: [orderId] } })
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).warn(`[dintero] Orders mirror of ${what}: sending left to the scheduled job (${(e as Error)?.message})`)
  }
}
