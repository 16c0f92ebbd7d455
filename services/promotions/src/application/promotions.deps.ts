import type { Clock } from '@shop/platform/clock';
import type { PromotionRepository, RedemptionRepository } from '../domain/promotions.repository.port.ts';

/** What the use cases need; the composition root builds it. */
export interface PromotionsDeps {
  readonly promotions: PromotionRepository;
  readonly redemptions: RedemptionRepository;
  /** The events' `source`: the service name. */
  readonly source: string;
  readonly clock?: Clock;
}
