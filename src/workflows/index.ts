export {
  mirrorOrderPlacedWorkflow,
  mirrorPaymentRecordsWorkflow,
  mirrorOrderEditWorkflow,
  mirrorOrderCanceledWorkflow,
  processDinteroOrderOutboxWorkflow,
  retryDinteroOrderOperationsWorkflow,
} from "./mirror-order"
export { processOrderOutbox, settleOutbox } from "./lib/outbox-processor"
