import { AuthEnv, lazyEnv, PlatformEnv, parseEnv } from '@shop/platform/env';
import * as z from 'zod';

const BaseEnv = PlatformEnv.extend({ TABLE_NAME: z.string().min(1) });

/** Functions that may ask the catalog (`invokes: ['catalog.lookupSkus']`). */
const LookupEnv = BaseEnv.extend({ CATALOG_LOOKUP_SKUS_FUNCTION_NAME: z.string().min(1) });

/** The variable holding the guest cart tokens' signing secret (a `secrets` entry of the definition). */
export const CART_TOKEN_SECRET_VARIABLE = 'CART_TOKEN_SECRET';

const HttpEnv = LookupEnv.extend(AuthEnv.shape).extend({
  [CART_TOKEN_SECRET_VARIABLE]: z.string().min(32),
  PROMOTIONS_CHECK_PROMOTION_FUNCTION_NAME: z.string().min(1),
});

export type BaseEnv = z.infer<typeof BaseEnv>;
export type LookupEnv = z.infer<typeof LookupEnv>;
export type HttpEnv = z.infer<typeof HttpEnv>;

/** The event consumers: their table only. Parsed once, on first use. */
export const baseEnv = lazyEnv(BaseEnv);

/** `checkoutView`: the table and the catalog's lookup function. */
export const lookupEnv = lazyEnv(LookupEnv);

/** The HTTP function also verifies bearer tokens and signs guest cart tokens. */
export const httpEnv = lazyEnv(HttpEnv);

/** Parses a given environment, for the tests of the HTTP function's variables. */
export const parseHttpEnv = (source: Record<string, string | undefined>): HttpEnv =>
  parseEnv(HttpEnv, source);
