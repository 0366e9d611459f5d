import { AbstractPaymentProvider } from "@medusajs/framework/utils"
import type {
  AuthorizePaymentInput,
  AuthorizePaymentOutput,
  CancelPaymentInput,
  CancelPaymentOutput,
  CapturePaymentInput,
  CapturePaymentOutput,
  DeletePaymentInput,
  DeletePaymentOutput,
  GetPaymentStatusInput,
  GetPaymentStatusOutput,
  InitiatePaymentInput,
  InitiatePaymentOutput,
  Logger,
  ProviderWebhookPayload,
  RefundPaymentInput,
  RefundPaymentOutput,
  RetrievePaymentInput,
  RetrievePaymentOutput,
  UpdatePaymentInput,
  UpdatePaymentOutput,
  WebhookActionResult,
} from "@medusajs/framework/types"
import type { DinteroClient } from "../../dintero"
import { AuthorizationReuse } from "./authorization-reuse"
import { CheckoutSessions } from "./checkout-session"
import { MoneyMovement } from "./money-movement"
import { backendUrlWarning, parseDinteroOptions, type DinteroOptions } from "./options"
import { readPaymentData } from "./payment-data"
import { PaymentStatus } from "./payment-status"
import type { ProviderContext } from "./provider-context"
import { WebhookActions } from "./webhook-action"
import { DINTERO_PROVIDER_IDENTIFIER } from "./provider-id"
import { dinteroClientFor, rememberDinteroOptions, setDinteroLogger } from "../../lib/dintero-registry"
import { verifiedTransactions } from "../../lib/verified-transactions"
import { appKeptAuthorizations } from "../../modules/dintero-payments/kept-authorizations"

type Cradle = Record<string, unknown> & { logger?: Logger }

/**
 * Medusa payment provider for Dintero Checkout (id `dintero` -> `pp_dintero_dintero`).
 *
 * Glue only: each method hands over to the collaborator that does that job.
 */
export class DinteroPaymentProviderService extends AbstractPaymentProvider<DinteroOptions> {
  static override identifier = DINTERO_PROVIDER_IDENTIFIER

  protected readonly options_: DinteroOptions
  protected readonly client_: DinteroClient
  protected readonly sessions_: CheckoutSessions
  protected readonly status_: PaymentStatus
  protected readonly money_: MoneyMovement
  protected readonly reuse_: AuthorizationReuse
  protected readonly webhooks_: WebhookActions

  static override validateOptions(options: Record<string, unknown>): void {
    rememberDinteroOptions(parseDinteroOptions(options))
  }

  constructor(cradle: Cradle, options: Record<string, unknown>) {
    super(cradle, options as unknown as DinteroOptions)
    this.options_ = rememberDinteroOptions(parseDinteroOptions(options))
    const logger = cradle.logger
    if (logger) {
      setDinteroLogger({
        debug: (m) => logger.debug(`[dintero] ${m}`),
        info: (m) => logger.info(`[dintero] ${m}`),
        warn: (m) => logger.warn(`[dintero] ${m}`),
        error: (m) => logger.error(`[dintero] ${m}`),
      })
    }
    const warning = backendUrlWarning(this.options_)
    if (warning) logger?.warn(`[dintero] ${warning}`)
    // Shared with the Orders mirror and the admin routes: one token cache for the whole process.
    this.client_ = dinteroClientFor(this.options_)
    const ctx: ProviderContext = { cradle, client: this.client_, options: this.options_, logger }
    this.status_ = new PaymentStatus(ctx, verifiedTransactions)
    this.reuse_ = new AuthorizationReuse(ctx, appKeptAuthorizations)
    this.sessions_ = new CheckoutSessions(ctx, this.reuse_)
    this.money_ = new MoneyMovement(ctx, this.status_)
    this.webhooks_ = new WebhookActions(ctx, verifiedTransactions)
  }

  /** The Dintero client, for the plugin's own routes and workflows (e.g. a connection test). */
  get client(): DinteroClient {
    return this.client_
  }

  get options(): DinteroOptions {
    return this.options_
  }

  async initiatePayment(input: InitiatePaymentInput): Promise<InitiatePaymentOutput> {
    return await this.sessions_.initiate(input)
  }

  async updatePayment(input: UpdatePaymentInput): Promise<UpdatePaymentOutput> {
    return await this.sessions_.update(input)
  }

  async deletePayment(input: DeletePaymentInput): Promise<DeletePaymentOutput> {
    return await this.sessions_.cancel(input.data)
  }

  async authorizePayment(input: AuthorizePaymentInput): Promise<AuthorizePaymentOutput> {
    return await this.status_.read(input.data)
  }

  async getPaymentStatus(input: GetPaymentStatusInput): Promise<GetPaymentStatusOutput> {
    return await this.status_.read(input.data)
  }

  async retrievePayment(input: RetrievePaymentInput): Promise<RetrievePaymentOutput> {
    return await this.status_.retrieve(input.data)
  }

  async capturePayment(input: CapturePaymentInput): Promise<CapturePaymentOutput> {
    return await this.money_.capture(readPaymentData(input.data), input.context?.idempotency_key)
  }

  async refundPayment(input: RefundPaymentInput): Promise<RefundPaymentOutput> {
    return await this.money_.refund(readPaymentData(input.data), input.amount, input.context?.idempotency_key)
  }

  /** An authorization kept for an order edit stays at Dintero; any other is voided (or its unpaid session cancelled). */
  async cancelPayment(input: CancelPaymentInput): Promise<CancelPaymentOutput> {
    const data = readPaymentData(input.data)
    return (
      (await this.reuse_.keepInsteadOfVoid(data)) ??
      (await this.money_.void(data, () => this.sessions_.cancel(input.data)))
    )
  }

  async getWebhookActionAndData(payload: ProviderWebhookPayload["payload"]): Promise<WebhookActionResult> {
    return await this.webhooks_.fromPayload(payload)
  }
}
