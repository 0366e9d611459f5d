import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { readCallback } from "../../../providers/dintero/callback"
import { dinteroConfiguration } from "../../../lib/dintero-registry"
import { settleDinteroPayment } from "../../../workflows/settle-payment"

export type CallbackOutcome =
  | { status: 200; result: string }
  | { status: 400; result: string }
  | { status: 401; result: string }
  | { status: 503; result: string }

/**
 * Handles one Dintero callback end to end and says what to answer. Dintero retries on 5xx and gives up on 4xx, so:
 * 200 only when the work is done or can never be done (settle-payment.ts decides which), 401 for a bad signature and
 * 400 for an id that cannot be Dintero's (a retry cannot fix either), 503 whenever a retry can fix it: Dintero
 * unreachable, the cart busy or not completable yet.
 */
export async function processDinteroCallback(
  container: MedusaContainer,
  request: { method: string; query: string; headers: Record<string, unknown>; body?: unknown }
): Promise<CallbackOutcome> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const options = dinteroConfiguration()
  if (!options) {
    logger.error("[dintero] callback received but no Dintero provider is configured; Dintero will retry")
    return { status: 503, result: "temporarily unavailable" }
  }
  const reading = readCallback(
    {
      data: { dintero_callback: { method: request.method, query: request.query }, body: request.body },
      rawData: "",
      headers: request.headers,
    },
    options
  )
  if (!reading.ok) {
    // The reason names the problem with any outside value already escaped (callback.ts forLog).
    logger.warn(`[dintero] callback rejected: ${reading.reason}`)
    return reading.kind === "signature"
      ? { status: 401, result: reading.reason }
      : { status: 400, result: reading.reason }
  }
  const callback = reading.value
  const target = callback.transaction_id
    ? { transactionId: callback.transaction_id }
    : callback.session_id
      ? { dinteroSessionId: callback.session_id }
      : null
  if (!target) {
    return { status: 200, result: "ignored" }
  }
  const outcome = await settleDinteroPayment(container, target)
  switch (outcome.kind) {
    case "retry":
      logger.warn(`[dintero] callback not settled yet, Dintero will retry: ${outcome.detail}`)
      return { status: 503, result: "processing failed" }
    case "never":
      return { status: 200, result: "ignored" }
    default:
      return { status: 200, result: outcome.detail }
  }
}
