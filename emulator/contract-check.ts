// Holds the emulator to Dintero's contract (src/dintero/contract): with `contractCheck` on, every exchange's request
// body and every 2xx answer are checked against the schema of their route, and every callback query against the
// callback schema. Violations are recorded (never thrown: the exchange itself stays as it was); the contract tests
// assert there are none, so neither the client nor the emulator can drift from the contract without a red test.
import type { NextFunction, Request, Response } from "express"
import type { z } from "zod"
import {
  AccessTokenResponse,
  AuthorizationUpdate,
  CallbackQuery,
  CaptureRequest,
  OrdersCompleted,
  OrdersDraft,
  OrdersDraftCreate,
  OrdersItem,
  OrdersOperationList,
  OrdersOrderRead,
  OrdersPaymentOperation,
  OrdersPaymentOperationCreate,
  RefundRequest,
  Session,
  SessionCreate,
  SessionCreated,
  SessionUpdate,
  TRANSACTION_EVENT_KINDS,
  TokenRequest,
  Transaction,
  TransactionList,
  describeIssues,
} from "../src/dintero/contract"
import { routeKey } from "./request-log"

export interface ContractViolation {
  /** "POST /checkout/v1/transactions/:id/capture" or "CALLBACK" */
  route: string
  /** HTTP status the emulator answered (null for callbacks). */
  status: number | null
  side: "request" | "response" | "callback"
  issues: { path: string; message: string }[]
}

interface RouteContract {
  request?: z.ZodType
  response?: z.ZodType
  /** Extra emulator-side checks beyond the (loose) response schema. */
  extra?: (body: unknown) => { path: string; message: string }[]
}

const KINDS = new Set<string>(TRANSACTION_EVENT_KINDS)

/** The emulator must only write event kinds from SPEC-TS:5335 (responses accept any, see contract/transactions.ts). */
function eventKinds(body: unknown): { path: string; message: string }[] {
  const txs = Array.isArray(body) ? body : [body]
  const out: { path: string; message: string }[] = []
  txs.forEach((tx, i) => {
    const events = (tx as { events?: { event?: unknown }[] })?.events ?? []
    events.forEach((ev, j) => {
      if (typeof ev.event !== "string" || !KINDS.has(ev.event)) {
        out.push({ path: `${Array.isArray(body) ? `[${i}].` : ""}events[${j}].event`, message: `${String(ev.event)} is not a TransactionEvent kind` })
      }
    })
  })
  return out
}

const C = "/checkout/v1"
const S = "/api/v1/accounts/:aid/shopping"
const TABLE: Record<string, RouteContract> = {
  [`POST ${C}/accounts/:aid/auth/token`]: { request: TokenRequest, response: AccessTokenResponse },
  [`POST /api/v1/accounts/:aid/auth/token`]: { request: TokenRequest, response: AccessTokenResponse },
  [`POST ${C}/sessions-profile`]: { request: SessionCreate, response: SessionCreated },
  [`GET ${C}/sessions/:id`]: { response: Session },
  [`PUT ${C}/sessions/:id`]: { request: SessionUpdate, response: Session },
  [`POST ${C}/sessions/:id/cancel`]: { response: Session },
  [`GET ${C}/transactions`]: { response: TransactionList, extra: eventKinds },
  [`GET ${C}/transactions/:id`]: { response: Transaction, extra: eventKinds },
  [`PUT ${C}/transactions/:id`]: { response: Transaction, extra: eventKinds },
  [`POST ${C}/transactions/:id/capture`]: { request: CaptureRequest, response: Transaction, extra: eventKinds },
  [`POST ${C}/transactions/:id/refund`]: { request: RefundRequest, response: Transaction, extra: eventKinds },
  [`POST ${C}/transactions/:id/void`]: { response: Transaction, extra: eventKinds },
  [`POST ${C}/transactions/:id/authorization`]: { request: AuthorizationUpdate, response: Transaction, extra: eventKinds },
  [`POST ${S}/draft_orders`]: { request: OrdersDraftCreate, response: OrdersDraft },
  [`GET ${S}/draft_orders/:id`]: { response: OrdersDraft },
  [`POST ${S}/draft_orders/:id/items`]: { request: OrdersItem, response: OrdersDraft },
  [`PUT ${S}/draft_orders/:id/items/:line_id`]: { response: OrdersDraft },
  [`DELETE ${S}/draft_orders/:id/items/:line_id`]: { response: OrdersDraft },
  [`PUT ${S}/draft_orders/:id/complete`]: { response: OrdersCompleted },
  [`GET ${S}/orders/:order_id`]: { response: OrdersOrderRead },
  [`PUT ${S}/orders/:order_id`]: { response: OrdersOrderRead },
}
for (const kind of ["authorizations", "captures", "refunds", "cancellations"] as const) {
  TABLE[`POST ${S}/orders/:order_id/${kind}`] = { request: OrdersPaymentOperationCreate, response: OrdersPaymentOperation }
  TABLE[`GET ${S}/orders/:order_id/${kind}`] = { response: OrdersOperationList(kind) }
  TABLE[`GET ${S}/orders/:order_id/${kind}/:operation_id`] = { response: OrdersPaymentOperation }
}

/** The contract of a route ("METHOD /path/:param"), when the client or plugin uses it. */
export function routeContract(route: string): RouteContract | undefined {
  return TABLE[route]
}

function check(schema: z.ZodType | undefined, body: unknown) {
  if (!schema) return []
  const r = schema.safeParse(body)
  return r.success ? [] : describeIssues(r.error)
}

export function contractMiddleware(enabled: () => boolean, violations: ContractViolation[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!enabled() || req.path.startsWith("/__emulator") || req.path.startsWith(`${C}/view`)) return next()
    const fullPath = req.path
    let responseBody: unknown
    let route: string | undefined
    const originalJson = res.json.bind(res)
    res.json = (body?: unknown) => {
      responseBody = body
      route = routeKey(req, fullPath)
      return originalJson(body)
    }
    res.on("finish", () => {
      const key = route ?? routeKey(req, fullPath)
      const contract = TABLE[key]
      if (!contract) return
      const status = res.statusCode
      // A faulted exchange never read the body (the fault answered first): nothing to check on either side.
      if (res.locals.fault) return
      const requestIssues = contract.request ? check(contract.request, req.body) : []
      if (requestIssues.length) violations.push({ route: key, status, side: "request", issues: requestIssues })
      if (status >= 200 && status < 300) {
        const issues = [...check(contract.response, responseBody), ...(contract.extra?.(responseBody) ?? [])]
        if (issues.length) violations.push({ route: key, status, side: "response", issues })
      }
    })
    next()
  }
}

/** Checks the query of a callback the emulator is about to send. */
export function checkCallbackQuery(url: string, violations: ContractViolation[]): void {
  const params = new URL(url).searchParams
  const query: Record<string, string | string[]> = {}
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key)
    query[key] = all.length === 1 ? all[0] : all
  }
  const issues = check(CallbackQuery, query)
  if (issues.length) violations.push({ route: "CALLBACK", status: null, side: "callback", issues })
}
