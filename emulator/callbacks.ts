import http from "node:http"
import https from "node:https"
import { signCallback } from "../src/dintero/signature"
import { type ContractViolation, checkCallbackQuery } from "./contract-check"
import { isoNow, newId } from "./http-utils"
import type { FaultInjector } from "./faults"
import type { Timers } from "./timers"
import type { CallbackDelivery, ResolvedOptions, Session, Transaction, TransactionEvent } from "./types"

/** What happened, from which the dispatcher decides whether and how Dintero would call the merchant. */
export interface CallbackRequest {
  kind: CallbackDelivery["kind"]
  session: Session
  transaction?: Transaction
  /** `error` query value for kind "error" (and a failed ON_HOLD resolution when report_error=true). */
  error?: "cancelled" | "authorization" | "failed" | "captured"
  /** The applied transaction event, for kind "event" (report_event=CAPTURE|REFUND|VOID). */
  event?: TransactionEvent
  /** Session event recorded once delivered (AUTH_CALLBACK_SENT / ON_HOLD_CALLBACK_SENT). */
  sessionEvent?: string
}

interface Prepared {
  delivery: CallbackDelivery
  body?: string
  delayMs: number
  sessionEvent?: { session: Session; name: string; transactionEventId?: string }
}

const MAX_DELAY_SECONDS = 60

export function reportedEvents(params: URLSearchParams): string[] {
  return params
    .getAll("report_event")
    .flatMap((v) => v.split(","))
    .map((v) => v.trim().toUpperCase())
    .filter(Boolean)
}

export class CallbackDispatcher {
  readonly deliveries: CallbackDelivery[] = []
  private pending = 0
  private generation = 0
  private waiters: Array<() => void> = []
  private held?: Prepared
  private readonly inFlight = new Set<http.ClientRequest>()
  /** Where callback queries that break the contract are recorded (set when options.contractCheck is on). */
  contractViolations: () => ContractViolation[] | undefined = () => undefined

  constructor(
    private readonly options: ResolvedOptions,
    private readonly faults: FaultInjector,
    private readonly timers: Timers
  ) {}

  /** Applies Dintero's rules (report_error, report_event, method, sid, delay) and schedules delivery. */
  notify(req: CallbackRequest): CallbackDelivery | undefined {
    const prepared = this.prepare(req)
    if (!prepared) return undefined
    this.dispatchWithFaults(prepared)
    return prepared.delivery
  }

