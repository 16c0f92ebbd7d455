import { createAuth, createHttpHandler } from '@shop/platform/http';
import { buildApp } from '../api/app.ts';
import { httpEnv } from '../env.ts';
import { createPaymentDeps } from '../infrastructure/payment.composition.ts';

const env = httpEnv();

export const handler = createHttpHandler(
  buildApp({
    ...createPaymentDeps({ tableName: env.TABLE_NAME, source: env.SERVICE_NAME }),
    auth: createAuth({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwks: env.AUTH_JWKS_URL }),
  }),
);
