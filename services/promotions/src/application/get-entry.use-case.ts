import { GetPromotionsEntry } from '@shop/contracts/promotions';
import { defineInvokedFunction } from '@shop/platform/task';
import type { PromotionsDeps } from './promotions.deps.ts';
import { getEntry } from './promotions.use-cases.ts';
import { entryViewOf } from './promotions-view.mapper.ts';

/** The internal `getEntry` function: the contract's input in, `{ entry | null }` out. */
export const createGetEntryFunction = (deps: PromotionsDeps) =>
  defineInvokedFunction({
    contract: GetPromotionsEntry,
    errors: [],
    run: async ({ entryId }) => {
      const entry = await getEntry(deps, entryId);
      return { entry: entry ? entryViewOf(entry) : null };
    },
  });
