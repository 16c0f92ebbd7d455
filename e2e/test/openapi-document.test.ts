import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { RouteConfig } from '@hono/zod-openapi';
import { DevTokenRequest } from '@shop/auth/dev-issuer';
import { builtinRouteConfigs } from '@shop/local-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod';
import { REPO_ROOT, type ShopStack, startShopStack } from './support/shop-stack.ts';

type Json = Record<string, unknown>;

interface Operation {
  readonly method: string;
  readonly path: string;
  readonly spec: Json;
  /** The route config the operation was generated from: its zod schemas are the contract. */
  readonly route: RouteConfig;
}

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A `$ref` into the document, followed (`#/components/schemas/Money`). */
const resolve = (doc: Json, value: unknown): Json => {
  if (!isObject(value) || typeof value.$ref !== 'string') return isObject(value) ? value : {};
  const target = value.$ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (isObject(node) ? node[key] : undefined), doc);
  return resolve(doc, target);
};

/** The example a reader (and Scalar's "try it") sees for a media type: its own, else its schema's. */
const exampleOf = (doc: Json, media: Json): unknown => media.example ?? resolve(doc, media.schema).example;

/** A parameter's value for a request: its example, its schema's, or an enum's first value. */
const parameterValue = (doc: Json, parameter: Json): string | undefined => {
  const schema = resolve(doc, parameter.schema);
  const value =
    parameter.example ?? schema.example ?? (Array.isArray(schema.enum) ? schema.enum[0] : undefined);
  return value === undefined ? undefined : String(value);
};

type ContentMap = Record<string, { schema: z.ZodType }>;
const contentOf = (value: unknown): ContentMap =>
  isObject(value) && isObject(value.content) ? (value.content as ContentMap) : {};

