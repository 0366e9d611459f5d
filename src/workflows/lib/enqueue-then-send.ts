import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { kickOrderOutbox } from "../outbox/schedule"

/**
 * Runs an enqueue workflow and starts sending without waiting for Dintero. Never throws: mirroring must not fail
 * or slow the Medusa operation whose event this is (a lost enqueue is logged; the admin shows what is missing).
 */
export async function enqueueAndKick(
  container: MedusaContainer,
  what: string,
  enqueue: () => Promise<{ result: { created: string[] } } | unknown>,
  orderIdOf: () => Promise<string | null | undefined> | string | null | undefined
): Promise<void> {
  try {
    await enqueue()
    const orderId = await orderIdOf()
    if (orderId) kickOrderOutbox(container, orderId)
  } catch (e) {
    container.resolve(ContainerRegistrationKeys.LOGGER).error(`[dintero] could not enqueue the Orders mirror of ${what}: ${(e as Error)?.message}`)
  }
}
