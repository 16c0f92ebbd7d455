import { createAuth } from '@shop/platform/http';
import { withInvocation } from '@shop/platform/invocation';
import { handle } from 'hono/aws-lambda';
import { buildApp } from '../api/app.ts';
import { createNotificationsDeps } from '../composition-root.ts';
import { httpEnv } from '../env.ts';

const env = httpEnv();

export const handler = withInvocation(
  handle(
    buildApp({
      ...createNotificationsDeps(env.TABLE_NAME),
      auth: createAuth({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwks: env.AUTH_JWKS_URL }),
    }),
  ),
);
