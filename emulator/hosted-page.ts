// The hosted payment page at the session url: shows the lines and total, and lets a human (or a test)
// pay, put on hold, decline or cancel. Each button POSTs a form and is answered with a 303 to the redirect url.
// Embedded by Dintero's Web SDK (`{endpoint}/?sid=…&sdk=…&ui=inline`, endpoint = this router's URL, or the session
// url with `?sdk=…`), the same page speaks the SDK's postMessage protocol instead (see web-sdk-protocol.ts).
import express, { Router, type Response } from "express"
import type { EmulatorContext } from "./context"
import { notPayableReason, pay, addSessionEvent, DEFAULT_PAYMENT_PRODUCT_TYPE } from "./payments"
import { OperationError } from "./transaction-ops"
import { lockSession } from "./session-lock"
import type { PayOutcome, Session } from "./types"
import { finalEvent, publicSession, sdkPageScript } from "./web-sdk-protocol"

const ACTIONS: Record<string, PayOutcome> = {
  pay: "AUTHORIZED",
  "on-hold": "ON_HOLD",
  decline: "DECLINED",
  fail: "FAILED",
  cancel: "CANCELLED",
}

const PRODUCT_TYPES = [DEFAULT_PAYMENT_PRODUCT_TYPE, "dintero_psp.vipps", "vipps", "klarna.klarna", "klarna.billie", "collector.invoice", "swish.swish"]

export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;")
}

function minorUnitDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

