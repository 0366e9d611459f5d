/**
 * When an order's outbox runs. Correctness lives in the database and Medusa's Locking module, not here:
 *  - each pass over one order runs under the Locking module's lock for that order (whatever provider the store
 *    configures: in-memory in one process, redis or postgres across processes), so passes over one order queue up
 *    instead of overlapping, and a call that arrives during a pass runs once that pass is over (it sees the rows
 *    recorded meanwhile);
 *  - every attempt claims its row atomically (runner.ts), so even two passes that do overlap (a lock provider that
 *    is per process, a lock that expired) never run one operation twice.
 * The only process memory is `inFlight`, which lets tests and shutdown wait for passes started here; losing it
 * changes nothing but what `settleOutbox` waits for.
 */
import { randomUUID } from "node:crypto"
import type { ILockingModule, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { CLAIM_TTL_MS } from "./claim"
import type { PassHints } from "./context"
import { runOrderOutbox } from "./runner"
import { messageOf } from "../../lib/error-message"

export type { PassHints } from "./context"

/** Waiting longer for another pass is not needed: what it leaves due, the scheduled job sends within a minute. */
const LOCK_WAIT_SECONDS = 60
/** A lock whose holder died lapses with the row claims it was protecting. */
const LOCK_EXPIRE_SECONDS = CLAIM_TTL_MS / 1000

const inFlight = new Set<Promise<void>>()

export const outboxLockKey = (orderId: string) => `dintero-orders-outbox:${orderId}`

/**
 * Processes the order's due operations (every stopped one too with `force`) under the order's lock. Never rejects:
 * a failure is logged and the rows stay as they are, for the next pass (the scheduled job runs every minute).
 */
export function processOrderOutbox(
  container: MedusaContainer,
  orderId: string,
  opts: { force?: boolean; hints?: PassHints } = {}
): Promise<void> {
  const pass = (async () => {
    try {
      await withOrderLock(container, orderId, () => runOrderOutbox(container, orderId, opts.force === true, randomUUID(), opts.hints))
    } catch (e) {
      logger(container)?.warn(`[dintero] orders mirror of ${orderId}: pass not run (${messageOf(e)}); the scheduled job runs what is left`)
    }
  })()
  inFlight.add(pass)
  void pass.finally(() => inFlight.delete(pass))
  return pass
}

async function withOrderLock(container: MedusaContainer, orderId: string, job: () => Promise<void>): Promise<void> {
  let locking: ILockingModule | undefined
  try {
    locking = container.resolve<ILockingModule>(Modules.LOCKING)
  } catch {
    // An app without the Locking module (Medusa registers it by default): the row claims alone keep passes apart.
    locking = undefined
  }
  if (!locking) return job()
  await locking.execute(outboxLockKey(orderId), job, { timeout: LOCK_WAIT_SECONDS, expire: LOCK_EXPIRE_SECONDS })
}

/** Waits for every pass started in this process (tests, shutdown). */
export async function settleOutbox(): Promise<void> {
  while (inFlight.size > 0) await Promise.all([...inFlight])
}

export function logger(container: MedusaContainer): Logger | undefined {
  try {
    return container.resolve(ContainerRegistrationKeys.LOGGER)
  } catch {
    return undefined
  }
}
