// `npm run emulator`: a local Dintero on port 8077 (EMULATOR_PORT), for the demo and manual testing.
import { DEFAULTS, startEmulator } from "./index"

async function main(): Promise<void> {
  const port = process.env.EMULATOR_PORT ? Number(process.env.EMULATOR_PORT) : DEFAULTS.port
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid EMULATOR_PORT ${process.env.EMULATOR_PORT}`)
  const emulator = await startEmulator({
    port,
    host: process.env.EMULATOR_HOST ?? "127.0.0.1",
    signatureSecret: process.env.EMULATOR_SIGNATURE_SECRET || undefined,
    publicUrl: process.env.EMULATOR_PUBLIC_URL || undefined,
    // Dintero only calls HTTPS callback URLs; a local Medusa on http://localhost needs this explicit opt-out.
    allowInsecureCallbacks: process.env.EMULATOR_ALLOW_INSECURE_CALLBACKS === "true",
  })
  const o = emulator.options
  // The credentials are the emulator's fixed, public test defaults, printed so a developer can configure the plugin.
  console.log(
    [
      `Dintero emulator listening on ${emulator.url}`,
      `  Checkout API base:   ${emulator.checkoutBaseUrl}`,
      `  Core/Orders API base: ${emulator.apiBaseUrl}`,
      `  Control API:         ${emulator.url}/__emulator`,
      `  account id:          ${o.accountId}`,
      `  client id:           ${o.clientId}`,
      `  client secret:       ${o.clientSecret}`,
      `  profile id:          ${o.profiles[0]}`,
      `  callback signatures: ${o.signatureSecret ? "on (EMULATOR_SIGNATURE_SECRET)" : "off"}`,
      `  callback URLs:       ${o.requireHttpsCallback ? "https only (EMULATOR_ALLOW_INSECURE_CALLBACKS=true allows http/localhost)" : "http/localhost allowed (EMULATOR_ALLOW_INSECURE_CALLBACKS)"}`,
    ].join("\n")
  )
  let stopping = false
  const stop = (signal: string) => {
    if (stopping) return
    stopping = true
    console.log(`\n${signal}: stopping the emulator`)
    emulator.close().then(
      () => process.exit(0),
      () => process.exit(1)
    )
  }
  process.on("SIGINT", () => stop("SIGINT"))
  process.on("SIGTERM", () => stop("SIGTERM"))
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})
