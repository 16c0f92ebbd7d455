import { createGetEntryFunction } from '../application/get-entry.use-case.ts';
import { createNotificationsDeps } from '../composition-root.ts';
import { functionEnv } from '../env.ts';

/** Internal function `notifications.getEntry`, invoked directly by other services (Lambda Invoke). */
export const handler = createGetEntryFunction(createNotificationsDeps(functionEnv().TABLE_NAME));
