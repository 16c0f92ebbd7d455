import { ConflictError, NotFoundError, UnprocessableError } from '@shop/platform/errors';

export class ProductNotFoundError extends NotFoundError {
  override readonly code = 'CATALOG.PRODUCT_NOT_FOUND';
  constructor(productId: string) {
    super(`product ${productId} does not exist`);
  }
}

export class SkuNotFoundError extends NotFoundError {
  override readonly code = 'CATALOG.SKU_NOT_FOUND';
  constructor(sku: string) {
    super(`SKU ${sku} does not exist`);
  }
}

export class ProductExistsError extends ConflictError {
  override readonly code = 'CATALOG.PRODUCT_EXISTS';
  constructor(productId: string) {
    super(`product ${productId} already exists`);
  }
}

/** A SKU belongs to one product for ever, even after that product dropped or archived it. */
export class DuplicateSkuError extends ConflictError {
  override readonly code = 'CATALOG.DUPLICATE_SKU';
  readonly skus: readonly string[];
  constructor(skus: readonly string[]) {
    super(`SKU ${skus.join(', ')} already belongs to another product`, { extensions: { skus: [...skus] } });
    this.skus = skus;
  }
}

export class ConcurrentUpdateError extends ConflictError {
  override readonly code = 'CATALOG.CONCURRENT_UPDATE';
  constructor(what: string) {
    super(`${what} was changed by another request at the same time; read it again and retry`);
  }
}

export class OnHandBelowReservedError extends ConflictError {
  override readonly code = 'CATALOG.ON_HAND_BELOW_RESERVED';
  constructor(sku: string, reserved: number) {
    super(`SKU ${sku} has ${reserved} units reserved by orders; onHand cannot go below that`, {
      extensions: { reserved },
    });
  }
}

export class TooManyChangesError extends UnprocessableError {
  override readonly code = 'CATALOG.TOO_MANY_CHANGES';
}

export class ImageNotFoundError extends NotFoundError {
  override readonly code = 'CATALOG.IMAGE_NOT_FOUND';
  constructor(productId: string, imageId: string) {
    super(`product ${productId} has no image ${imageId}`);
  }
}

export class TooManyImagesError extends ConflictError {
  override readonly code = 'CATALOG.TOO_MANY_IMAGES';
  constructor(productId: string, max: number) {
    super(`product ${productId} already lists ${max} images; delete one first`, { extensions: { max } });
  }
}
