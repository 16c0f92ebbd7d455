import { createAuth, createHttpHandler } from '@shop/platform/http';
import { withInvocation } from '@shop/platform/invocation';
import { buildApp } from '../api/app.ts';
import { createCatalogDeps } from '../composition-root.ts';
import { httpEnv } from '../env.ts';

const env = httpEnv();

export const handler = withInvocation(
  createHttpHandler(
    buildApp({
      ...createCatalogDeps(env.TABLE_NAME, undefined, {
        bucket: env.BUCKET_NAME,
        publicUrl: env.BUCKET_PUBLIC_URL,
      }),
      auth: createAuth({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwks: env.AUTH_JWKS_URL }),
    }),
  ),
);
