/**
 * The provider's identity in Medusa: Medusa registers a payment provider as `pp_<identifier>_<id>`; this provider's
 * identifier is "dintero" and the documented id is "dintero", so a store's provider is `pp_dintero_dintero` (another
 * id gives `pp_dintero_<id>`). Everything that asks "is this payment Dintero's?" asks here.
 */
export const DINTERO_PROVIDER_IDENTIFIER = "dintero"
export const DINTERO_PROVIDER_PREFIX = `pp_${DINTERO_PROVIDER_IDENTIFIER}_`
export const DEFAULT_DINTERO_PROVIDER_ID = `${DINTERO_PROVIDER_PREFIX}dintero`

export function isDinteroProviderId(providerId: unknown): providerId is string {
  return typeof providerId === "string" && providerId.startsWith(DINTERO_PROVIDER_PREFIX)
}
