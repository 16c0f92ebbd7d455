import { AuthEnv, lazyEnv, PlatformEnv } from '@shop/platform/env';
import * as z from 'zod';

const TaskEnv = PlatformEnv.extend({ TABLE_NAME: z.string().min(1) });
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

/** The HTTP function also verifies tokens and hands out upload URLs. */
export const httpEnv = lazyEnv(HttpEnv);
