import { defineWidgetConfig } from "@medusajs/admin-sdk"
import type { DetailWidgetProps, HttpTypes } from "@medusajs/framework/types"
import { Badge, Button, Container, Copy, Heading, StatusBadge, Text, toast } from "@medusajs/ui"
import { formatMinor } from "../lib/money"
import { errorMessage, useOrderMirror, useOrderPayments, useRefreshOrder, useRetryOrderMirror } from "../lib/queries"
import type { DinteroPaymentView, HeldPaymentView, MirrorOperationView } from "../lib/types"

type StatusColor = "green" | "red" | "blue" | "orange" | "grey" | "purple"

const TRANSACTION_COLORS: Record<string, StatusColor> = {
  AUTHORIZED: "blue",
  ON_HOLD: "orange",
  CAPTURED: "green",
  PARTIALLY_CAPTURED: "green",
  PARTIALLY_CAPTURED_REFUNDED: "purple",
  PARTIALLY_REFUNDED: "purple",
  REFUNDED: "grey",
  AUTHORIZATION_VOIDED: "grey",
  DECLINED: "red",
  FAILED: "red",
}

const OPERATION_COLORS: Record<string, StatusColor> = {
  done: "green",
  skipped: "grey",
  pending: "blue",
  processing: "blue",
  failed: "red",
  needs_action: "orange",
}

const RETRYABLE = new Set<MirrorOperationView["status"]>(["failed", "needs_action", "pending"])

function Row({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div className="grid grid-cols-2 items-start gap-x-2 py-1">
      <Text size="small" leading="compact" className="text-ui-fg-subtle">
        {label}
      </Text>
      <div className="text-ui-fg-base txt-compact-small min-w-0 break-all" data-testid={testId}>
        {children}
      </div>
    </div>
  )
}

function Message({ tone, children, testId }: { tone: "error" | "muted"; children: React.ReactNode; testId?: string }) {
  return (
    <div
      data-testid={testId}
      className={
        tone === "error"
          ? "txt-compact-small rounded-md border border-ui-tag-red-border bg-ui-tag-red-bg px-3 py-2 text-ui-tag-red-text"
          : "txt-compact-small text-ui-fg-subtle"
      }
    >
      {children}
    </div>
  )
}

/** The transaction in Dintero's Backoffice; the environment is named so a test-mode order is never mistaken for real money. */
function BackofficeLink({ url, environment, testId }: { url?: string | null; environment?: string | null; testId: string }) {
  if (!url) return null
  return (
    <div className="pt-2">
      <a
        href={url}
        target="_blank"
        rel="noreferrer"
        className="txt-compact-small-plus text-ui-fg-interactive hover:text-ui-fg-interactive-hover"
        data-testid={testId}
      >
        Open in Dintero Backoffice ({environment === "production" ? "production" : "test"}) ↗
      </a>
    </div>
  )
}

function Payment({ payment }: { payment: DinteroPaymentView }) {
  const tx = payment.transaction
  const currency = tx?.currency ?? payment.medusa.currency_code ?? ""
  return (
    <div className="px-6 py-4" data-testid="dintero-payment">
      <Row label="Transaction" testId="dintero-transaction-id">
        {payment.transaction_id ? (
          <span className="flex items-center gap-x-1">
            <span>{payment.transaction_id}</span>
            <Copy content={payment.transaction_id} />
          </span>
        ) : (
          "No transaction yet"
        )}
      </Row>
      {tx ? (
        <>
          <Row label="Status" testId="dintero-transaction-status">
            <StatusBadge color={TRANSACTION_COLORS[tx.status] ?? "grey"}>{tx.status}</StatusBadge>
          </Row>
          <Row label="Payment method" testId="dintero-payment-method">
            {tx.payment_product_type ?? tx.payment_product ?? "–"}
          </Row>
          <Row label="Authorized" testId="dintero-authorized">
            {formatMinor(tx.authorized_amount, currency)}
          </Row>
          <Row label="Captured" testId="dintero-captured">
            {formatMinor(tx.captured_amount, currency)}
          </Row>
          <Row label="Refunded" testId="dintero-refunded">
            {formatMinor(tx.refunded_amount, currency)}
          </Row>
          {tx.voided_amount > 0 && (
            <Row label="Voided" testId="dintero-voided">
              {formatMinor(tx.voided_amount, currency)}
            </Row>
          )}
        </>
      ) : payment.dintero_error ? (
        <div className="pt-2">
          <Message tone="error" testId="dintero-transaction-error">
            {payment.dintero_error.message}
            {payment.last_known_status && <> Last status the plugin saw: {payment.last_known_status}.</>}
          </Message>
        </div>
      ) : null}
      <BackofficeLink url={payment.backoffice_url} environment={payment.environment} testId="dintero-backoffice-link" />
    </div>
  )
}

