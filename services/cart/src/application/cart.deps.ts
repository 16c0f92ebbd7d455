import type { CartRepository } from '../domain/cart.repository.port.ts';
import type { CartTokens } from '../domain/cart-token.port.ts';
import type { ProductReplica } from '../domain/product-replica.port.ts';
import type { SkuLookup } from '../domain/sku-lookup.port.ts';

/** What the cart's use cases work with; adapters are chosen by the composition root. */
export interface CartDeps {
  readonly carts: CartRepository;
  readonly replica: ProductReplica;
  readonly catalog: SkuLookup;
  readonly tokens: CartTokens;
  /** Defaults to the system clock. */
  readonly clock?: () => Date;
  /** Defaults to random UUIDs. */
  readonly newId?: () => string;
}

export const nowOf = (deps: Pick<CartDeps, 'clock'>): Date => deps.clock?.() ?? new Date();
export const newIdOf = (deps: Pick<CartDeps, 'newId'>): string => deps.newId?.() ?? crypto.randomUUID();
