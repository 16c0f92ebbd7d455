export { COUNTRY_CODES, CountryCode } from './country-code.schema.ts';
export {
  OrderCancelled,
  type OrderCancelledData,
  OrderConfirmed,
  type OrderConfirmedData,
  OrderRejected,
  type OrderRejectedData,
} from './order.events.ts';
export {
  AdminListOrdersQuery,
  CheckoutAccepted,
  CheckoutRequest,
  CustomerEmail,
  IdempotencyKey,
  ListOrdersQuery,
  Order,
  OrderId,
  OrderLine,
  OrderPage,
  OrderStatus,
  OrderStatusEntry,
  OrderStatusReason,
  OrderTotals,
  ShippingAddress,
} from './order.schemas.ts';
export {
  AbortCancellationInput,
  CancelOrderInput,
  CancelSagaInput,
  CheckoutSagaInput,
  ConfirmOrderInput,
  ORDER_STATE_MACHINES,
  ORDER_TASK_ERRORS,
  ORDER_TASKS,
  OrderTaskOutput,
  PlaceOrderInput,
  PriceOrderInput,
  PriceOrderOutput,
  RejectOrderInput,
  SettleSagaInput,
} from './order-saga.schemas.ts';
export {
  MAX_ORDER_STATUSES,
  ORDER_STATUSES_FUNCTION,
  OrderStatuses,
  OrderStatusesInput,
  OrderStatusesOutput,
} from './order-statuses.schema.ts';
export {
  ORDER_VIEW_FUNCTION,
  OrderView,
  type OrderViewInput,
  type OrderViewOutput,
} from './order-view.schema.ts';