/**
 * A Dintero payment Medusa has no payment for: on hold at Dintero (the order was placed while it was), or a hold
 * that failed. Read from the payment session (GET /admin/dintero/payments), so it shows with the Orders mirror off.
 */
function HeldPayment({ held }: { held: HeldPaymentView }) {
  const failed = held.state === "hold_failed"
  return (
    <div className="px-6 py-4" data-testid="dintero-held-payment" data-state={held.state}>
      <Row label="Transaction" testId="dintero-held-transaction-id">
        {held.transaction_id ?? "–"}
      </Row>
      <Row label="Status" testId="dintero-held-status">
        <StatusBadge color={failed ? "red" : "orange"}>{held.dintero_status ?? (failed ? "FAILED" : "ON_HOLD")}</StatusBadge>
      </Row>
      {held.currency && (
        <Row label="Amount" testId="dintero-held-amount">
          {formatMinor(held.amount, held.currency)}
        </Row>
      )}
      <div className="pt-2">
        {failed ? (
          <Message tone="error" testId="dintero-hold-failed">
            Payment on hold failed at Dintero{held.reason ? `: ${held.reason}` : ""}. {held.next_step}
          </Message>
        ) : (
          <Message tone="muted" testId="dintero-on-hold">
            Payment on hold at Dintero. {held.next_step}
          </Message>
        )}
      </div>
      <BackofficeLink url={held.backoffice_url} environment={held.environment} testId="dintero-held-backoffice-link" />
    </div>
  )
}

/** The Orders API mirror as GET /admin/dintero/orders/:id returns it; read defensively (fields may be added). */
function Mirror({ orderId }: { orderId: string }) {
  const { data, error, isPending } = useOrderMirror(orderId)
  const retryMirror = useRetryOrderMirror(orderId)

  if (isPending) return <Message tone="muted">Loading the Orders API mirror…</Message>
  if (error) {
    return (
      <Message tone="error" testId="dintero-mirror-error">
        Could not load the Orders API mirror: {errorMessage(error)}
      </Message>
    )
  }
  const mirror = data?.dintero_order_mirror ?? null
  const operations = data?.operations ?? []
  const lines = mirror?.lines ?? []
  const link = data?.payment_link ?? null
  const retryable = operations.filter((op) => RETRYABLE.has(op.status))

  const retry = () =>
    retryMirror.mutate(undefined, {
      onSuccess: () => toast.success("Dintero operations retried"),
      onError: (e) => toast.error(`Retry failed: ${errorMessage(e)}`),
    })

  if (!mirror && operations.length === 0) {
    return (
      <Message tone="muted" testId="dintero-mirror-empty">
        Not mirrored to the Dintero Orders API (yet).
      </Message>
    )
  }
  return (
    <div data-testid="dintero-mirror">
      <Row label="Dintero order" testId="dintero-order-id">
        {mirror?.dintero_order_id ? (
          <span className="flex items-center gap-x-1">
            <span>{mirror.dintero_order_id}</span>
            <Copy content={String(mirror.dintero_order_id)} />
          </span>
        ) : (
          "not created yet"
        )}
      </Row>
      <Row label="Lines" testId="dintero-mirror-lines">
        {lines.length === 0
          ? "–"
          : lines.map((l, i) => (
              <div key={i}>
                #{String(l.line_id)} {l.role && l.role !== "item" ? `${l.role} ` : ""}
                {l.reversed_by !== null ? "(reversed) " : ""}
                {mirror?.currency_code ? formatMinor(l.gross_amount, mirror.currency_code) : ""}
              </div>
            ))}
      </Row>
      <div className="pt-2">
        <Text size="small" leading="compact" weight="plus">
          Operations
        </Text>
        <ul className="pt-1" data-testid="dintero-operations">
          {operations.map((op) => (
            <li key={op.id} className="py-1" data-testid="dintero-operation" data-status={op.status}>
              <div className="flex items-center justify-between gap-x-2">
                <Text size="small" leading="compact">
                  {op.kind}
                </Text>
                <StatusBadge color={OPERATION_COLORS[op.status] ?? "grey"}>
                  {/* A notice for information only (nothing left to do) is recorded skipped: DinteroOrdersService.recordNotice. */}
                  {op.kind === "notice" && op.status === "skipped" ? "info" : op.status}
                  {op.attempts > 1 ? ` · ${op.attempts} attempts` : ""}
                </StatusBadge>
              </div>
              {op.last_error && op.status !== "done" && (
                // A failed operation's error is the merchant's to act on; on other statuses it is only a note.
                <Text
                  size="xsmall"
                  className={`break-all ${op.status === "failed" || op.status === "needs_action" ? "text-ui-fg-error" : "text-ui-fg-muted"}`}
                >
                  {op.last_error}
                </Text>
              )}
            </li>
          ))}
        </ul>
      </div>
      {link && (
        <Row label="Payment link (outstanding)" testId="dintero-payment-link">
          <span className="flex items-center gap-x-1">
            <a href={link.url} target="_blank" rel="noreferrer" className="text-ui-fg-interactive">
              {`Pay ${formatMinor(link.amount, link.currency)}`}
            </a>
            <Copy content={link.url} />
          </span>
        </Row>
      )}
      {retryable.length > 0 && (
        <div className="pt-2">
          <Button size="small" variant="secondary" onClick={retry} isLoading={retryMirror.isPending} data-testid="dintero-retry">
            Retry {retryable.length} operation{retryable.length === 1 ? "" : "s"}
          </Button>
        </div>
      )}
    </div>
  )
}

