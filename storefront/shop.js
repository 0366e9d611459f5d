// The storefront's Medusa Store API calls, as Medusa's Next.js starter makes them (plain fetch, no SDK needed).
// window.STOREFRONT = { backendUrl, publishableKey, regionId?, dinteroEndpoint? } comes from /config.js, written by the
// dev server; dinteroEndpoint is the Web SDK's endpoint (default https://checkout.dintero.com; the emulator's is
// `${checkoutBaseUrl}/view`).
;(function () {
  const cfg = window.STOREFRONT || {}

  async function store(method, path, body) {
    const res = await fetch(cfg.backendUrl + path, {
      method,
      headers: { "content-type": "application/json", "x-publishable-api-key": cfg.publishableKey },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const json = await res.json().catch(() => ({}))
    if (!res.ok) throw new Error((json && json.message) || method + " " + path + " failed with HTTP " + res.status)
    return json
  }

  async function region() {
    if (cfg.regionId) return (await store("GET", "/store/regions/" + cfg.regionId)).region
    const { regions } = await store("GET", "/store/regions")
    return regions[0]
  }

  /** Prices from Medusa are in major units; shown only, never computed with. */
  function price(amount, currency) {
    return new Intl.NumberFormat("nb-NO", { style: "currency", currency: String(currency).toUpperCase() }).format(amount)
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag)
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v
      else node.setAttribute(k, v)
    }
    for (const c of children) node.append(c)
    return node
  }

  const CART_KEY = "dintero_demo_cart_id"
  window.Shop = {
    cfg,
    store,
    region,
    price,
    el,
    rememberCart: (id) => localStorage.setItem(CART_KEY, id),
    rememberedCart: () => localStorage.getItem(CART_KEY),
    forgetCart: () => localStorage.removeItem(CART_KEY),
  }
})()
