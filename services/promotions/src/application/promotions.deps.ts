import type { Clock } from '@shop/platform/clock';
import type { PromotionsRepository } from '../domain/promotions.repository.port.ts';

/** What the use cases need; the composition root builds it. */
export interface PromotionsDeps {
  readonly entries: PromotionsRepository;
  /** The events' `source`: the service name. */
  readonly source: string;
  readonly clock?: Clock;
  readonly newId?: () => string;
}
