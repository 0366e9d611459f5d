/**
 * The dashboard's reads and writes of the plugin's admin routes: Medusa's JS SDK for the request, Tanstack Query
 * (the dashboard's own QueryClient) for caching, refetching and invalidation — as Medusa's admin does.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { sdk } from "./sdk"
import type { ConnectionTestResponse, OrderMirrorResponse, OrderPaymentsResponse, SettingsResponse } from "./types"

export const dinteroQueryKeys = {
  payments: (orderId: string) => ["dintero", "payments", orderId] as const,
  mirror: (orderId: string) => ["dintero", "orders-mirror", orderId] as const,
  settings: ["dintero", "settings"] as const,
}

/** The order's Dintero payments, each with its transaction as Dintero reports it now. */
export function useOrderPayments(orderId: string) {
  return useQuery({
    queryKey: dinteroQueryKeys.payments(orderId),
    queryFn: () => sdk.client.fetch<OrderPaymentsResponse>("/admin/dintero/payments", { query: { order_id: orderId } }),
  })
}

/** The order's Orders API mirror and its outbox operations (GET /admin/dintero/orders/:id). */
export function useOrderMirror(orderId: string) {
  return useQuery({
    queryKey: dinteroQueryKeys.mirror(orderId),
    queryFn: () => sdk.client.fetch<OrderMirrorResponse>(`/admin/dintero/orders/${encodeURIComponent(orderId)}`),
  })
}

/** Runs the order's pending or failed Orders API operations again; the mirror is read afresh afterwards. */
export function useRetryOrderMirror(orderId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () =>
      sdk.client.fetch<unknown>(`/admin/dintero/orders/${encodeURIComponent(orderId)}/retry`, { method: "POST", body: {} }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: dinteroQueryKeys.mirror(orderId) }),
  })
}

/** Reads the order's payments and mirror afresh (the widget's Refresh). */
export function useRefreshOrder(orderId: string) {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: dinteroQueryKeys.payments(orderId) }),
      queryClient.invalidateQueries({ queryKey: dinteroQueryKeys.mirror(orderId) }),
    ])
}

/** The configuration the server runs with (secrets masked by the route). */
export function useDinteroSettings() {
  return useQuery({
    queryKey: dinteroQueryKeys.settings,
    queryFn: () => sdk.client.fetch<SettingsResponse>("/admin/dintero/settings"),
  })
}

/** Fetches a token and checks the payment profile(s) against Dintero. */
export function useConnectionTest() {
  return useMutation({
    mutationFn: () =>
      sdk.client.fetch<ConnectionTestResponse>("/admin/dintero/settings/test-connection", { method: "POST", body: {} }),
  })
}

/** The message of a failed request, fit to show the merchant. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error && error.message) return error.message
  return "The Medusa server could not be reached."
}
