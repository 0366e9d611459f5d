import { DinteroClient, installedPackageVersion, type DinteroLogger } from "../dintero"
// Type only: the options' schema is the provider's (it validates them); this file only keeps what was validated.
import type { DinteroOptions } from "../providers/dintero/options"

/**
 * The Dintero configuration(s) this Medusa process booted with, for the plugin's own modules, routes, workflows and
 * admin pages. Medusa validates every provider's options at boot (validateOptions), before any request, so they are
 * known here even when no payment has touched the provider yet. Providers live inside the payment module's
 * container, which the rest of the app cannot reach; this registry is the one shared place, beside (not inside) the
 * provider so that modules and workflows need not reach into it.
 *
 * It holds no state that matters across processes: every process registers the same options from medusa-config at
 * boot, and the clients are a cache (one token and keep-alive pool per Dintero API client) whose loss costs one
 * token request and nothing else.
 */
const configs: DinteroOptions[] = []
const clients = new Map<string, DinteroClient>()
let logger: DinteroLogger | undefined

/** Where the shared clients log retries and re-authentications (the provider passes Medusa's logger). */
export function setDinteroLogger(next: DinteroLogger | undefined): void {
  logger = next
}

const forwardingLogger: DinteroLogger = {
  debug: (m) => logger?.debug?.(m),
  info: (m) => logger?.info?.(m),
  warn: (m) => logger?.warn?.(m),
  error: (m) => logger?.error?.(m),
}

/** Remembers validated options (the provider's validateOptions and constructor call this). */
export function rememberDinteroOptions(options: DinteroOptions): DinteroOptions {
  const same = configs.findIndex((c) => c.accountId === options.accountId && c.clientId === options.clientId)
  if (same >= 0) configs.splice(same, 1, options)
  else configs.push(options)
  return options
}

/** Every configured Dintero provider (usually one). */
export function dinteroConfigurations(): readonly DinteroOptions[] {
  return configs
}

/** The configuration in use; with several, the first (the one registered as `dintero`). */
export function dinteroConfiguration(): DinteroOptions | undefined {
  return configs[0]
}

/**
 * One client per Dintero API client and endpoint, shared by every caller in the process (the provider, the Orders
 * mirror, the admin routes): one token cache, so one token request, and one keep-alive pool.
 */
export function dinteroClientFor(options: DinteroOptions): DinteroClient {
  const key = [options.accountId, options.clientId, options.checkoutBaseUrl, options.apiBaseUrl].join("|")
  let client = clients.get(key)
  if (!client) {
    client = new DinteroClient({
      accountId: options.accountId,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      checkoutBaseUrl: options.checkoutBaseUrl,
      apiBaseUrl: options.apiBaseUrl,
      timeoutMs: options.timeoutMs,
      system: { name: "medusa", version: medusaVersion() },
      logger: forwardingLogger,
    })
    clients.set(key, client)
  }
  return client
}

export function medusaVersion(): string {
  // @medusajs/framework does not export "./package.json": find it from the package's entry point.
  return installedPackageVersion("@medusajs/framework") ?? "unknown"
}
