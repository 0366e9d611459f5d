import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"

export const DEFAULT_CHECKOUT_BASE_URL = "https://checkout.dintero.com/v1"
export const DEFAULT_API_BASE_URL = "https://api.dintero.com/v1"
export const DEFAULT_TIMEOUT_MS = 15_000
export const DEFAULT_TOKEN_TIMEOUT_MS = 10_000
export const PACKAGE_NAME = "medusa-payment-dintero"

export interface DinteroLogger {
  debug?: (message: string) => void
  info?: (message: string) => void
  warn?: (message: string) => void
  error?: (message: string) => void
}

export interface RetryOptions {
  /** Extra attempts after the first one. Default 3. */
  retries?: number
  /** Base of the exponential backoff. Default 200 ms. */
  baseDelayMs?: number
  /** Cap of one backoff delay; a Retry-After longer than this is not waited for. Default 10 s. */
  maxDelayMs?: number
}

export interface SystemInfo {
  /** Dintero-System-Name. Default "medusa". */
  name?: string
  /** Dintero-System-Version, e.g. the Medusa version. Default "unknown". */
  version?: string
  /** Dintero-System-Plugin-Name. Default "medusa-payment-dintero". */
  pluginName?: string
  /** Dintero-System-Plugin-Version. Default: this package's version. */
  pluginVersion?: string
}

export interface DinteroClientConfig {
  accountId: string
  clientId: string
  clientSecret: string
  checkoutBaseUrl?: string
  apiBaseUrl?: string
  /** Per-request timeout for API calls. Default 15000. */
  timeoutMs?: number
  /** Per-request timeout for token requests. Default 10000. */
  tokenTimeoutMs?: number
  retry?: RetryOptions
  system?: SystemInfo
  logger?: DinteroLogger
  /** Token audience override (tests). Default `https://api.dintero.com/v1/accounts/{accountId}`. */
  audience?: string
}

export interface ResolvedRetryOptions {
  retries: number
  baseDelayMs: number
  maxDelayMs: number
}

export function resolveRetryOptions(retry: RetryOptions | undefined): ResolvedRetryOptions {
  return {
    retries: nonNegativeInt(retry?.retries, 3),
    baseDelayMs: nonNegativeInt(retry?.baseDelayMs, 200),
    maxDelayMs: nonNegativeInt(retry?.maxDelayMs, 10_000),
  }
}

function nonNegativeInt(value: number | undefined, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? Math.floor(value) : fallback
}

export function trimTrailingSlash(url: string): string {
  return url.replace(/\/+$/, "")
}

export function systemHeaders(system: SystemInfo | undefined): Record<string, string> {
  return {
    "Dintero-System-Name": system?.name ?? "medusa",
    "Dintero-System-Version": system?.version ?? "unknown",
    "Dintero-System-Plugin-Name": system?.pluginName ?? PACKAGE_NAME,
    "Dintero-System-Plugin-Version": system?.pluginVersion ?? packageVersion(),
  }
}

/**
 * The version of an installed package, found without requiring its package.json (many packages, e.g.
 * @medusajs/framework, do not export "./package.json"): resolve the package's exported entry point, then walk up to
 * the package.json whose name matches. undefined when the package is not installed.
 */
export function installedPackageVersion(name: string, resolveFrom: string = __dirname): string | undefined {
  let entry: string
  try {
    entry = require.resolve(name, { paths: [resolveFrom] })
  } catch {
    return undefined
  }
  let dir = dirname(entry)
  for (let depth = 0; depth < 10; depth++) {
    const candidate = join(dir, "package.json")
    try {
      if (existsSync(candidate)) {
        const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown }
        if (pkg.name === name && typeof pkg.version === "string") return pkg.version
      }
    } catch {
      // Unreadable package.json: keep walking.
    }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  return undefined
}

// A cache: the installed package version cannot change while the process runs; losing it costs one file read.
let cachedVersion: string | undefined

/**
 * This package's version. Walks up from this file to the nearest package.json named medusa-payment-dintero,
 * because the depth differs between source (src/dintero) and build output (.medusa/server/src/dintero).
 */
export function packageVersion(startDir: string = __dirname): string {
  if (cachedVersion !== undefined && startDir === __dirname) return cachedVersion
  let version = "unknown"
  let dir = startDir
  for (let depth = 0; depth < 8; depth++) {
    const candidate = join(dir, "package.json")
    try {
      if (existsSync(candidate)) {
        const pkg = JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown }
        if (pkg.name === PACKAGE_NAME && typeof pkg.version === "string") {
          version = pkg.version
          break
        }
      }
    } catch {
      // Unreadable or invalid package.json: keep walking.
    }
    const parent = dirname(dir)
    if (parent === dir) break
    dir = parent
  }
  if (startDir === __dirname) cachedVersion = version
  return version
}
