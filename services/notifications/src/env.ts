import { AuthEnv, lazyEnv, PlatformEnv } from '@shop/platform/env';
import * as z from 'zod';

const FunctionEnv = PlatformEnv.extend({ TABLE_NAME: z.string().min(1) });
const HttpEnv = FunctionEnv.extend(AuthEnv.shape);

export type FunctionEnv = z.infer<typeof FunctionEnv>;
export type HttpEnv = z.infer<typeof HttpEnv>;

/** What the internal function reads, parsed once. */
export const functionEnv = lazyEnv(FunctionEnv);

/** The HTTP function also verifies tokens. */
export const httpEnv = lazyEnv(HttpEnv);
