/**
 * When an order's outbox runs: at most one pass per order in this process, and a call that arrives during a pass
 * asks for one more pass instead of starting a second one.
 *
 * This is the one place that holds process memory for the outbox (the `running` and `again` maps below) and the
 * one place that starts passes. It is to be replaced by Medusa's locking module and atomic row claims; the rest of
 * the outbox does not depend on how passes are kept apart.
 */
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { runOrderOutbox } from "./runner"

const running = new Map<string, Promise<void>>()
const again = new Set<string>()

/** Processes the order's due operations; concurrent calls for one order coalesce into one more pass. */
export function processOrderOutbox(container: MedusaContainer, orderId: string, opts: { force?: boolean } = {}): Promise<void> {
  const current = running.get(orderId)
  if (current) {
    again.add(orderId)
    return current
  }
  const run = (async () => {
    try {
      do {
        again.delete(orderId)
        await runOrderOutbox(container, orderId, opts.force === true)
      } while (again.has(orderId))
    } catch (e) {
      logger(container)?.error(`[dintero] orders mirror of ${orderId}: ${(e as Error)?.message}`)
    } finally {
      running.delete(orderId)
    }
  })()
  running.set(orderId, run)
  return run
}

/**
 * Starts a pass without waiting for it (subscribers: mirroring must not slow the Medusa operation). The pass never
 * rejects (processOrderOutbox logs); this is the outbox's only detached promise.
 */
export function kickOrderOutbox(container: MedusaContainer, orderId: string): void {
  void processOrderOutbox(container, orderId)
}

/** Waits for every pass in flight (tests, shutdown). */
export async function settleOutbox(): Promise<void> {
  while (running.size > 0) await Promise.all([...running.values()])
}

export function logger(container: MedusaContainer): Logger | undefined {
  try {
    return container.resolve(ContainerRegistrationKeys.LOGGER)
  } catch {
    return undefined
  }
}