  waitForIdle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push(resolve))
  }

  reset(): void {
    this.generation += 1
    this.pending = 0
    this.held = undefined
    this.deliveries.length = 0
    for (const r of this.inFlight) r.destroy()
    this.inFlight.clear()
    this.flushWaiters()
  }

  close(): void {
    this.reset()
  }

  private prepare(req: CallbackRequest): Prepared | undefined {
    const registered = req.session.url.callback_url
    if (!registered) return undefined
    const url = new URL(registered)
    const params = url.searchParams
    if (req.kind === "error" && params.get("report_error") !== "true") return undefined
    if (req.kind === "event" && (!req.event || !reportedEvents(params).includes(req.event.event))) return undefined

    // The registered query parameters stay in the call; Dintero appends its own.
    const tx = req.transaction
    if (tx) params.append("transaction_id", tx.id)
    params.append(params.get("sid_parameter_name") === "sid" ? "sid" : "session_id", req.session.id)
    params.append("merchant_reference", req.session.order.merchant_reference)
    params.append("time", tx?.created_at ?? isoNow())
    const error = req.kind === "error" || params.get("report_error") === "true" ? req.error : undefined
    if (error) params.append("error", error)
    if (req.kind === "event" && req.event) {
      params.append("event", req.event.event)
      params.append("event_id", req.event.id)
    }
    const method = (params.get("method") ?? "GET").toUpperCase() === "POST" ? "POST" : "GET"
    let body: string | undefined
    if (method === "POST") {
      // Snapshot now: the body describes the state that caused this callback.
      const includes = params.getAll("includes").flatMap((v) => v.split(","))
      const payload = tx
        ? { ...tx, ...(includes.includes("session") ? { session: req.session } : {}) }
        : { session_id: req.session.id, merchant_reference: req.session.order.merchant_reference, error }
      body = JSON.stringify(payload)
    }
    const delaySeconds = Number(params.get("delay_callback") ?? 0)
    const delayMs = Number.isFinite(delaySeconds) && delaySeconds > 0 ? Math.min(delaySeconds, MAX_DELAY_SECONDS) * 1000 : 0

    const violations = this.contractViolations()
    if (violations) checkCallbackQuery(url.toString(), violations)
    const delivery: CallbackDelivery = {
      id: newId(),
      event_delivery: newId(),
      kind: req.kind,
      session_id: req.session.id,
      transaction_id: tx?.id,
      url: url.toString(),
      method,
      event: req.event?.event,
      event_id: req.event?.id,
      error,
      attempts: [],
      delivered: false,
      created_at: isoNow(),
    }
    const lastEvent = tx?.events[tx.events.length - 1]
    return {
      delivery,
      body,
      delayMs,
      sessionEvent: req.sessionEvent
        ? { session: req.session, name: req.sessionEvent, transactionEventId: lastEvent?.id }
        : undefined,
    }
  }

  private dispatchWithFaults(p: Prepared): void {
    if (this.held) {
      // Out-of-order: the later callback goes first, the held one right after it.
      const first = this.held
      this.held = undefined
      this.faults.takeCallbackFault("out-of-order")
      this.schedule(p, () => this.release(first))
      return
    }
    const fault = this.faults.peekCallbackFault()
    if (fault?.mode === "out-of-order") {
      this.held = p
      this.deliveries.push(p.delivery)
      this.pending += 1
      const gen = this.generation
      // Nothing came after it: deliver it anyway, so waitForCallbacks can't hang.
      this.timers.after(fault.delayMs ?? 2000, () => {
        if (gen !== this.generation || this.held !== p) return
        this.held = undefined
        this.faults.takeCallbackFault("out-of-order")
        this.release(p)
      })
      return
    }
    if (fault) this.faults.takeCallbackFault(fault.mode)
    switch (fault?.mode) {
      case "drop":
        p.delivery.dropped = true
        this.deliveries.push(p.delivery)
        return
      case "late":
        p.delayMs += fault.delayMs ?? 1000
        break
      case "duplicate": {
        const copy: Prepared = {
          ...p,
          delivery: { ...p.delivery, id: newId(), event_delivery: newId(), attempts: [] },
        }
        this.schedule(p)
        this.schedule(copy)
        return
      }
    }
    this.schedule(p)
  }

  /** Sends a held (already counted as pending) delivery. */
  private release(p: Prepared): void {
    const gen = this.generation
    void this.run(p, gen).finally(() => this.done(gen))
  }

  private schedule(p: Prepared, after?: () => void): void {
    this.deliveries.push(p.delivery)
    this.pending += 1
    const gen = this.generation
    void (async () => {
      if (p.delayMs > 0 && !(await this.timers.sleep(p.delayMs))) return
      await this.run(p, gen)
    })().finally(() => {
      if (after && gen === this.generation) after()
      this.done(gen)
    })
  }

  private done(gen: number): void {
    if (gen !== this.generation) return
    this.pending -= 1
    if (this.pending <= 0) {
      this.pending = 0
      this.flushWaiters()
    }
  }

  private flushWaiters(): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }

  /** Attempts with Dintero's retry policy: 5xx (and 100-101), timeouts and connection errors retry; the rest stops. */
  private async run(p: Prepared, gen: number): Promise<void> {
    const d = p.delivery
    for (let attempt = 1; ; attempt++) {
      if (gen !== this.generation || this.timers.isClosed) return
      const headers: Record<string, string> = {
        "event-delivery": d.event_delivery,
        "user-agent": "Dintero-Emulator/1.0",
      }
      if (this.options.signatureSecret) {
        headers["dintero-signature"] = signCallback({
          secret: this.options.signatureSecret,
          accountId: this.options.accountId,
          method: d.method,
          url: d.url,
          timestamp: Math.floor(Date.now() / 1000),
        })
        d.signature = true
      }
      let retry: boolean
      try {
        const status = await this.send(d, headers, p.body)
        if (gen !== this.generation) return
        d.attempts.push({ at: isoNow(), status })
        if (status >= 200 && status < 300) {
          d.delivered = true
          if (p.sessionEvent) {
            p.sessionEvent.session.events.push({
              id: newId(),
              name: p.sessionEvent.name,
              created_at: isoNow(),
              details: { transaction_event_id: p.sessionEvent.transactionEventId, event_delivery: d.event_delivery },
            })
          }
          return
        }
        retry = status >= 500 || status === 100 || status === 101
      } catch (err) {
        if (gen !== this.generation) return
        d.attempts.push({ at: isoNow(), error: err instanceof Error ? err.message : String(err) })
        retry = true
      }
      if (!retry || attempt > this.options.callbackRetries) return
      if (!(await this.timers.sleep(this.options.callbackRetryDelayMs))) return
    }
  }

  private send(d: CallbackDelivery, headers: Record<string, string>, body?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const url = new URL(d.url)
      const transport = url.protocol === "https:" ? https : http
      if (body !== undefined) {
        headers["content-type"] = "application/json"
        headers["content-length"] = String(Buffer.byteLength(body))
      }
      // agent: false = one connection per attempt, closed afterwards (no keep-alive sockets left behind).
      const req = transport.request(url, { method: d.method, headers, agent: false }, (res) => {
        res.resume()
        res.on("end", () => {
          this.inFlight.delete(req)
          resolve(res.statusCode ?? 0)
        })
        res.on("error", reject)
      })
      this.inFlight.add(req)
      req.setTimeout(this.options.callbackTimeoutMs, () => req.destroy(new Error("timeout")))
      req.on("error", (err) => {
        this.inFlight.delete(req)
        reject(err)
      })
      req.end(body)
    })
  }
}