/** Minor units → "1 234.50 NOK" with integer string arithmetic (no floats on money). */
export function formatAmount(minor: number, currency: string): string {
  const digits = minorUnitDigits(currency)
  const negative = minor < 0
  const abs = String(Math.abs(minor)).padStart(digits + 1, "0")
  const major = abs.slice(0, abs.length - digits).replace(/\B(?=(\d{3})+(?!\d))/g, " ")
  const fraction = digits > 0 ? "." + abs.slice(abs.length - digits) : ""
  return `${negative ? "-" : ""}${major}${fraction} ${currency}`
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}
table{width:100%;border-collapse:collapse}td,th{padding:.4rem;border-bottom:1px solid #ddd;text-align:left}
td.amount,th.amount{text-align:right}.total td{font-weight:bold}
form{display:inline-block;margin:.3rem}button{padding:.6rem 1rem;font-size:1rem}
.notice{padding:.8rem;background:#fff3cd;border:1px solid #e0c060}
</style></head><body>
<p><small>Dintero emulator · test payments only</small></p>
${body}
</body></html>`
}

/** The order's lines as the page shows them; the embedded page shows them again after RefreshSession. */
function renderLines(session: Session): string {
  const { order } = session
  const rows = (order.items ?? []).map(
    (i) =>
      `<tr class="line" data-line-id="${escapeHtml(i.line_id)}"><td>${escapeHtml(i.description ?? i.id ?? i.line_id)}</td>` +
      `<td>${escapeHtml(i.quantity ?? 1)}</td><td class="amount">${escapeHtml(formatAmount(i.amount, order.currency))}</td></tr>`
  )
  if (order.shipping_option) {
    const so = order.shipping_option
    rows.push(
      `<tr class="line shipping" data-line-id="${escapeHtml(so.line_id)}"><td>${escapeHtml(so.title)}</td><td>1</td>` +
        `<td class="amount">${escapeHtml(formatAmount(so.amount, order.currency))}</td></tr>`
    )
  }
  return rows.join("\n")
}

function renderSession(session: Session, reason: string | undefined, sdk = false): string {
  const { order } = session
  const base = `/checkout/v1/view/${encodeURIComponent(session.id)}`
  const sdkAttr = (action: string) => (sdk ? ` data-sdk-action="${action}"` : "")
  const actionUrl = (action: string) => `${base}/${action}`
  const button = (action: string, label: string) =>
    `<form method="post" action="${actionUrl(action)}"${sdkAttr(action)}>` +
    `<button type="submit" name="action" value="${action}">${label}</button></form>`
  const controls = reason
    ? `<p class="notice">${escapeHtml(reason)}</p>`
    : `<p><label>Payment method <select name="payment_product_type" form="pay-form">${PRODUCT_TYPES.map(
        (t) => `<option>${escapeHtml(t)}</option>`
      ).join("")}</select></label></p>
<form id="pay-form" method="post" action="${actionUrl("pay")}"${sdkAttr("pay")}><button type="submit">Pay</button></form>
<form method="post" action="${actionUrl("on-hold")}"${sdkAttr("on-hold")}><button type="submit">Pay (on hold)</button></form>
${button("decline", "Decline")}
${button("cancel", "Cancel")}
${sdk ? `<p class="notice" id="sdk-notice" hidden></p>` : ""}`
  return page(
    `Pay ${order.merchant_reference}`,
    `<h1>Pay order ${escapeHtml(order.merchant_reference)}</h1>
<table><thead><tr><th>Item</th><th>Qty</th><th class="amount">Amount</th></tr></thead>
<tbody id="lines">${renderLines(session)}</tbody>
<tfoot><tr class="total"><td colspan="2">Total</td><td class="amount" id="total">${escapeHtml(formatAmount(order.amount, order.currency))}</td></tr></tfoot></table>
${controls}
${sdk ? sdkPageScript({ sid: session.id, session: publicSession(session), stateUrl: `${base}/state`, lockUrl: `${base}/lock` }) : ""}`
  )
}

/** What the embedded checkout shows once the SDK has the final event (`{endpoint}/embedResult/`, index.ts). */
function renderEmbedResult(query: Record<string, unknown>): string {
  const error = typeof query.error === "string" ? query.error : ""
  const text =
    error === "cancelled"
      ? "Payment cancelled"
      : error
        ? `Payment not completed (${error})`
        : typeof query.transaction_id === "string"
          ? "Payment completed"
          : "Done"
  return page(text, `<p id="embed-result" data-error="${escapeHtml(error)}">${escapeHtml(text)}</p>`)
}

/** The SDK adds `sdk=<version>` to every URL it loads (url.ts); Dintero's checkout then runs embedded. */
const isSdk = (query: Record<string, unknown>) => query.sdk !== undefined

function errorPage(res: Response, status: number, message: string): void {
  res.status(status).type("html").send(page("Payment not possible", `<h1>Payment not possible</h1><p class="notice">${escapeHtml(message)}</p>`))
}

export function hostedPageRouter(ctx: EmulatorContext): Router {
  const router = Router()
  router.use(express.urlencoded({ extended: false }))

  // Before "/:id": these two are the SDK's custom-endpoint URLs, `${endpoint}/embedResult/` and `${endpoint}/?sid=`.
  router.get("/embedResult", (req, res) => {
    res.type("html").send(renderEmbedResult(req.query))
  })

  const show = (id: unknown, sdk: boolean, res: Response) => {
    const session = typeof id === "string" ? ctx.sessions.get(id) : undefined
    if (!session) return errorPage(res, 404, typeof id === "string" ? "Session not found" : "Query parameter sid is missing")
    addSessionEvent(session, "VISITED")
    res.type("html").send(renderSession(session, notPayableReason(ctx, session), sdk))
  }

  router.get("/", (req, res) => show(req.query.sid, true, res))
  router.get("/:id", (req, res) => show(req.params.id, isSdk(req.query), res))

  // The embedded page's LockSession / RefreshSession read the session again (checkout.ts SessionUpdated).
  router.get("/:id/state", (req, res) => {
    const session = ctx.sessions.get(req.params.id)
    if (!session) return res.status(404).json({ message: "Session not found" })
    res.json({
      session: publicSession(session),
      payable: !notPayableReason(ctx, session),
      // What the page shows of the order, for its refresh after a merchant update.
      view: { lines: renderLines(session), total: formatAmount(session.order.amount, session.order.currency) },
    })
  })

  // The page's side of the Web SDK's lockSession(): the SDK posts LockSession to the iframe, and Dintero's checkout
  // locks the session for paying before it answers SessionLocked {pay_lock_id} (SDK index.ts lockSession, checkout.ts
  // SessionLocked / SessionLockFailed; DOCS:checkout/updating-session "first it needs to be locked ... by using the
  // Checkout Web SDK"). Until the merchant's PUT releases it (`remove_lock`), nobody can pay it.
  router.post("/:id/lock", (req, res) => {
    try {
      res.json({ pay_lock_id: lockSession(ctx, req.params.id) })
    } catch (err) {
      if (err instanceof OperationError) return res.status(err.status).json({ code: err.code, message: err.message })
      throw err
    }
  })

  router.post("/:id/:action", (req, res) => {
    const outcome = ACTIONS[req.params.action]
    if (!outcome) return errorPage(res, 404, `Unknown action ${req.params.action}`)
    const selected = typeof req.body?.payment_product_type === "string" ? req.body.payment_product_type : ""
    // The embedded page posts to `…/<action>?sdk` and gets the SDK event to post; a plain form gets a redirect.
    const wantsEvent = isSdk(req.query)
    try {
      const result = pay(ctx, req.params.id, outcome, selected ? { payment_product_type: selected } : {})
      if (wantsEvent) return res.json({ event: finalEvent(outcome, ctx.sessions.get(req.params.id)!, result) })
      res.redirect(303, result.redirect_url)
    } catch (err) {
      if (err instanceof OperationError) {
        if (wantsEvent) return res.status(err.status).json({ message: err.message })
        return errorPage(res, err.status, err.message)
      }
      throw err
    }
  })

  return router
}
