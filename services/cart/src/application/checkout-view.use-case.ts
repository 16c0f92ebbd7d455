import { CHECKOUT_VIEW_ERRORS, CheckoutView, type CheckoutViewOutput } from '@shop/contracts/cart';
import { nowOf } from '@shop/platform/clock';
import { defineInvokedFunction } from '@shop/platform/task';
import { CatalogUnavailableError } from '../domain/cart.errors.ts';
import { customerOwner } from '../domain/cart-owner.ts';
import { displayName } from '../domain/sku-snapshot.ts';
import type { CartDeps } from './cart.deps.ts';
import { pricedLines } from './cart-view.mapper.ts';
import { resolveSkus } from './price-book.ts';

/** The customer's cart as checkout needs it: the lines the cart shows, at the prices it shows. */
export const checkoutViewOf = async (
  deps: Pick<CartDeps, 'carts' | 'replica' | 'catalog' | 'clock'>,
  customerId: string,
): Promise<CheckoutViewOutput> => {
  const cart = await deps.carts.find(customerOwner(customerId), nowOf(deps));
  const snapshots = await resolveSkus(deps, cart?.lines.map((line) => line.sku) ?? []);
  const { lines, currency } = pricedLines(cart, snapshots);
  return {
    cartId: cart?.id ?? null,
    customerId,
    items: lines.map(({ line, snapshot }) => ({
      sku: line.sku,
      productId: snapshot.productId,
      name: displayName(snapshot),
      quantity: line.quantity,
      unitPrice: snapshot.price,
    })),
    subtotal: {
      amount: lines.reduce((sum, { line, snapshot }) => sum + snapshot.price.amount * line.quantity, 0),
      currency,
    },
    ...(cart?.promotion ? { promotionCode: cart.promotion.code } : {}),
  };
};

/**
 * The `checkoutView` function (Lambda Invoke by the order service): `TaskInputInvalid` for a bad
 * input, `CatalogUnavailable` when a line cannot be priced, `TransientError` for anything else.
 */
export const createCheckoutViewFunction = (deps: Pick<CartDeps, 'carts' | 'replica' | 'catalog' | 'clock'>) =>
  defineInvokedFunction({
    contract: CheckoutView,
    errors: [[CatalogUnavailableError, CHECKOUT_VIEW_ERRORS.catalogUnavailable]],
    run: ({ customerId }) => checkoutViewOf(deps, customerId),
  });
