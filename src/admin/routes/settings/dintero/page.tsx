import { defineRouteConfig } from "@medusajs/admin-sdk"
import { Badge, Button, Container, Copy, Heading, StatusBadge, Text } from "@medusajs/ui"
import { errorMessage, useConnectionTest, useDinteroSettings } from "../../../lib/queries"
import type { PaymentProfileView } from "../../../lib/types"

function Field({ label, value, copy, testId }: { label: string; value: React.ReactNode; copy?: string; testId?: string }) {
  return (
    <div className="grid grid-cols-[minmax(10rem,1fr)_2fr] items-center gap-x-4 px-6 py-3">
      <Text size="small" leading="compact" weight="plus" className="text-ui-fg-subtle">
        {label}
      </Text>
      <div className="txt-compact-small flex min-w-0 items-center gap-x-1 break-all" data-testid={testId}>
        <span>{value}</span>
        {copy && <Copy content={copy} />}
      </div>
    </div>
  )
}

function ConnectionTest() {
  const test = useConnectionTest()
  const result = test.data
  const error = test.error ? errorMessage(test.error) : undefined
  const run = () => test.mutate()

  return (
    <Container className="divide-y p-0">
      <div className="flex items-center justify-between px-6 py-4">
        <div>
          <Heading level="h2">Connection</Heading>
          <Text size="small" className="text-ui-fg-subtle">
            Fetches a new access token with the configured API client, then checks every payment profile by creating a
            1.00 test session in the profile's own currency and cancelling it at once (nobody can pay it; no money
            moves).
          </Text>
        </div>
        <Button size="small" variant="secondary" onClick={run} isLoading={test.isPending} data-testid="dintero-test-connection">
          Test connection
        </Button>
      </div>
      {(result || error) && (
        <div className="flex flex-col gap-y-2 px-6 py-4" data-testid="dintero-connection-result" data-ok={result?.ok ? "true" : "false"}>
          {error ? (
            <Text size="small" className="text-ui-fg-error">
              The test could not run: {error}
            </Text>
          ) : result ? (
            <>
              <div className="flex items-center gap-x-2">
                <StatusBadge color={result.ok ? "green" : "red"}>
                  {result.ok ? "Connected" : "Connection failed"}
                </StatusBadge>
                <Text size="xsmall" className="text-ui-fg-muted">
                  {result.duration_ms} ms
                </Text>
              </div>
              <ul>
                {result.checks.map((c) => (
                  <li
                    key={`${c.name}:${c.profile_id ?? ""}:${c.currency ?? ""}`}
                    className="txt-compact-small py-0.5"
                    data-testid={`dintero-check-${c.name}`}
                    data-profile={c.profile_id}
                    data-currency={c.currency}
                  >
                    {c.ok ? "✓" : "✗"} {c.name === "token" ? "Access token" : `Payment profile (${c.currency})`}: {c.message}
                  </li>
                ))}
              </ul>
              {result.error?.dintero_message && (
                <Text size="small" className="text-ui-fg-error" data-testid="dintero-connection-error">
                  Dintero says: {result.error.dintero_message}
                  {result.error.code ? ` (${result.error.code})` : ""}
                </Text>
              )}
            </>
          ) : null}
        </div>
      )}
    </Container>
  )
}

const markets = (p: PaymentProfileView) =>
  p.scope === "default"
    ? "every session no other profile takes"
    : p.scope === "currency"
      ? `every market in ${p.currency}`
      : [...p.countries, ...p.regions.map((r) => `region ${r}`)].join(", ")

/** The payment profiles checkout chooses from: most specific first (country, region, currency, default). */
function PaymentProfiles({ profiles }: { profiles: PaymentProfileView[] }) {
  return (
    <div className="px-6 py-3" data-testid="dintero-profiles">
      <Text size="small" leading="compact" weight="plus" className="text-ui-fg-subtle">
        Payment profiles
      </Text>
      <table className="txt-compact-small mt-2 w-full">
        <thead>
          <tr className="text-ui-fg-subtle text-left">
            <th className="py-1 font-normal">Profile</th>
            <th className="py-1 font-normal">Currency</th>
            <th className="py-1 font-normal">Markets</th>
          </tr>
        </thead>
        <tbody>
          {profiles.map((p) => (
            <tr key={`${p.profile_id}:${p.currency ?? "*"}`} data-testid="dintero-profile" data-profile={p.profile_id}>
              <td className="py-1 break-all">{p.profile_id}</td>
              <td className="py-1">{p.currency ?? "any Dintero takes"}</td>
              <td className="py-1">{markets(p)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

const DinteroSettingsPage = () => {
  const { data, error, isPending } = useDinteroSettings()
  const s = data?.settings

  return (
    <div className="flex flex-col gap-y-3" data-testid="dintero-settings">
      <Container className="divide-y p-0">
        <div className="flex items-center justify-between px-6 py-4">
          <div>
            <Heading level="h1">Dintero</Heading>
            <Text size="small" className="text-ui-fg-subtle">
              The configuration this Medusa server runs with (from medusa-config.ts; change it there and restart).
            </Text>
          </div>
          {s && (
            <Badge color={s.environment === "production" ? "green" : "orange"} data-testid="dintero-settings-environment">
              {s.environment === "production" ? "Production" : "Test"}
            </Badge>
          )}
        </div>
        {isPending ? (
          <div className="px-6 py-4">
            <Text size="small" className="text-ui-fg-subtle">
              Loading the configuration…
            </Text>
          </div>
        ) : error ? (
          <div className="px-6 py-4">
            <Text size="small" className="text-ui-fg-error" data-testid="dintero-settings-error">
              Could not load the configuration: {errorMessage(error)}
            </Text>
          </div>
        ) : !s ? (
          <div className="px-6 py-4">
            <Text size="small" className="text-ui-fg-subtle" data-testid="dintero-settings-empty">
              {data?.message ?? "The Dintero payment provider is not configured."}
            </Text>
          </div>
        ) : (
          <>
            <Field label="Account id" value={s.account_id} testId="dintero-account-id" />
            <Field label="Environment" value={s.environment === "production" ? "Production (P…)" : "Test (T…)"} />
            <Field label="API client id" value={s.client_id} />
            <Field label="API client secret" value={s.client_secret} testId="dintero-client-secret" />
            {s.profile_id && <Field label="Default payment profile" value={s.profile_id} testId="dintero-profile-id" />}
            <PaymentProfiles profiles={s.profiles} />
            <Field label="Checkout API" value={s.checkout_base_url} />
            <Field label="Core / Orders API" value={s.api_base_url} />
            <Field label="Shopper return URL" value={s.return_url} />
            <Field label="Callback URL (allow it)" value={s.callback_url} copy={s.callback_url} testId="dintero-callback-url" />
            <Field
              label="Callback signatures"
              value={s.callback_signature === "verified" ? `verified (secret ${s.callback_secret})` : "not configured"}
            />
            <Field label="Capture" value={s.auto_capture ? "automatically at authorization" : "when you capture in Medusa"} />
            <Field label="Session lifetime" value={`${s.session_lifetime_minutes} minutes`} />
            <Field label="Request timeout" value={`${s.timeout_ms} ms`} />
            <Field
              label="Backoffice"
              value={
                <a href={s.backoffice_url} target="_blank" rel="noreferrer" className="text-ui-fg-interactive">
                  {s.backoffice_url} ↗
                </a>
              }
            />
          </>
        )}
      </Container>
      {s && <ConnectionTest />}
    </div>
  )
}

export const config = defineRouteConfig({
  label: "Dintero",
})

export default DinteroSettingsPage
