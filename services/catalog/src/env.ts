import { AuthEnv, lazyEnv, PlatformEnv } from '@shop/platform/env';
import * as z from 'zod';

const TaskEnv = PlatformEnv.extend({ TABLE_NAME: z.string().min(1) });
const HttpEnv = TaskEnv.extend(AuthEnv.shape);

export type TaskEnv = z.infer<typeof TaskEnv>;
export type HttpEnv = z.infer<typeof HttpEnv>;

/** What every catalog function reads (tasks, consumer, seed). Parsed once, on first use. */
export const taskEnv = lazyEnv(TaskEnv);

/** The HTTP function also verifies tokens. */
export const httpEnv = lazyEnv(HttpEnv);
