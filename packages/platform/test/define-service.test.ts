import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { BEARER_AUTH, BEARER_OR_CART_TOKEN, createRoute, jsonResponse } from '../src/http/index.ts';
import { buildOpenApiDocument } from '../src/http/openapi.ts';
import {
  assertNoClashes,
  defineService,
  EMAIL_FROM_ADDRESS_VARIABLE,
  functionEnvironment,
  functionName,
  httpRoutesOf,
  s3SubscriptionsOf,
  taskSubstitutionsOf,
} from '../src/service/index.ts';

const Thing = z.object({ id: z.string() }).meta({ id: 'Thing' });
const routes = [
  createRoute({ method: 'get', path: '/things/{id}', responses: { 200: jsonResponse(Thing, 'a thing') } }),
  createRoute({
    method: 'post',
    path: '/things',
    security: BEARER_AUTH,
    responses: { 201: jsonResponse(Thing, 'created') },
  }),
  createRoute({
    method: 'put',
    path: '/basket',
    security: BEARER_OR_CART_TOKEN,
    responses: { 200: jsonResponse(Thing, 'ok') },
  }),
];

const service = () =>
  defineService({
    name: 'things',
    root: new URL('file:///srv/things/'),
    table: { partitionKey: { name: 'pk', type: 'S' } },
    functions: {
      http: { entry: 'src/handlers/http.ts', triggers: [{ type: 'http', routes }] },
      reserveThing: {
        entry: 'src/handlers/reserve-thing.task.ts',
        timeoutSeconds: 5,
        triggers: [{ type: 'task', name: 'ReserveThing' }],
      },
    },
  });

describe('defineService', () => {
  it('refuses an s3 trigger in a service without a bucket', () => {
    expect(() =>
      defineService({
        name: 'things',
        root: '/srv/things',
        functions: {
          onUpload: {
            entry: 'src/handlers/on-upload.ts',
            triggers: [{ type: 's3', events: ['ObjectCreated'] }],
          },
        },
      }),
    ).toThrow('things-on-upload: an s3 trigger needs a bucket');
  });

  it('lists the functions a bucket notifies and gives every function the bucket and its public URL', () => {
    const withBucket = defineService({
      name: 'things',
      root: '/srv/things',
      bucket: {},
      functions: {
        http: { entry: 'src/handlers/http.ts', triggers: [{ type: 'http', routes }] },
        onUpload: {
          entry: 'src/handlers/on-upload.ts',
          triggers: [{ type: 's3', events: ['ObjectCreated'], prefix: 'uploads/' }],
        },
      },
    });
    expect(s3SubscriptionsOf(withBucket).map((s) => [s.function.name, s.trigger.prefix])).toEqual([
      ['things-on-upload', 'uploads/'],
    ]);
    const [http] = withBucket.functions;
    const env =
      http &&
      functionEnvironment(withBucket, http, {
        auth: { issuer: 'i', audience: 'a', jwksUrl: 'https://i/jwks' },
        bucket: { name: 'things-bucket', publicUrl: 'https://cdn.example/things' },
      });
    expect(env).toMatchObject({
      BUCKET_NAME: 'things-bucket',
      BUCKET_PUBLIC_URL: 'https://cdn.example/things',
    });
  });

  it('resolves names, entries and defaults', () => {
    const [http, task] = service().functions;
    expect(http).toMatchObject({
      name: 'things-http',
      entry: '/srv/things/src/handlers/http.ts',
      handler: 'handler',
      memoryMb: 512,
    });
    expect(task).toMatchObject({ name: 'things-reserve-thing', timeoutSeconds: 5 });
    expect(functionName('order', 'startCheckoutSaga')).toBe('order-start-checkout-saga');
  });

  it('puts the JWT authorizer only on routes that always need a bearer token', () => {
    const http = service().functions[0];
    expect(http && httpRoutesOf(http)).toEqual([
      { method: 'GET', path: '/things/{id}', auth: 'none' },
      { method: 'POST', path: '/things', auth: 'jwt' },
      { method: 'PUT', path: '/basket', auth: 'none' },
    ]);
  });

  it('refuses a stream trigger without a table stream', () => {
    expect(() =>
      defineService({
        name: 'things',
        root: '/srv/things',
        table: { partitionKey: { name: 'pk', type: 'S' } },
        functions: { relay: { entry: 'src/handlers/relay.ts', triggers: [{ type: 'stream' }] } },
      }),
    ).toThrowError(/needs table.stream/);
  });

  it('keeps a reserved concurrency and refuses one that is not a positive integer', () => {
    const withReserved = (reservedConcurrency: number) =>
      defineService({
        name: 'things',
        root: '/srv/things',
        functions: {
          work: { entry: 'src/handlers/work.task.ts', reservedConcurrency, triggers: [{ type: 'invoke' }] },
        },
      });
    expect(withReserved(4).functions[0]?.reservedConcurrency).toBe(4);
    expect(service().functions[0]).not.toHaveProperty('reservedConcurrency');
    expect(() => withReserved(0)).toThrowError(/things.work: reservedConcurrency must be a positive integer/);
    expect(() => withReserved(1.5)).toThrowError(/reservedConcurrency/);
  });

  it('refuses names that are not kebab-case', () => {
    expect(() => defineService({ name: 'Things', root: '/srv', functions: {} })).toThrowError(/kebab-case/);
  });
});