describe('the OpenAPI document the gateway serves', () => {
  let shop: ShopStack;
  let doc: Json;
  let operations: Operation[];
  let token: string;

  beforeAll(async () => {
    shop = await startShopStack();
    doc = (await (await fetch(`${shop.gatewayUrl}/openapi.json`)).json()) as Json;
    const routes = [
      ...builtinRouteConfigs({ devTokenRequest: DevTokenRequest, mailbox: true }),
      ...shop.stack.services.flatMap((service) =>
        service.functions.flatMap((fn) => fn.triggers.flatMap((t) => (t.type === 'http' ? t.routes : []))),
      ),
    ];
    operations = Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item).map(([method, spec]) => {
        const route = routes.find((r) => r.method === method && r.path === path);
        if (!route || !isObject(spec)) throw new Error(`no route config for ${method} ${path}`);
        return { method, path, spec, route };
      }),
    );
    const minted = await fetch(`${shop.gatewayUrl}/dev/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ sub: 'openapi-examples', roles: ['customer', 'admin'] }),
    });
    token = ((await minted.json()) as { token: string }).token;
  }, 120_000);

  afterAll(() => shop?.stop());

  it('lints clean with Redocly’s recommended rules: no error, no warning', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc, null, 2));
      writeFileSync(join(dir, 'redocly.yaml'), 'extends:\n  - recommended\n');
      const redocly = join(REPO_ROOT, 'node_modules', '.bin', 'redocly');
      const { stdout } = await promisify(execFile)(
        redocly,
        ['lint', file, '--config', join(dir, 'redocly.yaml'), '--format', 'json'],
        {
          // No usage telemetry and no update check: the lint needs no network.
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        },
      ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      const report = JSON.parse(stdout) as { totals: Json; problems: { ruleId: string; message: string }[] };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the server, a licence and how to get a token', () => {
    expect(doc.servers).toEqual([expect.objectContaining({ url: shop.gatewayUrl })]);
    const info = doc.info as Json;
    expect(info.license).toMatchObject({ name: expect.any(String) });
    expect(info.description).toContain('POST /dev/token');
    expect(info.description).toContain(`${shop.gatewayUrl}/dev/token`);
  });

  it('documents the gateway’s own routes', () => {
    expect(Object.keys(doc.paths as Json)).toEqual(
      expect.arrayContaining(['/health', '/dev/token', '/.well-known/jwks.json', '/openapi.json', '/docs']),
    );
  });

  it('states the security of every operation, empty where it is public', () => {
    for (const { method, path, spec } of operations) {
      expect(Array.isArray(spec.security), `${method} ${path}`).toBe(true);
    }
    const publicOperations = operations
      .filter(({ spec }) => (spec.security as unknown[]).length === 0)
      .map(({ method, path }) => `${method} ${path}`);
    expect(publicOperations).toEqual(
      expect.arrayContaining(['get /products', 'get /categories', 'get /inventory/{sku}', 'post /carts']),
    );
  });

  it('has an example for every request and response body, valid against its own schema', () => {
    const checked: string[] = [];
    for (const { method, path, spec, route } of operations) {
      const bodies: [string, Json, ContentMap][] = [];
      if (isObject(spec.requestBody))
        bodies.push(['request', resolve(doc, spec.requestBody), contentOf(route.request?.body)]);
      for (const [status, response] of Object.entries((spec.responses ?? {}) as Json)) {
        bodies.push([status, resolve(doc, response), contentOf(route.responses[status])]);
      }
      for (const [part, documented, zodContent] of bodies) {
        for (const [mediaType, media] of Object.entries((documented.content ?? {}) as Record<string, Json>)) {
          const where = `${method} ${path} ${part} ${mediaType}`;
          const example = exampleOf(doc, media);
          expect(example, `${where} has no example`).toBeDefined();
          const schema = zodContent[mediaType]?.schema;
          expect(schema, `${where} has no zod schema`).toBeDefined();
          const parsed = schema?.safeParse(example);
          expect(parsed?.success, `${where}: ${JSON.stringify(parsed?.error?.issues)}`).toBe(true);
          checked.push(where);
        }
      }
    }
    expect(checked.length).toBeGreaterThan(operations.length);
  });

  it('answers every request example without a 5xx, as the document says', async () => {
    const answered: string[] = [];
    for (const { method, path, spec, route } of operations) {
      const parameters = ((spec.parameters ?? []) as unknown[]).map((p) => resolve(doc, p));
      let url = path;
      const query = new URLSearchParams();
      const headers: Record<string, string> = {};
      for (const parameter of parameters) {
        const value = parameterValue(doc, parameter);
        const name = String(parameter.name);
        if (value === undefined) {
          expect(parameter.required, `${method} ${path}: required ${name} has no example`).not.toBe(true);
          continue;
        }
        if (parameter.in === 'path') url = url.replace(`{${name}}`, encodeURIComponent(value));
        else if (parameter.in === 'query') query.set(name, value);
        else if (parameter.in === 'header') headers[name] = value;
      }
      const security = (spec.security ?? []) as Json[];
      if (security.some((requirement) => 'bearerAuth' in requirement))
        headers.authorization = `Bearer ${token}`;
      let body: string | undefined;
      if (isObject(spec.requestBody)) {
        const media = (resolve(doc, spec.requestBody).content as Record<string, Json>)['application/json'];
        body = JSON.stringify(media ? exampleOf(doc, media) : undefined);
        headers['content-type'] = 'application/json';
      }
      const target = `${url}${query.size > 0 ? `?${query}` : ''}`;
      const send = () =>
        fetch(`${shop.gatewayUrl}${target}`, {
          method: method.toUpperCase(),
          headers,
          redirect: 'manual',
          ...(body === undefined ? {} : { body }),
        });
      let response = await send();
      // A 503 says "retry after": a function's first start on a busy machine can outlast an
      // inter-service timeout. A client retries; so does this one, a bounded number of times.
      for (let retry = 0; response.status === 503 && retry < 5; retry += 1) {
        const seconds = Math.min(Number(response.headers.get('retry-after') ?? 1) || 1, 2);
        await response.arrayBuffer();
        await new Promise((r) => setTimeout(r, seconds * 1000));
        response = await send();
      }
      const text = await response.text();
      const where = `${method.toUpperCase()} ${target} -> ${response.status} ${text.slice(0, 300)}`;
      expect(response.status, where).toBeLessThan(500);
      const documented = route.responses[String(response.status)];
      expect(documented, `${where}: status not documented`).toBeDefined();
      const mediaType = response.headers.get('content-type')?.split(';')[0] ?? '';
      const schema = contentOf(documented)[mediaType]?.schema;
      if (schema) {
        const payload = mediaType.endsWith('json') ? JSON.parse(text) : text;
        const parsed = schema.safeParse(payload);
        expect(parsed.success, `${where}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      } else {
        expect(Object.keys(contentOf(documented)), `${where}: undocumented body`).toEqual([]);
      }
      answered.push(where);
    }
    expect(answered).toHaveLength(operations.length);
  }, 120_000);

  it('sends a browser at the API’s root to the reference page', async () => {
    const response = await fetch(`${shop.gatewayUrl}/`, { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/docs');
  });
});
