import type { Clock } from '@shop/platform/clock';
import type { CartRepository } from '../domain/cart.repository.port.ts';
import type { CartTokens } from '../domain/cart-token.port.ts';
import type { ProductReplica } from '../domain/product-replica.port.ts';
import type { PromotionChecker } from '../domain/promotion-checker.port.ts';
import type { SkuLookup } from '../domain/sku-lookup.port.ts';

/** Where use cases report what an operator should know, e.g. an answer given in a degraded mode. */
export interface CartLogger {
  warn(message: string, attributes: Record<string, unknown>): void;
}

/** What the cart's use cases work with; adapters are chosen by the composition root. */
export interface CartDeps {
  readonly carts: CartRepository;
  readonly replica: ProductReplica;
  readonly catalog: SkuLookup;
  readonly tokens: CartTokens;
  /** The promotions service, asked when a shopper applies a code. */
  readonly promotions: PromotionChecker;
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** Defaults to random UUIDs. */
  readonly newId?: () => string;
  /** Defaults to the function's Powertools logger. */
  readonly logger?: CartLogger;
}

export const newIdOf = (deps: Pick<CartDeps, 'newId'>): string => deps.newId?.() ?? crypto.randomUUID();
