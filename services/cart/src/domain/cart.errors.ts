import {
  ConflictError,
  NotFoundError,
  NotPermittedError,
  ServiceUnavailableError,
  UnauthorizedError,
  UnprocessableError,
} from '@shop/platform/errors';

export class SkuNotFoundError extends NotFoundError {
  override readonly code = 'CART.SKU_NOT_FOUND';
  constructor(sku: string) {
    super(`the catalog has no SKU ${sku}`, { extensions: { sku } });
  }
}

/** The SKU exists but is not sold: its product is archived or the variant was removed. */
export class SkuNotAvailableError extends UnprocessableError {
  override readonly code = 'CART.SKU_NOT_AVAILABLE';
  constructor(sku: string) {
    super(`SKU ${sku} is no longer sold`, { extensions: { sku } });
  }
}

/**
 * More units asked than the catalog can sell now. `available` (a problem extension member) lets a
 * client offer that quantity instead.
 */
export class InsufficientStockError extends ConflictError {
  override readonly code = 'CART.INSUFFICIENT_STOCK';
  constructor(sku: string, requested: number, available: number) {
    super(
      available === 0
        ? `SKU ${sku} is out of stock`
        : `only ${available} of SKU ${sku} can be ordered now; ${requested} were asked for`,
      { extensions: { sku, requested, available } },
    );
  }
}

export class CartFullError extends UnprocessableError {
  override readonly code = 'CART.TOO_MANY_LINES';
  constructor(maxLines: number) {
    super(`a cart holds at most ${maxLines} different SKUs`, { extensions: { maxLines } });
  }
}

export class CurrencyMismatchError extends UnprocessableError {
  override readonly code = 'CART.CURRENCY_MISMATCH';
  constructor(sku: string, currency: string, cartCurrency: string) {
    super(`SKU ${sku} is priced in ${currency}, the cart in ${cartCurrency}`, { extensions: { sku } });
  }
}

/** Neither a bearer token nor a cart token came with a customer-or-guest request. */
export class CartCredentialsMissingError extends UnauthorizedError {
  override readonly code = 'CART.CREDENTIALS_MISSING';
  constructor() {
    super('send a bearer token (signed-in customer) or an X-Cart-Token header (guest cart from POST /carts)');
  }
}

/** A cart token that is malformed, not signed by the cart service, or expired. */
export class InvalidCartTokenError extends UnauthorizedError {
  override readonly code = 'CART.INVALID_CART_TOKEN';
  constructor(detail = 'the cart token is invalid or expired') {
    super(detail);
  }
}

/** A genuine cart token whose cart no longer exists (expired, or merged into a customer's cart). */
export class UnknownCartError extends UnauthorizedError {
  override readonly code = 'CART.UNKNOWN_CART';
  constructor() {
    super('the guest cart of this token does not exist any more; create a new one with POST /carts');
  }
}

/** The `cartToken` of a merge request is not a valid, unexpired token of this service. */
export class InvalidMergeTokenError extends UnprocessableError {
  override readonly code = 'CART.INVALID_MERGE_TOKEN';
  constructor() {
    super('cartToken is not a valid, unexpired guest cart token');
  }
}

export class CustomerRoleRequiredError extends NotPermittedError {
  override readonly code = 'CART.CUSTOMER_ROLE_REQUIRED';
  constructor() {
    super('a signed-in cart needs the customer role');
  }
}

/** The cart changed under us too many times in a row; the client may retry. */
export class CartConflictError extends ConflictError {
  override readonly code = 'CART.CONCURRENT_UPDATE';
  constructor() {
    super('the cart was changed concurrently; retry the request');
  }
}

/** `PUT /cart/promotion` with a code the promotions service does not know. */
export class PromotionNotFoundError extends NotFoundError {
  override readonly code = 'PROMOTION.NOT_FOUND';
  constructor(code: string) {
    super(`promotion ${code} does not exist`, { extensions: { promotionCode: code } });
  }
}

/**
 * A known code that cannot be applied now; `code` says why: `PROMOTION.EXPIRED`,
 * `PROMOTION.NOT_YET_VALID`, `PROMOTION.BELOW_MINIMUM`, `PROMOTION.EXHAUSTED`, `PROMOTION.INACTIVE`.
 */
export class PromotionNotApplicableError extends ConflictError {
  override readonly code: string;
  constructor(reason: string, detail: string, promotionCode: string) {
    super(detail, { extensions: { promotionCode } });
    this.code = `PROMOTION.${reason}`;
  }
}

/** A code is applied to a cart with lines: add items first. */
export class CartEmptyForPromotionError extends ConflictError {
  override readonly code = 'CART.EMPTY';
  constructor() {
    super('add items to the cart before applying a promotion code');
  }
}

/** The promotions service could not be asked about a code. */
export class PromotionsUnavailableError extends ServiceUnavailableError {
  override readonly code = 'CART.PROMOTIONS_UNAVAILABLE';
  constructor(cause?: unknown) {
    super('promotion codes cannot be checked right now; retry shortly', { cause });
  }
}

/** The catalog could not be asked about a SKU the cart's replica does not know. */
export class CatalogUnavailableError extends ServiceUnavailableError {
  override readonly code = 'CART.CATALOG_UNAVAILABLE';
  constructor(cause?: unknown) {
    super('the catalog cannot be reached to price this cart; retry shortly', { cause });
  }
}
