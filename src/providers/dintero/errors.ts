import { MedusaError } from "@medusajs/framework/utils"
import { DinteroError } from "../../dintero"
import { messageOf } from "../../lib/error-message"

/**
 * A failed Dintero call as the merchant sees it in the admin: what the plugin was doing and Dintero's own message.
 * Dintero refusing the request (4xx other than 401 and 429) is NOT_ALLOWED; anything else (Dintero down, a
 * timeout, our credentials) is UNEXPECTED_STATE. A MedusaError passes through unchanged.
 */
export function toMedusaError(what: string, e: unknown): Error {
  if (e instanceof MedusaError) return e
  if (e instanceof DinteroError) {
    const type =
      e.status && e.status >= 400 && e.status < 500 && e.status !== 401 && e.status !== 429
        ? MedusaError.Types.NOT_ALLOWED
        : MedusaError.Types.UNEXPECTED_STATE
    const detail = e.dinteroMessage ? `: ${e.code ? `[${e.code}] ` : ""}${e.dinteroMessage}` : ` (${e.message})`
    return new MedusaError(type, `Could not ${what}${detail}`)
  }
  return new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `Could not ${what}: ${messageOf(e)}`)
}

/** Runs a Dintero call; its failure becomes `toMedusaError(what, …)`. */
export async function callDintero<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw toMedusaError(what, e)
  }
}

