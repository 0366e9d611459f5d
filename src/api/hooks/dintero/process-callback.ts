import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, PaymentActions } from "@medusajs/framework/utils"
import { completeCartWorkflow, processPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { CALLBACK_REJECTED } from "../../../providers/dintero/webhook-action"

export type CallbackOutcome =
  | { status: 200; result: string }
  | { status: 401; result: string }
  | { status: 503; result: string }

interface ProviderWebhookResult {
  action: string
  data?: { session_id: string; amount: unknown }
  transaction?: { id: string; status: string; merchant_reference: string }
}

let providerIdCache: string | undefined

/** The registered Dintero provider (pp_dintero_<id>); `dintero` is the documented id. */
async function dinteroProviderId(container: MedusaContainer): Promise<string> {
  if (providerIdCache) return providerIdCache
  const payment = container.resolve(Modules.PAYMENT)
  const providers = await payment.listPaymentProviders({ is_enabled: true })
  const ids = providers.map((p: { id: string }) => p.id).filter((id: string) => id.startsWith("pp_dintero_"))
  providerIdCache = ids.includes("pp_dintero_dintero") ? "pp_dintero_dintero" : ids[0] ?? "pp_dintero_dintero"
  return providerIdCache
}

/**
 * Handles one Dintero callback end to end and says what to answer:
 * 200 when done or when the callback can be ignored for good, 401 for a bad signature (a retry cannot fix it),
 * 503 on a transient failure so Dintero retries. Every road is idempotent: Medusa's cart lock serialises the
 * callback with the shopper's own completion, and completing a completed cart returns the existing order.
 */
export async function processDinteroCallback(
  container: MedusaContainer,
  request: { method: string; query: string; headers: Record<string, unknown>; body?: unknown }
): Promise<CallbackOutcome> {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const payment = container.resolve(Modules.PAYMENT)
  let result: ProviderWebhookResult
  try {
    result = (await payment.getWebhookActionAndData({
      provider: await dinteroProviderId(container),
      payload: {
        data: { dintero_callback: { method: request.method, query: request.query }, body: request.body },
        rawData: "",
        headers: request.headers,
      },
    })) as ProviderWebhookResult
  } catch (e) {
    if ((e as Error)?.name === CALLBACK_REJECTED) {
      logger.warn(`[dintero] callback rejected: ${(e as Error).message}`)
      return { status: 401, result: (e as Error).message }
    }
    logger.error(`[dintero] callback could not be verified now, Dintero will retry: ${(e as Error)?.message}`)
    return { status: 503, result: "temporarily unavailable" }
  }

  const sessionId = result.data?.session_id
  if (!sessionId) {
    return { status: 200, result: "ignored" }
  }
  try {
    switch (result.action) {
      case PaymentActions.AUTHORIZED:
      case PaymentActions.SUCCESSFUL:
        // Authorizes the session and completes the cart when the shopper never came back.
        await processPaymentWorkflow(container).run({
          input: { action: result.action, data: { session_id: sessionId, amount: result.data!.amount as any } },
        })
        return { status: 200, result: result.action }
      case PaymentActions.PENDING_AUTHORIZATION: {
        // ON_HOLD: the order is created now with payment awaiting; the callback that ends the hold finishes it.
        const cartId = result.transaction?.merchant_reference
        if (cartId?.startsWith("cart_")) {
          await completeCartWorkflow(container).run({ input: { id: cartId } })
        }
        return { status: 200, result: "pending_authorization" }
      }
      case PaymentActions.FAILED:
      case PaymentActions.CANCELED: {
        await recordOutcome(container, sessionId, result)
        return { status: 200, result: result.action }
      }
      default:
        return { status: 200, result: result.action === PaymentActions.NOT_SUPPORTED ? "nothing to do" : "ignored" }
    }
  } catch (e) {
    logger.error(`[dintero] processing callback for session ${sessionId} failed, Dintero will retry: ${(e as Error)?.message}`)
    return { status: 503, result: "processing failed" }
  }
}

/** Declined, failed and cancelled payments are written on the Medusa payment session, not dropped. */
async function recordOutcome(container: MedusaContainer, sessionId: string, result: ProviderWebhookResult) {
  const payment = container.resolve(Modules.PAYMENT)
  const session = await payment.retrievePaymentSession(sessionId, {
    select: ["id", "amount", "currency_code", "data", "status"],
  })
  if (session.status === "authorized" || session.status === "captured") {
    return // an outcome for an older attempt must not undo a payment that went through
  }
  await payment.updatePaymentSession({
    id: session.id,
    amount: session.amount,
    currency_code: session.currency_code,
    data: {
      ...(session.data ?? {}),
      ...(result.transaction ? { transaction_id: result.transaction.id } : {}),
      dintero_status: result.transaction?.status ?? "SESSION_CANCELLED",
    },
    status: result.action === PaymentActions.FAILED ? "error" : "canceled",
  })
}