const DinteroOrderWidget = ({ data: order }: DetailWidgetProps<HttpTypes.AdminOrder>) => {
  const { data, error, isPending, isFetching } = useOrderPayments(order.id)
  const refresh = useRefreshOrder(order.id)
  const payments = data?.payments ?? []
  const held = data?.held_payments ?? []
  const environment = payments.find((p) => p.environment)?.environment ?? held.find((h) => h.environment)?.environment

  return (
    <Container className="divide-y p-0" data-testid="dintero-widget">
      <div className="flex items-center justify-between px-6 py-4">
        <Heading level="h2">Dintero</Heading>
        <div className="flex items-center gap-x-2">
          {environment && (
            <Badge size="2xsmall" color={environment === "production" ? "green" : "orange"} data-testid="dintero-environment">
              {environment === "production" ? "Production" : "Test"}
            </Badge>
          )}
          <Button size="small" variant="transparent" onClick={refresh} disabled={isFetching} data-testid="dintero-reload">
            Refresh
          </Button>
        </div>
      </div>
      {isPending ? (
        <div className="px-6 py-4">
          <Message tone="muted" testId="dintero-loading">
            Reading the transaction from Dintero…
          </Message>
        </div>
      ) : error ? (
        <div className="px-6 py-4">
          <Message tone="error" testId="dintero-error">
            {errorMessage(error)}
          </Message>
        </div>
      ) : payments.length === 0 && held.length === 0 ? (
        <div className="px-6 py-4">
          <Message tone="muted" testId="dintero-empty">
            This order has no Dintero payment.
          </Message>
        </div>
      ) : (
        <>
          {held.map((h) => (
            <HeldPayment key={h.payment_session_id} held={h} />
          ))}
          {payments.map((p) => (
            <Payment key={p.payment_id} payment={p} />
          ))}
          <div className="px-6 py-4">
            <Text size="small" leading="compact" weight="plus" className="pb-1">
              Orders API
            </Text>
            <Mirror orderId={order.id} />
          </div>
        </>
      )}
    </Container>
  )
}

export const config = defineWidgetConfig({
  zone: "order.details.side.after",
})

export default DinteroOrderWidget
