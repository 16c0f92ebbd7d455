import { describe, expect, it } from 'vitest';
import type { GatewayRoute } from './gateway.types.ts';
import { createRouteMatcher, InvalidRouteError } from './route.matcher.ts';

const route = (method: GatewayRoute['method'], path: string): GatewayRoute => ({
  method,
  path,
  auth: 'none',
  functionName: 'fn',
});

// The example routes of API Gateway's HTTP API routing documentation.
const matchRoute = createRouteMatcher([
  route('ANY', '/{proxy+}'),
  route('GET', '/pets/{proxy+}'),
  route('GET', '/pets/dog/{id}'),
  route('GET', '/pets/dog/1'),
  route('GET', '/'),
]);

describe('createRouteMatcher', () => {
  it.each([
    ['GET', '/pets/dog/1', 'GET /pets/dog/1', {}],
    ['GET', '/pets/dog/2', 'GET /pets/dog/{id}', { id: '2' }],
    ['GET', '/pets/cat/1', 'GET /pets/{proxy+}', { proxy: 'cat/1' }],
    ['POST', '/pets/cat/1', 'ANY /{proxy+}', { proxy: 'pets/cat/1' }],
    ['GET', '/', 'GET /', {}],
    ['get', '/pets/dog/1', 'GET /pets/dog/1', {}],
  ])('routes %s %s to %s', (method, path, routeKey, pathParameters) => {
    expect(matchRoute(method, path)).toMatchObject({ routeKey, pathParameters });
  });

  it('decodes path parameters', () => {
    expect(matchRoute('GET', '/pets/dog/hot%20dog%2F1')?.pathParameters).toEqual({ id: 'hot dog/1' });
  });

  it('requires at least one segment for a greedy variable and a value for a variable', () => {
    const strict = createRouteMatcher([route('GET', '/files/{proxy+}'), route('GET', '/items/{id}')]);
    expect(strict('GET', '/files')).toBeUndefined();
    expect(strict('GET', '/files/')).toBeUndefined();
    expect(strict('GET', '/items/')).toBeUndefined();
    expect(strict('GET', '/items/1/2')).toBeUndefined();
  });

  it('prefers a route with a method over ANY on the same path', () => {
    const byMethod = createRouteMatcher([route('ANY', '/orders/{id}'), route('POST', '/orders/{id}')]);
    expect(byMethod('POST', '/orders/1')?.routeKey).toBe('POST /orders/{id}');
    expect(byMethod('PUT', '/orders/1')?.routeKey).toBe('ANY /orders/{id}');
  });

  it('rejects greedy variables before the last segment and malformed variables', () => {
    expect(() => createRouteMatcher([route('GET', '/{proxy+}/x')])).toThrow(InvalidRouteError);
    expect(() => createRouteMatcher([route('GET', '/a{id}')])).toThrow(InvalidRouteError);
    expect(() => createRouteMatcher([route('GET', 'no-slash')])).toThrow(InvalidRouteError);
  });
});
