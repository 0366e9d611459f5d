// Shared helpers for the emulator's own tests: a started emulator, a token, a session, and a callback receiver.
import http from "node:http"
import type { AddressInfo, Socket } from "node:net"
import axios, { type AxiosInstance } from "axios"
import express from "express"
import { type Emulator, type EmulatorOptions, startEmulator } from "../../emulator"

/**
 * Every contract-tier emulator checks its exchanges against src/dintero/contract; the receivers in these tests listen
 * on http://127.0.0.1, hence the (explicit) insecure-callback opt-out, logged quietly.
 */
export const CONTRACT_TEST_OPTIONS: EmulatorOptions = { contractCheck: true, allowInsecureCallbacks: true, log: () => undefined }

export const ACCOUNT = "T12345678"
export const AUDIENCE = `https://api.dintero.com/v1/accounts/${ACCOUNT}`
export const BASIC = "Basic " + Buffer.from("emulator-client:emulator-secret").toString("base64")

/** axios that never throws on status, without keep-alive (so jest exits promptly). */
export function client(): AxiosInstance {
  return axios.create({
    validateStatus: () => true,
    maxRedirects: 0,
    httpAgent: new http.Agent({ keepAlive: false }),
  })
}

export async function start(opts: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ port: 0, callbackRetryDelayMs: 10, callbackRetries: 3, ...CONTRACT_TEST_OPTIONS, ...opts })
}

export async function token(em: Emulator, http_ = client()): Promise<string> {
  const res = await http_.post(
    `${em.apiBaseUrl}/accounts/${ACCOUNT}/auth/token`,
    { grant_type: "client_credentials", audience: AUDIENCE },
    { headers: { authorization: BASIC } }
  )
  if (res.status !== 200) throw new Error(`token: ${res.status}`)
  return res.data.access_token
}

export function sessionBody(overrides: Record<string, unknown> = {}, orderOverrides: Record<string, unknown> = {}) {
  return {
    profile_id: "default",
    url: { return_url: "https://shop.example/return" },
    order: {
      amount: 33890,
      currency: "NOK",
      merchant_reference: "cart_1",
      items: [
        { id: "chair-1", line_id: "1", description: "Stablestol", quantity: 1, amount: 20000, vat_amount: 4000, vat: 25 },
        { id: "table-1", line_id: "2", description: "Bord <b>", quantity: 2, amount: 9990, vat_amount: 1998, vat: 25 },
      ],
      shipping_option: { id: "std", line_id: "shipping", amount: 3900, title: "Standard", operator: "Bring", vat: 25, vat_amount: 780 },
      ...orderOverrides,
    },
    ...overrides,
  }
}

export interface Api {
  http: AxiosInstance
  headers: Record<string, string>
  createSession(body?: object, headers?: Record<string, string>): Promise<{ id: string; url: string }>
  paidTransaction(body?: object, productType?: string): Promise<any>
}

export async function api(em: Emulator): Promise<Api> {
  const http_ = client()
  const headers = { authorization: `Bearer ${await token(em, http_)}` }
  const createSession = async (body: object = sessionBody(), extra: Record<string, string> = {}) => {
    const res = await http_.post(`${em.checkoutBaseUrl}/sessions-profile`, body, { headers: { ...headers, ...extra } })
    if (res.status !== 200) throw new Error(`session: ${res.status} ${JSON.stringify(res.data)}`)
    return res.data
  }
  return {
    http: http_,
    headers,
    createSession,
    async paidTransaction(body?: object, productType?: string) {
      const s = await createSession(body)
      const result = await em.pay(s.id, "AUTHORIZED", productType ? { payment_product_type: productType } : undefined)
      return result.transaction
    },
  }
}

export interface ReceivedCallback {
  method: string
  url: string
  path: string
  query: URLSearchParams
  headers: http.IncomingHttpHeaders
  body: unknown
  at: number
}

/** A merchant's callback endpoint: records every request and answers with the next queued status (default 200). */
export class CallbackReceiver {
  received: ReceivedCallback[] = []
  statuses: number[] = []
  /** When set, the receiver never answers (to provoke timeouts). */
  hang = false
  url = ""
  private server?: http.Server
  private sockets = new Set<Socket>()

  async start(): Promise<this> {
    const app = express()
    app.use(express.json())
    app.all("*", (req, res) => {
      const u = new URL(req.originalUrl, "http://x")
      this.received.push({ method: req.method, url: req.originalUrl, path: u.pathname, query: u.searchParams, headers: req.headers, body: req.body, at: Date.now() })
      if (this.hang) return
      res.status(this.statuses.shift() ?? 200).json({})
    })
    this.server = http.createServer(app)
    this.server.on("connection", (s) => {
      this.sockets.add(s)
      s.on("close", () => this.sockets.delete(s))
    })
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  clear(): void {
    this.received = []
    this.statuses = []
    this.hang = false
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy()
    await new Promise<void>((r) => this.server?.close(() => r()) ?? r())
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
