/**
 * How long one attempt's claim on its outbox row holds. An attempt is a few Dintero requests, each bounded by the
 * client's timeout; a pass that dies mid-attempt leaves its row to the next pass (the scheduled job) once this has
 * passed.
 */
export const CLAIM_TTL_MS = 5 * 60_000
