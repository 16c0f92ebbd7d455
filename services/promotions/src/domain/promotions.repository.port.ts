import type { EventEnvelope } from '@shop/contracts';
import type { PromotionsEntry } from './promotions.entity.ts';

export interface PromotionsRepository {
  get(entryId: string): Promise<PromotionsEntry | undefined>;
  /** Creates the entry and puts the events in the outbox, in one transaction; false when it exists. */
  create(entry: PromotionsEntry, events: readonly EventEnvelope[]): Promise<boolean>;
}
