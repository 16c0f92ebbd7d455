import { createDevIssuer } from '@shop/auth/dev-issuer';
import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { createAuth } from '@shop/platform/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/api/app.ts';
import { startPromotionsDb, uniqueCode } from './promotions.fixture.ts';

let db: TestDynamoDb;
let app: ReturnType<typeof buildApp>;
let admin = '';
let customer = '';

beforeAll(async () => {
  const started = await startPromotionsDb();
  db = started.db;
  const issuer = await createDevIssuer({ issuer: 'https://shop.test', audience: 'shop' });
  app = buildApp({
    ...started.deps,
    auth: createAuth({ issuer: issuer.issuer, audience: issuer.audience, jwks: issuer.jwks }),
  });
  admin = (await issuer.mint({ sub: 'root', roles: ['admin'] })).token;
  customer = (await issuer.mint({ sub: 'alice', roles: ['customer'] })).token;
});
afterAll(() => db.stop());

const send = (method: string, path: string, body?: unknown, token = admin) =>
  app.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('POST /promotions', () => {
  it('creates a code in upper case (201) and refuses it again in another case (409)', async () => {
    const code = uniqueCode('new');
    const response = await send('POST', '/promotions', {
      code: code.toLowerCase(),
      kind: 'percent',
      value: 10,
      maxRedemptions: 3,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({
      code,
      kind: 'percent',
      value: 10,
      maxRedemptions: 3,
      redemptions: 0,
      active: true,
    });
    const again = await send('POST', '/promotions', {
      code,
      kind: 'amount',
      value: { amount: 500, currency: 'USD' },
    });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'PROMOTION.EXISTS' });
  });

  it('answers 400 problem+json for a percentage outside 1-100, an amount as a number, or dates in the wrong order', async () => {
    for (const body of [
      { code: uniqueCode(), kind: 'percent', value: 0 },
      { code: uniqueCode(), kind: 'percent', value: 101 },
      { code: uniqueCode(), kind: 'amount', value: 500 },
      { code: 'x', kind: 'percent', value: 10 },
      {
        code: uniqueCode(),
        kind: 'percent',
        value: 10,
        startsAt: '2026-02-01T00:00:00Z',
        endsAt: '2026-01-01T00:00:00Z',
      },
    ]) {
      const response = await send('POST', '/promotions', body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
  });

  it('needs an admin: 401 without a token, 403 for a customer', async () => {
    const body = { code: uniqueCode(), kind: 'percent', value: 10 };
    expect((await send('POST', '/promotions', body, '')).status).toBe(401);
    expect((await send('POST', '/promotions', body, customer)).status).toBe(403);
  });
});

describe('GET /promotions and PATCH /promotions/{code}', () => {
  it('lists promotions page by page and deactivates one', async () => {
    const codes = [uniqueCode('LST'), uniqueCode('LST')];
    for (const code of codes) await send('POST', '/promotions', { code, kind: 'percent', value: 5 });
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 50; pages++) {
      const response = await send('GET', `/promotions?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { items: { code: string }[]; nextCursor?: string };
      seen.push(...page.items.map((item) => item.code));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(expect.arrayContaining(codes));
    expect((await send('GET', '/promotions?cursor=not-a-cursor')).status).toBe(400);

    const patched = await send('PATCH', `/promotions/${codes[0]?.toLowerCase()}`, {
      active: false,
      maxRedemptions: null,
    });
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ code: codes[0], active: false });
  });

  it('answers 404 PROMOTION.NOT_FOUND for an unknown code and 400 for an empty or unknown change', async () => {
    const missing = await send('PATCH', '/promotions/NO-SUCH-CODE', { active: false });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'PROMOTION.NOT_FOUND' });
    expect((await send('PATCH', '/promotions/NO-SUCH-CODE', {})).status).toBe(400);
    expect((await send('PATCH', '/promotions/NO-SUCH-CODE', { value: 50 })).status).toBe(400);
  });
});
