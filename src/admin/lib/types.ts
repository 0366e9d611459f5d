// Shapes of the plugin's admin routes (src/api/admin/dintero/**), as the dashboard reads them: shared with the
// routes, type-only (erased from the bundle), so there is one definition of each wire shape.
export type {
  ConnectionTestResponse,
  DinteroFailure,
  DinteroPaymentView,
  DinteroSettingsView,
  HeldPaymentView,
  MirrorOperationView,
  OrderMirrorResponse,
  OrderPaymentsResponse,
  PaymentProfileView,
  SettingsResponse,
  TransactionEventView,
  TransactionView,
} from "../../api/admin/dintero/lib/wire-types"
