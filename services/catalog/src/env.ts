import { AuthEnv, lazyEnv, PlatformEnv } from '@shop/platform/env';
import * as z from 'zod';
import { DEFAULT_RESERVATION_HOLD_SECONDS } from './domain/stock.entity.ts';

const TaskEnv = PlatformEnv.extend({
  TABLE_NAME: z.string().min(1),
  /** How long a stock reservation holds its units; past it the expiry job settles it. */
  RESERVATION_HOLD_SECONDS: z.coerce.number().int().min(1).default(DEFAULT_RESERVATION_HOLD_SECONDS),
});
const BucketEnv = z.object({ BUCKET_NAME: z.string().min(1), BUCKET_PUBLIC_URL: z.url() });
const ImageEnv = TaskEnv.extend(BucketEnv.shape);
const HttpEnv = ImageEnv.extend(AuthEnv.shape);

export type TaskEnv = z.infer<typeof TaskEnv>;
export type HttpEnv = z.infer<typeof HttpEnv>;
export type ImageEnv = z.infer<typeof ImageEnv>;

/** What every catalog function reads (tasks, consumer, seed). Parsed once, on first use. */
export const taskEnv = lazyEnv(TaskEnv);

/** The image notification function also needs the bucket. */
export const imageEnv = lazyEnv(ImageEnv);

// The variable the platform derives for `invokes: ['order.orderStatuses']` (checked by service.test.ts).
export const ORDER_STATUSES_FUNCTION_VARIABLE = 'ORDER_ORDER_STATUSES_FUNCTION_NAME';

/** The expiry job also asks the order service where orders stand. */
export const expiryEnv = lazyEnv(TaskEnv.extend({ ORDER_ORDER_STATUSES_FUNCTION_NAME: z.string().min(1) }));

/** The HTTP function also verifies tokens and hands out upload URLs. */
export const httpEnv = lazyEnv(HttpEnv);
