export {
  ApplyPromotionRequest,
  CART_TOKEN_HEADER,
  Cart,
  CartId,
  CartLine,
  CartToken,
  GuestCartCreated,
  LineQuantity,
  MAX_CART_LINES,
  MAX_LINE_QUANTITY,
  MergeCartRequest,
  MIN_LINE_QUANTITY,
  SetCartItemRequest,
} from './cart.schemas.ts';
export {
  CHECKOUT_VIEW_ERRORS,
  CHECKOUT_VIEW_FUNCTION,
  CheckoutView,
  CheckoutViewInput,
  CheckoutViewLine,
  CheckoutViewOutput,
} from './checkout-view.schema.ts';
