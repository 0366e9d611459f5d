import type { TokenStore } from "./auth"
import type { CallbackDispatcher } from "./callbacks"
import type { FaultInjector } from "./faults"
import type { Timers } from "./timers"
import type { ContractViolation } from "./contract-check"
import type { RequestLogEntry, ResolvedOptions, Session, Transaction } from "./types"

/** What the routers share. One per emulator instance (no module-level state: tests run several emulators). */
export interface EmulatorContext {
  options: ResolvedOptions
  /** Base URL the server listens on, set once listening. */
  url: string
  sessions: Map<string, Session>
  transactions: Map<string, Transaction>
  tokens: TokenStore
  timers: Timers
  faults: FaultInjector
  callbacks: CallbackDispatcher
  requests: RequestLogEntry[]
  routeCounts: Map<string, number>
  /** Pay locks taken by the shopper's page (Web SDK lockSession): session id -> pay_lock_id. Not part of Dintero JSON. */
  locks: Map<string, string>
  /** Sessions whose checkout page was served (SPEC-TS:7578-7584: unlocked updates only before render). */
  rendered: Set<string>
  /** The pending auto-capture attempt of each transaction (payments.ts scheduleAutoCapture). */
  autoCaptures: Map<string, () => void>
  /** Filled when options.contractCheck is on. */
  contractViolations: ContractViolation[]
}

export function publicUrl(ctx: EmulatorContext): string {
  return (ctx.options.publicUrl ?? ctx.url).replace(/\/+$/, "")
}

export function sessionUrl(ctx: EmulatorContext, sessionId: string): string {
  return `${publicUrl(ctx)}/checkout/v1/view/${sessionId}`
}
