import { createAuth, createHttpHandler } from '@shop/platform/http';
import { withInvocation } from '@shop/platform/invocation';
import { buildApp } from '../api/app.ts';
import { createPaymentDeps } from '../composition-root.ts';
import { httpEnv } from '../env.ts';

const env = httpEnv();

export const handler = withInvocation(
  createHttpHandler(
    buildApp({
      ...createPaymentDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }),
      auth: createAuth({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwks: env.AUTH_JWKS_URL }),
    }),
  ),
);
