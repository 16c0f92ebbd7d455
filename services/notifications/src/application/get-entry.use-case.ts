import { GetNotificationsEntry } from '@shop/contracts/notifications';
import { defineInvokedFunction } from '@shop/platform/task';
import type { NotificationsDeps } from './notifications.deps.ts';
import { getEntry } from './notifications.use-cases.ts';
import { entryViewOf } from './notifications-view.mapper.ts';

/** The internal `getEntry` function: the contract's input in, `{ entry | null }` out. */
export const createGetEntryFunction = (deps: NotificationsDeps) =>
  defineInvokedFunction({
    contract: GetNotificationsEntry,
    errors: [],
    run: async ({ entryId }) => {
      const entry = await getEntry(deps, entryId);
      return { entry: entry ? entryViewOf(entry) : null };
    },
  });
