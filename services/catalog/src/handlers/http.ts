import { createAuth, createHttpHandler } from '@shop/platform/http';
import { buildApp } from '../api/app.ts';
import { httpEnv } from '../env.ts';
import { documentClientFromEnvironment } from '../infrastructure/document-client.factory.ts';
import { dynamoDbCatalogDeps } from '../infrastructure/dynamodb-catalog.deps.ts';

const env = httpEnv();

export const handler = createHttpHandler(
  buildApp({
    ...dynamoDbCatalogDeps(documentClientFromEnvironment(), env.TABLE_NAME),
    auth: createAuth({ issuer: env.AUTH_ISSUER, audience: env.AUTH_AUDIENCE, jwks: env.AUTH_JWKS_URL }),
  }),
);
