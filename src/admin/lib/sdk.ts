import Medusa from "@medusajs/js-sdk"

// Set by the store's admin build for plugin extensions; "/" when the dashboard is served by the backend itself.
declare const __BACKEND_URL__: string | undefined

/** Medusa's JS SDK as the dashboard itself uses it: same-origin session auth, nothing to configure. */
export const sdk = new Medusa({
  baseUrl: (typeof __BACKEND_URL__ !== "undefined" && __BACKEND_URL__) || "/",
  auth: { type: "session" },
})
