import { CHECKOUT_VIEW_ERRORS, CheckoutViewInput, type CheckoutViewOutput } from '@shop/contracts/cart';
import { CatalogUnavailableError } from '../domain/cart.errors.ts';
import { customerOwner } from '../domain/cart-owner.ts';
import { displayName } from '../domain/sku-snapshot.ts';
import { type CartDeps, nowOf } from './cart.deps.ts';
import { pricedLines } from './cart-view.mapper.ts';
import { resolveSkus } from './price-book.ts';

/** An error whose `name` is what the invoker sees as the Lambda `errorType`. */
export class CheckoutViewError extends Error {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = name;
  }
}

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
  };
};

/**
 * The `checkoutView` function body (Lambda Invoke by the order service). Fails with an error named
 * `InvalidCheckoutViewInput` for a bad input and `CatalogUnavailable` when a line cannot be priced.
 */
export const createCheckoutViewTask =
  (deps: Pick<CartDeps, 'carts' | 'replica' | 'catalog' | 'clock'>) =>
  async (event: unknown): Promise<CheckoutViewOutput> => {
    const input = CheckoutViewInput.safeParse(event);
    if (!input.success) {
      throw new CheckoutViewError(CHECKOUT_VIEW_ERRORS.invalidInput, `invalid input: ${input.error.message}`);
    }
    try {
      return await checkoutViewOf(deps, input.data.customerId);
    } catch (error) {
      if (error instanceof CatalogUnavailableError) {
        throw new CheckoutViewError(CHECKOUT_VIEW_ERRORS.catalogUnavailable, error.message, { cause: error });
      }
      throw error;
    }
  };
