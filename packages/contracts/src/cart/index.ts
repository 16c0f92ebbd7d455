export {
  CHECKOUT_VIEW_FUNCTION,
  CheckoutViewInput,
  CheckoutViewLine,
  CheckoutViewOutput,
} from './checkout-view.schema.ts';
