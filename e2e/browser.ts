// Debian's chromium driven by playwright-core (no browser download). Flags for a closed network: no background
// traffic, no component updates, no QUIC.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"
import { chromium, type BrowserContext, type Page } from "playwright-core"

export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium"
export const SCREENSHOT_DIR = path.resolve(__dirname, "screenshots")

export interface Browser {
  context: BrowserContext
  page: Page
  screenshot(page: Page, name: string): Promise<string>
  close(): Promise<void>
}

export async function launchBrowser(screenshotDir = SCREENSHOT_DIR): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: run scripts/test-e2e.mjs (it installs Debian's chromium) or set CHROMIUM_PATH`)
  }
  mkdirSync(screenshotDir, { recursive: true })
  const profile = mkdtempSync(path.join(tmpdir(), "dintero-e2e-chromium-"))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  })
  context.setDefaultTimeout(30_000)
  const page = context.pages()[0] ?? (await context.newPage())
  return {
    context,
    page,
    async screenshot(p, name) {
      const file = path.join(screenshotDir, `${name}.png`)
      await p.screenshot({ path: file, fullPage: true })
      return file
    },
    async close() {
      await context.close().catch(() => undefined)
      rmSync(profile, { recursive: true, force: true })
    },
  }
}
