import { DinteroTransport, RequestSpec } from "./http"
import type {
  OrdersDraft,
  OrdersDraftCreate,
  OrdersItem,
  OrdersOperationKind,
  OrdersOrder,
  OrdersPaymentOperation,
  OrdersPaymentOperationCreate,
} from "./types"

/**
 * Dintero Orders ("Shopping") API: `{apiBaseUrl}/accounts/{aid}/shopping/...`.
 *
 * Reads are retried. Writes are NOT retried after a timeout / network error / 5xx: these calls carry no
 * reference Dintero would let us match, so a blind retry could add a second item, order or payment record.
 * They are retried only on 429 / ECONNREFUSED; otherwise the caller (the outbox) reconciles by reading the
 * draft / listing the order's operations before trying again.
 */
export class OrdersApi {
  constructor(private readonly transport: DinteroTransport) {}

  createDraft(body: OrdersDraftCreate): Promise<OrdersDraft> {
    return this.send<OrdersDraft>({ method: "POST", path: "/draft_orders", body, retry: "unsafe" })
  }

  getDraft(draftId: string): Promise<OrdersDraft> {
    return this.send<OrdersDraft>({ method: "GET", path: `/draft_orders/${enc(draftId)}`, retry: "idempotent" })
  }

  /** Adds one line (integer `line_id`) to an open draft; answers the updated draft. */
  addDraftItem(draftId: string, item: OrdersItem): Promise<OrdersDraft> {
    return this.send<OrdersDraft>({
      method: "POST",
      path: `/draft_orders/${enc(draftId)}/items`,
      body: item,
      retry: "unsafe",
    })
  }

  /** `PUT draft_orders/{id}/complete` with `{}`: one draft may become several orders. */
  async completeDraft(draftId: string): Promise<{ orders: OrdersOrder[] }> {
    const data = await this.send<{ orders?: OrdersOrder[] }>({
      method: "PUT",
      path: `/draft_orders/${enc(draftId)}/complete`,
      body: {},
      // Completing twice is refused once the draft is completed: treat as non-idempotent.
      retry: "unsafe",
    })
    return { orders: Array.isArray(data?.orders) ? data.orders : [] }
  }

  getOrder(orderId: string): Promise<OrdersOrder> {
    return this.send<OrdersOrder>({ method: "GET", path: `/orders/${enc(orderId)}`, retry: "idempotent" })
  }

  createAuthorization(orderId: string, op: OrdersPaymentOperationCreate): Promise<OrdersPaymentOperation> {
    return this.createOperation(orderId, "authorizations", op)
  }
  listAuthorizations(orderId: string): Promise<OrdersPaymentOperation[]> {
    return this.listOperations(orderId, "authorizations")
  }

  createCapture(orderId: string, op: OrdersPaymentOperationCreate): Promise<OrdersPaymentOperation> {
    return this.createOperation(orderId, "captures", op)
  }
  listCaptures(orderId: string): Promise<OrdersPaymentOperation[]> {
    return this.listOperations(orderId, "captures")
  }

  createRefund(orderId: string, op: OrdersPaymentOperationCreate): Promise<OrdersPaymentOperation> {
    return this.createOperation(orderId, "refunds", op)
  }
  listRefunds(orderId: string): Promise<OrdersPaymentOperation[]> {
    return this.listOperations(orderId, "refunds")
  }

  createCancellation(orderId: string, op: OrdersPaymentOperationCreate): Promise<OrdersPaymentOperation> {
    return this.createOperation(orderId, "cancellations", op)
  }
  listCancellations(orderId: string): Promise<OrdersPaymentOperation[]> {
    return this.listOperations(orderId, "cancellations")
  }

  private createOperation(
    orderId: string,
    kind: OrdersOperationKind,
    op: OrdersPaymentOperationCreate
  ): Promise<OrdersPaymentOperation> {
    return this.send<OrdersPaymentOperation>({
      method: "POST",
      path: `/orders/${enc(orderId)}/${kind}`,
      body: op,
      retry: "unsafe",
    })
  }

  /** Dintero wraps lists as `{"captures": [...]}`; a bare array is accepted too. */
  private async listOperations(orderId: string, kind: OrdersOperationKind): Promise<OrdersPaymentOperation[]> {
    const data = await this.send<OrdersPaymentOperation[] | Record<string, unknown>>({
      method: "GET",
      path: `/orders/${enc(orderId)}/${kind}`,
      retry: "idempotent",
    })
    if (Array.isArray(data)) return data
    const list = data?.[kind]
    return Array.isArray(list) ? (list as OrdersPaymentOperation[]) : []
  }

  private async send<T>(spec: Omit<RequestSpec, "host" | "path"> & { path: string }): Promise<T> {
    const prefix = `/accounts/${enc(this.transport.accountId)}/shopping`
    const res = await this.transport.request<T>({ ...spec, host: "api", path: prefix + spec.path })
    return res.data
  }
}

function enc(id: string): string {
  return encodeURIComponent(id)
}
