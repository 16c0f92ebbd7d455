export {
  OrderCancelled,
  type OrderCancelledData,
  OrderConfirmed,
  type OrderConfirmedData,
} from './order.events.ts';
