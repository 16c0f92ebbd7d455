import { PromotionsEntryCreated } from '@shop/contracts/promotions';
import { nowOf } from '@shop/platform/clock';
import { createEvent } from '@shop/platform/outbox';
import { newEntry, type PromotionsEntry } from '../domain/promotions.entity.ts';
import { PromotionsEntryExistsError } from '../domain/promotions.errors.ts';
import type { PromotionsDeps } from './promotions.deps.ts';

/** Creates an entry and announces it (`promotions.entry-created`) in the same transaction. */
export const createEntry = async (
  deps: PromotionsDeps,
  command: { readonly authorId: string; readonly text: string; readonly correlationId: string },
): Promise<PromotionsEntry> => {
  const now = nowOf(deps);
  const entry = newEntry(deps.newId?.() ?? crypto.randomUUID(), command.authorId, command.text, now);
  const event = createEvent(
    PromotionsEntryCreated,
    { entryId: entry.id, authorId: entry.authorId },
    { source: deps.source, correlationId: command.correlationId },
    now,
  );
  if (!(await deps.entries.create(entry, [event]))) throw new PromotionsEntryExistsError(entry.id);
  return entry;
};

/** One entry, or undefined. */
export const getEntry = (deps: PromotionsDeps, entryId: string) => deps.entries.get(entryId);
