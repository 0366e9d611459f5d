import type { z } from "zod"
import { DinteroError } from "./errors"
import { DinteroTransport, RequestSpec } from "./http"
import {
  OrdersCompleted,
  OrdersDraft as OrdersDraftSchema,
  OrdersOperationList,
  OrdersOrderRead,
  OrdersPaymentOperation as OrdersPaymentOperationSchema,
  orderIdOf,
  readContract,
} from "./contract"
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
    return this.send(OrdersDraftSchema, "the draft order", { method: "POST", path: "/draft_orders", body, retry: "unsafe" })
  }

  getDraft(draftId: string): Promise<OrdersDraft> {
    return this.send(OrdersDraftSchema, "the draft order", { method: "GET", path: `/draft_orders/${enc(draftId)}`, retry: "idempotent" })
  }

  /** Adds one line (integer `line_id`) to an open draft; answers the updated draft. */
  addDraftItem(draftId: string, item: OrdersItem): Promise<OrdersDraft> {
    return this.send(OrdersDraftSchema, "the draft order", {
      method: "POST",
      path: `/draft_orders/${enc(draftId)}/items`,
      body: item,
      retry: "unsafe",
    })
  }

  /**
   * `PUT draft_orders/{id}/complete` with `{}`: one draft may become several orders (`{orders: [...]}`). Each order's
   * `order_id` is set to the identity `/orders/{order_id}` takes: Dintero's `order_id` when filled, else its `id`
   * (which field Dintero fills is not settled by its docs: docs/dintero-contract.md).
   */
  async completeDraft(draftId: string): Promise<{ orders: OrdersOrder[] }> {
    const data = await this.send(OrdersCompleted, "the completed draft", {
      method: "PUT",
      path: `/draft_orders/${enc(draftId)}/complete`,
      body: {},
      // Completing twice is refused once the draft is completed: treat as non-idempotent.
      retry: "unsafe",
    })
    return { orders: data.orders.map(withOrderId) }
  }

  async getOrder(orderId: string): Promise<OrdersOrder> {
    return withOrderId(await this.send(OrdersOrderRead, "the order", { method: "GET", path: `/orders/${enc(orderId)}`, retry: "idempotent" }))
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
    return this.send(OrdersPaymentOperationSchema, `the recorded ${kind.slice(0, -1)}`, {
      method: "POST",
      path: `/orders/${enc(orderId)}/${kind}`,
      body: op,
      retry: "unsafe",
    })
  }

  /** Dintero wraps lists as `{"captures": [...]}` (ORDERS get-authorization-collection). */
  private async listOperations(orderId: string, kind: OrdersOperationKind): Promise<OrdersPaymentOperation[]> {
    const data = await this.send(OrdersOperationList(kind), `the ${kind} list`, {
      method: "GET",
      path: `/orders/${enc(orderId)}/${kind}`,
      retry: "idempotent",
    })
    return data[kind] as OrdersPaymentOperation[]
  }

  /**
   * One exchange, its 2xx body checked against the contract. A 403 names the scope the Orders API needs
   * (`admin:shopping`, or `write:shopping` / `read:shopping`; SEED:003), since a checkout-only API client gets 403 on
   * every Orders call.
   */
  private async send<S extends z.ZodType>(schema: S, what: string, spec: Omit<RequestSpec, "host" | "path"> & { path: string }): Promise<z.infer<S>> {
    const prefix = `/accounts/${enc(this.transport.accountId)}/shopping`
    const full: RequestSpec = { ...spec, host: "api", path: prefix + spec.path }
    let res
    try {
      res = await this.transport.request<unknown>(full)
    } catch (err) {
      throw err instanceof DinteroError && err.status === 403 ? withScopeHint(err, spec.method === "GET") : err
    }
    return readContract(schema, res.data, what, {
      method: spec.method,
      path: this.transport.displayPath(full),
      status: res.status,
      requestId: res.requestId,
    })
  }
}

function withOrderId<T extends { order_id?: string; id?: string }>(order: T): T & { order_id: string } {
  return { ...order, order_id: orderIdOf(order) }
}

/** The same 403, its message naming the scope the API client lacks. */
function withScopeHint(err: DinteroError, read: boolean): DinteroError {
  const needed = read ? "admin:shopping or read:shopping" : "admin:shopping or write:shopping"
  return new DinteroError({
    kind: err.kind,
    method: err.method,
    path: err.path,
    status: err.status,
    code: err.code ?? "FORBIDDEN",
    dinteroMessage: `${err.dinteroMessage ? `${err.dinteroMessage}; ` : ""}the Orders API needs the scope ${needed} on this API client (missing scope)`,
    errors: err.errors,
    requestId: err.requestId,
    retryable: false,
  })
}

function enc(id: string): string {
  return encodeURIComponent(id)
}
