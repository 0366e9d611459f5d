export { DinteroClient } from "./client"
export { DinteroError, isDinteroError } from "./errors"
export type { DinteroErrorKind, DinteroErrorInit } from "./errors"
export type { DinteroClientConfig, DinteroLogger, RetryOptions, SystemInfo } from "./config"
export {
  DEFAULT_API_BASE_URL,
  DEFAULT_CHECKOUT_BASE_URL,
  DEFAULT_TIMEOUT_MS,
  DEFAULT_TOKEN_TIMEOUT_MS,
  packageVersion,
  installedPackageVersion,
} from "./config"
export { CheckoutApi } from "./checkout"
export { toSessionUpdate } from "./checkout"
export type {
  CreateSessionOptions,
  GetTransactionOptions,
  SessionUpdateInput,
  TransactionOperationResult,
  UpdateSessionOptions,
} from "./checkout"
export { orderIdOf } from "./contract/orders"
export { OrdersApi } from "./orders"
export { backoffDelay } from "./backoff"
export { parseRetryAfter, retryDelay } from "./http"
export { refreshMarginSeconds } from "./auth"
export {
  capturedAmount,
  capturedByDinteroItself,
  refundedAmount,
  isSuccessfulEvent,
  findEventByReference,
  isCapturable,
  isVoided,
} from "./transactions"
export * from "./types"
export * from "./signature"
/** The zod schemas of Dintero's contract (each field citing its source); the types above are inferred from them. */
export * as contract from "./contract"