describe('sendsEmail', () => {
  const mailer = defineService({
    name: 'mailer',
    root: new URL('file:///srv/mailer/'),
    functions: {
      send: {
        entry: 'src/handlers/send.consumer.ts',
        triggers: [{ type: 'sqs', events: ['a.b'] }],
        sendsEmail: true,
      },
      quiet: { entry: 'src/handlers/quiet.consumer.ts', triggers: [{ type: 'sqs', events: ['a.c'] }] },
    },
  });
  const auth = { issuer: 'i', audience: 'a', jwksUrl: 'j' };

  it('gives a function that sends email the bound sender address, and only that function', () => {
    const [send, quiet] = mailer.functions;
    if (!send || !quiet) throw new Error('two functions expected');
    expect([send.sendsEmail, quiet.sendsEmail]).toEqual([true, false]);
    expect(functionEnvironment(mailer, send, { auth, emailFromAddress: 'orders@shop.test' })).toMatchObject({
      [EMAIL_FROM_ADDRESS_VARIABLE]: 'orders@shop.test',
    });
    expect(
      functionEnvironment(mailer, quiet, { auth, emailFromAddress: 'orders@shop.test' }),
    ).not.toHaveProperty(EMAIL_FROM_ADDRESS_VARIABLE);
  });

  it('refuses to wire a function that sends email without a sender address', () => {
    const [send] = mailer.functions;
    if (!send) throw new Error('a function expected');
    expect(() => functionEnvironment(mailer, send, { auth })).toThrow(
      /mailer-send: sends email, but no sender/,
    );
  });
});

describe('buildOpenApiDocument', () => {
  it('builds one OpenAPI 3.1 document with shared components and security schemes', () => {
    const doc = buildOpenApiDocument(routes, { title: 'Shop', version: '1.0.0' });
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths ?? {})).toEqual(['/things/{id}', '/things', '/basket']);
    expect(doc.components?.schemas).toHaveProperty('Thing');
    expect(doc.components?.securitySchemes).toHaveProperty('bearerAuth');
    expect(doc.paths?.['/things']?.post?.security).toEqual([{ bearerAuth: [] }]);
  });
});

describe('taskSubstitutionsOf', () => {
  const withTask = (name: string) =>
    defineService({
      name,
      root: '/srv',
      functions: { run: { entry: 'src/run.task.ts', triggers: [{ type: 'task', name: 'RunThing' }] } },
    });

  it('maps each task name to its function', () => {
    expect(taskSubstitutionsOf([withTask('one')], (fn) => `arn:${fn.name}`)).toEqual({
      RunThingFunctionArn: 'arn:one-run',
    });
  });

  it('refuses a task name declared by two services', () => {
    expect(() => taskSubstitutionsOf([withTask('one'), withTask('two')], (fn) => fn.name)).toThrowError(
      /RunThing is declared by both one-run and two-run/,
    );
  });
});

describe('assertNoClashes', () => {
  const other = (name: string, extra: { publishes?: string[]; task?: string; path?: string } = {}) =>
    defineService({
      name,
      root: new URL(`file:///srv/${name}/`),
      table: { partitionKey: { name: 'pk', type: 'S' } },
      functions: {
        http: {
          entry: 'src/handlers/http.ts',
          triggers: [
            {
              type: 'http',
              routes: [
                createRoute({
                  method: 'get',
                  path: extra.path ?? `/${name}`,
                  responses: { 200: jsonResponse(Thing, 'ok') },
                }),
              ],
            },
          ],
        },
        ...(extra.task
          ? {
              work: {
                entry: 'src/handlers/work.task.ts',
                triggers: [{ type: 'task' as const, name: extra.task }],
              },
            }
          : {}),
      },
      ...(extra.publishes ? { publishes: extra.publishes } : {}),
    });

  it('accepts services that share nothing', () => {
    expect(() => assertNoClashes([service(), other('reviews')])).not.toThrow();
  });

  it('refuses a route two services declare, naming both, whatever the parameter names', () => {
    expect(() => assertNoClashes([service(), other('reviews', { path: '/things/{thingId}' })])).toThrow(
      'route GET /things/{thingId} is declared by both things and reviews',
    );
  });

  it('refuses a saga task, an event type or a service name declared twice, naming both services', () => {
    expect(() => assertNoClashes([service(), other('reviews', { task: 'ReserveThing' })])).toThrow(
      'saga task ReserveThing is declared by both things and reviews',
    );
    expect(() =>
      assertNoClashes([other('a', { publishes: ['x.created'] }), other('b', { publishes: ['x.created'] })]),
    ).toThrow('event x.created is declared by both a and b');
    expect(() => assertNoClashes([service(), service()])).toThrow(
      /service "things".* declared twice by things/,
    );
  });
});
