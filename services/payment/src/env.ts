import { AuthEnv, lazyEnv, PlatformEnv } from '@shop/platform/env';
import * as z from 'zod';

export const TaskEnv = PlatformEnv.extend({ TABLE_NAME: z.string().min(1) });
export type TaskEnv = z.infer<typeof TaskEnv>;

export const HttpEnv = TaskEnv.extend(AuthEnv.shape);
export type HttpEnv = z.infer<typeof HttpEnv>;

/** What the saga tasks need (no AUTH_*), parsed once. */
export const taskEnv = lazyEnv(TaskEnv);

/** What the HTTP function needs, parsed once. */
export const httpEnv = lazyEnv(HttpEnv);
