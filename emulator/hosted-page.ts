// The hosted payment page at the session url: shows the lines and total, and lets a human (or a test)
// pay, put on hold, decline or cancel. Each button POSTs a form and is answered with a 303 to the redirect url.
import express, { Router, type Response } from "express"
import type { EmulatorContext } from "./context"
import { notPayableReason, pay, addSessionEvent, DEFAULT_PAYMENT_PRODUCT_TYPE } from "./payments"
import { OperationError } from "./transaction-ops"
import type { PayOutcome, Session } from "./types"

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

function renderSession(session: Session, reason: string | undefined): string {
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
  const base = `/checkout/v1/view/${encodeURIComponent(session.id)}`
  const button = (action: string, label: string) =>
    `<form method="post" action="${base}/${action}">` +
    `<button type="submit" name="action" value="${action}">${label}</button></form>`
  const controls = reason
    ? `<p class="notice">${escapeHtml(reason)}</p>`
    : `<p><label>Payment method <select name="payment_product_type" form="pay-form">${PRODUCT_TYPES.map(
        (t) => `<option>${escapeHtml(t)}</option>`
      ).join("")}</select></label></p>
<form id="pay-form" method="post" action="${base}/pay"><button type="submit">Pay</button></form>
<form method="post" action="${base}/on-hold"><button type="submit">Pay (on hold)</button></form>
${button("decline", "Decline")}
${button("cancel", "Cancel")}`
  return page(
    `Pay ${order.merchant_reference}`,
    `<h1>Pay order ${escapeHtml(order.merchant_reference)}</h1>
<table><thead><tr><th>Item</th><th>Qty</th><th class="amount">Amount</th></tr></thead>
<tbody>${rows.join("\n")}</tbody>
<tfoot><tr class="total"><td colspan="2">Total</td><td class="amount" id="total">${escapeHtml(formatAmount(order.amount, order.currency))}</td></tr></tfoot></table>
${controls}`
  )
}

function errorPage(res: Response, status: number, message: string): void {
  res.status(status).type("html").send(page("Payment not possible", `<h1>Payment not possible</h1><p class="notice">${escapeHtml(message)}</p>`))
}

export function hostedPageRouter(ctx: EmulatorContext): Router {
  const router = Router()
  router.use(express.urlencoded({ extended: false }))

  router.get("/:id", (req, res) => {
    const session = ctx.sessions.get(req.params.id)
    if (!session) return errorPage(res, 404, "Session not found")
    addSessionEvent(session, "VISITED")
    res.type("html").send(renderSession(session, notPayableReason(ctx, session)))
  })

  router.post("/:id/:action", (req, res) => {
    const outcome = ACTIONS[req.params.action]
    if (!outcome) return errorPage(res, 404, `Unknown action ${req.params.action}`)
    const selected = typeof req.body?.payment_product_type === "string" ? req.body.payment_product_type : ""
    try {
      const result = pay(ctx, req.params.id, outcome, selected ? { payment_product_type: selected } : {})
      res.redirect(303, result.redirect_url)
    } catch (err) {
      if (err instanceof OperationError) return errorPage(res, err.status, err.message)
      throw err
    }
  })

  return router
}
