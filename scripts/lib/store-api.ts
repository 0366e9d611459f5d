import axios, { type AxiosInstance } from "axios"

/**
 * The Store and Admin HTTP API exactly as a storefront and the admin dashboard use them. Shared by the demo, the
 * benchmark and the HTTP tests, so all three drive the plugin through Medusa's public routes only.
 */

export interface CheckoutOptions {
  regionId: string
  shippingOptionId: string
  items: { variant_id: string; quantity: number }[]
  email?: string
  providerId?: string
}

export const TEST_ADDRESS = {
  first_name: "Kari",
  last_name: "Nordmann",
  address_1: "Karl Johans gate 1",
  city: "Oslo",
  postal_code: "0154",
  country_code: "no",
  phone: "+4799999999",
}

export class StoreApi {
  readonly http: AxiosInstance

  constructor(baseUrl: string | AxiosInstance, readonly publishableKey: string) {
    this.http =
      typeof baseUrl === "string"
        ? axios.create({ baseURL: baseUrl, validateStatus: () => true, timeout: 60_000 })
        : baseUrl
  }

  private get headers() {
    return { "x-publishable-api-key": this.publishableKey }
  }

  private async call<T = any>(method: "get" | "post" | "delete", url: string, body?: unknown): Promise<T> {
    const res = await this.http.request({ method, url, data: body, headers: this.headers, validateStatus: () => true })
    if (res.status >= 400) {
      const err = new Error(`${method.toUpperCase()} ${url} -> ${res.status}: ${JSON.stringify(res.data)}`)
      ;(err as any).status = res.status
      ;(err as any).body = res.data
      throw err
    }
    return res.data as T
  }

  async createCart(opts: CheckoutOptions) {
    const { cart } = await this.call("post", "/store/carts", {
      region_id: opts.regionId,
      email: opts.email ?? "kari@example.com",
      items: opts.items,
    })
    return cart
  }

  async setAddresses(cartId: string, address = TEST_ADDRESS) {
    const { cart } = await this.call("post", `/store/carts/${cartId}`, {
      shipping_address: address,
      billing_address: address,
    })
    return cart
  }

  async addShippingMethod(cartId: string, optionId: string) {
    const { cart } = await this.call("post", `/store/carts/${cartId}/shipping-methods`, { option_id: optionId })
    return cart
  }

  async addItem(cartId: string, variantId: string, quantity: number) {
    const { cart } = await this.call("post", `/store/carts/${cartId}/line-items`, { variant_id: variantId, quantity })
    return cart
  }

  async getCart(cartId: string) {
    const { cart } = await this.call("get", `/store/carts/${cartId}`)
    return cart
  }

  /** Creates the payment collection and a payment session with the provider, as Medusa's Next.js starter does. */
  async initiatePaymentSession(cartId: string, providerId = "pp_dintero_dintero", data?: Record<string, unknown>) {
    const { payment_collection: collection } = await this.call("post", "/store/payment-collections", {
      cart_id: cartId,
    })
    const { payment_collection } = await this.call(
      "post",
      `/store/payment-collections/${collection.id}/payment-sessions`,
      { provider_id: providerId, ...(data ? { data } : {}) }
    )
    const session = payment_collection.payment_sessions.find((s: any) => s.provider_id === providerId)
    return { paymentCollection: payment_collection, session }
  }

  /** POST /store/carts/:id/complete; returns the raw answer (order, cart with error, or an HTTP error). */
  async completeCart(cartId: string): Promise<{ status: number; body: any }> {
    const res = await this.http.post(`/store/carts/${cartId}/complete`, {}, { headers: this.headers, validateStatus: () => true })
    return { status: res.status, body: res.data }
  }

  /** Cart with address and shipping, ready for payment. */
  async prepareCart(opts: CheckoutOptions) {
    const cart = await this.createCart(opts)
    await this.setAddresses(cart.id)
    return await this.addShippingMethod(cart.id, opts.shippingOptionId)
  }
}

export class AdminApi {
  readonly http: AxiosInstance
  private token?: string

  constructor(baseUrl: string | AxiosInstance) {
    this.http =
      typeof baseUrl === "string"
        ? axios.create({ baseURL: baseUrl, validateStatus: () => true, timeout: 60_000 })
        : baseUrl
  }

  async login(email: string, password: string) {
    const res = await this.http.post("/auth/user/emailpass", { email, password }, { validateStatus: () => true })
    if (res.status !== 200 || !res.data?.token) {
      throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.data)}`)
    }
    this.token = res.data.token
  }

  async request<T = any>(method: "get" | "post" | "delete", url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const res = await this.http.request({
      method,
      url,
      data: body,
      headers: this.token ? { authorization: `Bearer ${this.token}` } : {},
      validateStatus: () => true,
    })
    return { status: res.status, body: res.data as T }
  }

  async ok<T = any>(method: "get" | "post" | "delete", url: string, body?: unknown): Promise<T> {
    const res = await this.request<T>(method, url, body)
    if (res.status >= 400) {
      throw new Error(`${method.toUpperCase()} ${url} -> ${res.status}: ${JSON.stringify(res.body)}`)
    }
    return res.body
  }

  async getOrder(orderId: string) {
    const { order } = await this.ok(
      "get",
      `/admin/orders/${orderId}?fields=id,display_id,total,currency_code,status,payment_status,*payment_collections,*payment_collections.payments,*payment_collections.payments.captures,*payment_collections.payments.refunds`
    )
    return order
  }

  async capture(paymentId: string, amount?: number) {
    return await this.request("post", `/admin/payments/${paymentId}/capture`, amount === undefined ? {} : { amount })
  }

  async refund(paymentId: string, amount?: number) {
    return await this.request("post", `/admin/payments/${paymentId}/refund`, amount === undefined ? {} : { amount })
  }

  async cancelOrder(orderId: string) {
    return await this.request("post", `/admin/orders/${orderId}/cancel`, {})
  }

  /** The order's lines and its summary (totals, paid, refunded, pending difference), as the order page shows them. */
  async getOrderWithItems(orderId: string) {
    const { order } = await this.ok(
      "get",
      `/admin/orders/${orderId}?fields=id,display_id,total,currency_code,summary,items.id,items.title,items.quantity,items.variant_id,items.variant_sku,items.unit_price,items.total`
    )
    return order
  }

  // Order edits, in the dashboard's order: begin, change items, request, confirm. Each answers the order preview.

  async beginOrderEdit(orderId: string, description?: string) {
    return await this.ok("post", "/admin/order-edits", { order_id: orderId, ...(description ? { description } : {}) })
  }

  async addOrderEditItems(orderId: string, items: { variant_id: string; quantity: number; unit_price?: number }[]) {
    return await this.ok("post", `/admin/order-edits/${orderId}/items`, { items })
  }

  /** Changes an existing order line's quantity (0 removes it). */
  async updateOrderEditItem(orderId: string, itemId: string, quantity: number) {
    return await this.ok("post", `/admin/order-edits/${orderId}/items/item/${itemId}`, { quantity })
  }

  async requestOrderEdit(orderId: string) {
    return await this.ok("post", `/admin/order-edits/${orderId}/request`, {})
  }

  async confirmOrderEdit(orderId: string) {
    return await this.ok("post", `/admin/order-edits/${orderId}/confirm`, {})
  }

  /** The plugin's Orders API mirror of an order; `live` also reads the Dintero order and its payment records. */
  async getDinteroOrderMirror(orderId: string, live = false) {
    return await this.ok("get", `/admin/dintero/orders/${orderId}${live ? "?dintero=true" : ""}`)
  }
}
