import type { MedusaContainer } from "@medusajs/framework/types"
import { DINTERO_ORDERS_MODULE } from "../../modules/dintero-orders"
import type DinteroOrdersService from "../../modules/dintero-orders/service"
import { messageOf } from "../../lib/error-message"
import { logger } from "./schedule"

/**
 * A payment that was on hold has been settled for the order (its callback, the reconciliation, the hold watch): the
 * order's operations waiting on it are due at the retry job's next run instead of after the hold watch's spaced wait
 * (classify-failure.ts holdWatchDelayMs). Only a timestamp is written here, in whatever process settled the payment;
 * the worker's job sends. Never throws: without it the watch's next look finds the payment all the same.
 */
export async function holdSettled(container: MedusaContainer, orderId: string): Promise<void> {
  let svc: DinteroOrdersService
  try {
    svc = container.resolve<DinteroOrdersService>(DINTERO_ORDERS_MODULE)
  } catch {
    // The Orders mirror's module is not registered in this store: nothing waits.
    return
  }
  try {
    await svc.makePendingDue(orderId)
  } catch (e) {
    logger(container)?.warn(`[dintero] orders mirror of ${orderId}: the settled hold did not make its operations due (${messageOf(e)}); the hold watch's next look finds it`)
  }
}
