import { TokenManager } from "./auth"
import { CheckoutApi } from "./checkout"
import { DinteroClientConfig, DEFAULT_TOKEN_TIMEOUT_MS } from "./config"
import { DinteroTransport, TransportOptions } from "./http"
import { OrdersApi } from "./orders"

/**
 * Framework-free Dintero client: `checkout` (sessions, transactions) and `orders` (Orders API), sharing one
 * keep-alive connection pool and one token cache. The client keeps no copy of the config: the client secret
 * lives only inside the transport's Basic credentials, so inspecting a client does not reveal it.
 */
export class DinteroClient {
  readonly checkout: CheckoutApi
  readonly orders: OrdersApi
  readonly accountId: string
  readonly #transport: DinteroTransport
  readonly #tokens: TokenManager

  constructor(config: DinteroClientConfig, options: TransportOptions = {}) {
    validateConfig(config)
    this.accountId = config.accountId
    this.#transport = new DinteroTransport(config, options)
    this.#tokens = new TokenManager(
      this.#transport,
      config.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS,
      config.audience
    )
    this.#transport.tokens = this.#tokens
    this.checkout = new CheckoutApi(this.#transport)
    this.orders = new OrdersApi(this.#transport)
  }

  /** A valid access token (cached or fresh); use it as a "test connection". Never log the result. */
  getAccessToken(): Promise<string> {
    return this.#tokens.getToken()
  }

  get checkoutBaseUrl(): string {
    return this.#transport.checkoutBaseUrl
  }

  get apiBaseUrl(): string {
    return this.#transport.apiBaseUrl
  }

  /** Destroys idle keep-alive sockets (shutdown, tests). The client stays usable: new sockets are opened. */
  close(): void {
    this.#transport.close()
  }
}

function validateConfig(config: DinteroClientConfig): void {
  for (const key of ["accountId", "clientId", "clientSecret"] as const) {
    if (typeof config?.[key] !== "string" || config[key] === "") {
      // Name the missing field only; never echo values.
      throw new TypeError(`DinteroClient: ${key} is required`)
    }
  }
}
