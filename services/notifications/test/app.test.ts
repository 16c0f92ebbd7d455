import { createDevIssuer } from '@shop/auth/dev-issuer';
import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { createAuth } from '@shop/platform/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { startNotificationsDb } from './notifications.fixture.ts';

let db: TestDynamoDb;
let app: ReturnType<typeof buildApp>;
let customer = '';

beforeAll(async () => {
  const started = await startNotificationsDb();
  db = started.db;
  const issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  app = buildApp({
    ...started.deps,
    auth: createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks }),
  });
  customer = (await issuer.mint({ sub: 'alice', roles: ['customer'] })).token;
});
afterAll(() => db.stop());

const post = (body: unknown, token?: string) =>
  app.request('/notifications', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });

describe('POST /notifications', () => {
  it('creates an entry for a signed-in customer (201)', async () => {
    const response = await post({ text: 'hello' }, customer);
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ authorId: 'alice', text: 'hello' });
  });

  it('answers 401 without a token and 400 problem+json for an empty text', async () => {
    expect((await post({ text: 'hello' })).status).toBe(401);
    const invalid = await post({ text: '' }, customer);
    expect(invalid.status).toBe(400);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
  });
});
