// The checkout page's side of Dintero's Web SDK protocol, for the emulator's hosted page when a storefront embeds it
// with `@dintero/checkout-web-sdk`. Everything here follows the SDK's own source (Dintero/Dintero.Checkout.Web.SDK,
// src/checkout.ts, src/subscribe.ts, src/url.ts, src/index.ts; as published in
// node_modules/@dintero/checkout-web-sdk/dist/dintero-checkout-web-sdk.cjs.dev.js, version 0.8.30):
//
// - url.ts getSessionUrl(): with a custom `endpoint` the SDK loads `${endpoint}/?sdk=<version>&ui=inline&language=…
//   &sid=<session id>` (with the default endpoint https://checkout.dintero.com it loads `/v1/view/<sid>?sdk=…`).
// - subscribe.ts: the SDK accepts a message only when event.origin is the endpoint's origin, event.source is its
//   iframe, data.sid is the session id and data.type one it listens for; it then answers `{ ack: data.mid }`.
// - checkout.ts: events the page posts: HeightChanged {height}, LanguageChanged {language}, ScrollToTop,
//   SessionLoaded / SessionUpdated {session}, SessionNotFound, SessionLocked {pay_lock_id}, SessionLockFailed,
//   SessionPaymentAuthorized / SessionPaymentOnHold {transaction_id, merchant_reference, href},
//   SessionPaymentError {error, href}, SessionCancel {href}. `href` is where the shopper goes when the storefront
//   gave no handler (followHref); with a handler the SDK calls it instead.
// - index.ts: messages the SDK posts to the page: LockSession, RefreshSession, SetActivePaymentProductType,
//   SetLanguage (each {type, sid}); after the final event it points the iframe at
//   `${endpoint}/embedResult/?sid&merchant_reference&transaction_id&error&language&sdk` (error=cancelled added for
//   SessionCancel), the page Dintero shows in place of the checkout once it is done.
import type { PayOutcome, PayResult, Session } from "./types"

/** The SDK event a payment outcome ends with (checkout.ts CheckoutEvents), as the page posts it. */
export function finalEvent(outcome: PayOutcome, session: Session, result: PayResult): Record<string, string> {
  const href = result.redirect_url
  const merchant_reference = session.order.merchant_reference
  const transaction_id = result.transaction?.id
  switch (outcome) {
    case "AUTHORIZED":
      return { type: "SessionPaymentAuthorized", transaction_id: transaction_id!, merchant_reference, href }
    case "ON_HOLD":
      return { type: "SessionPaymentOnHold", transaction_id: transaction_id!, merchant_reference, href }
    case "CANCELLED":
      return { type: "SessionCancel", merchant_reference, href }
    case "DECLINED":
      return { type: "SessionPaymentError", error: "authorization", merchant_reference, ...(transaction_id ? { transaction_id } : {}), href }
    default:
      return { type: "SessionPaymentError", error: "failed", merchant_reference, ...(transaction_id ? { transaction_id } : {}), href }
  }
}

/** What the page tells the storefront about the session (SessionLoaded/SessionUpdated): its public parts only. */
export function publicSession(session: Session): Record<string, unknown> {
  return {
    id: session.id,
    created_at: session.created_at,
    updated_at: session.updated_at,
    expires_at: session.expires_at,
    order: session.order,
    url: { return_url: session.url.return_url },
    ...(session.transaction_id ? { transaction_id: session.transaction_id } : {}),
    ...(session.cancelled_at ? { cancelled_at: session.cancelled_at } : {}),
  }
}

/** JSON for an inline <script>: `<` escaped so no value can close the script element. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c")
}

/**
 * The browser script of the embedded page. It posts every event with a message id and re-posts it until the SDK
 * acknowledges it (a message posted before the host listens is not lost); `data-unacked` on <body> counts what is
 * still waiting, so a test can see the SDK acknowledged everything. Pay/decline/cancel buttons submit with fetch and
 * post the final event instead of navigating the frame (Dintero's checkout never redirects inside the iframe).
 * Loaded as a whole window (the SDK's redirect(), `${endpoint}/?sid=…&sdk=…` without ui), it stays a plain page.
 */
