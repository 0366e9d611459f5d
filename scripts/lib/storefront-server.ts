// The example storefront (storefront/*.html) served for the dev store and the e2e tests: static files, the Dintero
// Web SDK from node_modules, and /config.js telling the page where Medusa is and which publishable key to send.
import { readFile } from "node:fs/promises"
import http from "node:http"
import type { AddressInfo } from "node:net"
import path from "node:path"

const ROOT = path.resolve(__dirname, "..", "..")
const STATIC_DIR = path.join(ROOT, "storefront")
const SDK_FILE = path.join(ROOT, "node_modules", "@dintero", "checkout-web-sdk", "dist", "dintero-checkout-web-sdk.umd.min.js")

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
}

export interface StorefrontConfig {
  /** Medusa's URL as the browser reaches it; its STORE_CORS must allow this storefront's origin. */
  backendUrl: string
  publishableKey: string
  regionId?: string
  /** The Dintero Web SDK's `endpoint` (default Dintero's own checkout); the emulator's is `${checkoutBaseUrl}/view`. */
  dinteroEndpoint?: string
}

export interface Storefront {
  url: string
  /** The page Dintero sends the shopper back to: give it to Medusa as DINTERO_RETURN_URL. */
  returnUrl: string
  setConfig(config: StorefrontConfig): void
  close(): Promise<void>
}

/** The storefront's URLs are known before it listens, so Medusa can boot with the return URL first. */
export function storefrontUrls(port: number, host = "localhost") {
  const url = `http://${host}:${port}`
  return { url, returnUrl: `${url}/return.html` }
}

export async function startStorefront(opts: { port: number; config?: StorefrontConfig; host?: string }): Promise<Storefront> {
  let config = opts.config
  const server = http.createServer(async (req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname
    try {
      if (pathname === "/config.js") {
        res.writeHead(200, { "content-type": TYPES[".js"], "cache-control": "no-store" })
        res.end(`window.STOREFRONT = ${JSON.stringify(config ?? {})};\n`)
        return
      }
      if (pathname === "/vendor/dintero-checkout-web-sdk.umd.min.js") {
        res.writeHead(200, { "content-type": TYPES[".js"] })
        res.end(await readFile(SDK_FILE))
        return
      }
      const name = pathname === "/" ? "index.html" : pathname.slice(1)
      // Only the flat files of storefront/ are served.
      if (!/^[a-z0-9-]+\.(html|js|css)$/.test(name)) {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found")
        return
      }
      const body = await readFile(path.join(STATIC_DIR, name))
      res.writeHead(200, { "content-type": TYPES[path.extname(name)], "cache-control": "no-store" })
      res.end(body)
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found")
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(opts.port, "127.0.0.1", () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const { url, returnUrl } = storefrontUrls(port, opts.host)
  return {
    url,
    returnUrl,
    setConfig: (c) => (config = c),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections?.()
      }),
  }
}
