import { AuthEnv, PlatformEnv, parseEnv } from '@shop/platform/env';
import * as z from 'zod';

const BaseEnv = PlatformEnv.extend({ TABLE_NAME: z.string().min(1) });

/** Functions that may ask the catalog (`invokes: ['catalog.lookupSkus']`). */
const LookupEnv = BaseEnv.extend({ CATALOG_LOOKUP_SKUS_FUNCTION_NAME: z.string().min(1) });

/** The variable holding the guest cart tokens' signing secret (a `secrets` entry of the definition). */
export const CART_TOKEN_SECRET_VARIABLE = 'CART_TOKEN_SECRET';

const HttpEnv = LookupEnv.extend(AuthEnv.shape).extend({ [CART_TOKEN_SECRET_VARIABLE]: z.string().min(32) });

export type BaseEnv = z.infer<typeof BaseEnv>;
export type LookupEnv = z.infer<typeof LookupEnv>;
export type HttpEnv = z.infer<typeof HttpEnv>;

let base: BaseEnv | undefined;
let lookup: LookupEnv | undefined;
let http: HttpEnv | undefined;

/** The event consumers: their table only. Parsed once, on first use. */
export const baseEnv = (): BaseEnv => {
  base ??= parseEnv(BaseEnv);
  return base;
};

/** `checkoutView`: the table and the catalog's lookup function. */
export const lookupEnv = (): LookupEnv => {
  lookup ??= parseEnv(LookupEnv);
  return lookup;
};

/** The HTTP function also verifies bearer tokens and signs guest cart tokens. */
export const httpEnv = (): HttpEnv => {
  http ??= parseEnv(HttpEnv);
  return http;
};

/** Exposed for the test of the secret guard. */
export const parseHttpEnv = (source: Record<string, string | undefined>): HttpEnv =>
  parseEnv(HttpEnv, source);