export function sdkPageScript(opts: { sid: string; session: Record<string, unknown>; stateUrl: string; lockUrl: string }): string {
  return `<script>
;(function () {
  var sid = ${scriptJson(opts.sid)}
  var session = ${scriptJson(opts.session)}
  var stateUrl = ${scriptJson(opts.stateUrl)}
  var lockUrl = ${scriptJson(opts.lockUrl)}
  var parentWindow = window.parent
  if (parentWindow === window) return
  // The host's origin (the iframe's referrer); "*" only when the browser sends no referrer.
  var target = "*"
  try { if (document.referrer) target = new URL(document.referrer).origin } catch (e) {}
  var unacked = {}
  var seq = 0
  function count() { document.body.setAttribute("data-unacked", String(Object.keys(unacked).length)) }
  function post(message) {
    var mid = sid + ":" + (++seq)
    var data = Object.assign({}, message, { sid: sid, mid: mid })
    var tries = 0
    function send() {
      if (!unacked[mid]) return
      if (tries++ >= 20) { delete unacked[mid]; count(); console.error("Dintero emulator: " + data.type + " was never acknowledged"); return }
      parentWindow.postMessage(data, target)
      setTimeout(send, 500)
    }
    unacked[mid] = data
    count()
    send()
  }
  var locked = false
  function setBusy(busy) {
    document.querySelectorAll("button, select").forEach(function (b) { b.disabled = busy })
    document.body.setAttribute("data-locked", locked ? "true" : "false")
  }
  function readState() {
    return fetch(stateUrl, { headers: { accept: "application/json" } }).then(function (r) {
      return r.ok ? r.json() : null
    })
  }
  window.addEventListener("message", function (event) {
    if (event.source !== parentWindow || !event.data) return
    var d = event.data
    if (d.ack) { delete unacked[d.ack]; count(); return }
    if (d.sid !== sid) return
    if (d.type === "LockSession") {
      // Dintero locks the session itself (the merchant's PUT then finds it locked), then the page says so.
      fetch(lockUrl, { method: "POST", headers: { accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null })
        .catch(function () { return null })
        .then(function (lock) {
          if (!lock || !lock.pay_lock_id) return post({ type: "SessionLockFailed" })
          locked = true
          setBusy(true)
          post({ type: "SessionLocked", pay_lock_id: lock.pay_lock_id })
        })
    } else if (d.type === "RefreshSession") {
      readState().then(function (state) {
        if (!state) return post({ type: "SessionNotFound" })
        session = state.session
        document.getElementById("lines").innerHTML = state.view.lines
        document.getElementById("total").textContent = state.view.total
        locked = false
        setBusy(false)
        post({ type: "SessionUpdated", session: session })
      })
    } else if (d.type === "SetActivePaymentProductType") {
      var select = document.querySelector('select[name="payment_product_type"]')
      if (select && d.payment_product_type) select.value = d.payment_product_type
      post({ type: "ActivePaymentProductType", payment_product_type: select ? select.value : undefined })
    } else if (d.type === "SetLanguage" && d.language) {
      document.documentElement.lang = d.language
      post({ type: "LanguageChanged", language: d.language })
    }
  })
  document.querySelectorAll("form[data-sdk-action]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      ev.preventDefault()
      if (locked) return
      setBusy(true)
      var body = new URLSearchParams()
      var select = document.querySelector('select[name="payment_product_type"]')
      if (select && select.form === form) body.set("payment_product_type", select.value)
      // getAttribute: form.action would be the button named "action" inside the form.
      fetch(form.getAttribute("action") + "?sdk", { method: "POST", headers: { accept: "application/json" }, body: body })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j } }) })
        .then(function (res) {
          if (!res.ok || !res.body.event) throw new Error((res.body && res.body.message) || "payment failed")
          post(res.body.event)
        })
        .catch(function (e) {
          var n = document.getElementById("sdk-notice")
          n.textContent = e.message
          n.hidden = false
          setBusy(false)
        })
    })
  })
  function height() { post({ type: "HeightChanged", height: Math.ceil(document.documentElement.scrollHeight) }) }
  var lastHeight = -1
  if (window.ResizeObserver) new ResizeObserver(function () {
    var h = Math.ceil(document.documentElement.scrollHeight)
    if (h !== lastHeight) { lastHeight = h; height() }
  }).observe(document.body)
  else height()
  post({ type: "SessionLoaded", session: session })
})()
</script>`
}
