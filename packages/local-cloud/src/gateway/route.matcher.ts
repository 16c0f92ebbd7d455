import type { GatewayRoute } from './gateway.types.ts';

type Segment =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'greedy'; readonly name: string };

// Lower ranks are more specific; this ordering is API Gateway's route priority.
const RANK = { literal: 0, param: 1, greedy: 2 } as const;

interface CompiledRoute {
  readonly route: GatewayRoute;
  readonly routeKey: string;
  readonly segments: readonly Segment[];
}

export interface RouteMatch {
  readonly route: GatewayRoute;
  /** `GET /products/{productId}`, as API Gateway names it. */
  readonly routeKey: string;
  /** Decoded values; empty when the route has no variables. */
  readonly pathParameters: Record<string, string>;
}

export class InvalidRouteError extends Error {
  override readonly name = 'InvalidRouteError';
}

const compileSegment = (raw: string, isLast: boolean, path: string): Segment => {
  const variable = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/.exec(raw);
  if (!variable) {
    if (raw.includes('{') || raw.includes('}'))
      throw new InvalidRouteError(`Malformed path variable in ${path}`);
    return { kind: 'literal', value: raw };
  }
  const name = variable[1] ?? '';
  if (variable[2] !== '+') return { kind: 'param', name };
  if (!isLast) throw new InvalidRouteError(`A greedy variable must be the last segment of ${path}`);
  return { kind: 'greedy', name };
};

const compile = (route: GatewayRoute): CompiledRoute => {
  if (!route.path.startsWith('/'))
    throw new InvalidRouteError(`Route path must start with "/": ${route.path}`);
  const parts = route.path === '/' ? [] : route.path.slice(1).split('/');
  const segments = parts.map((part, index) => compileSegment(part, index === parts.length - 1, route.path));
  const names = segments.flatMap((s) => (s.kind === 'literal' ? [] : [s.name]));
  if (new Set(names).size !== names.length)
    throw new InvalidRouteError(`Duplicate path variable in ${route.path}`);
  return { route, routeKey: `${route.method} ${route.path}`, segments };
};

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

const matchSegments = (
  segments: readonly Segment[],
  requestSegments: readonly string[],
): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (const [index, segment] of segments.entries()) {
    const actual = requestSegments[index];
    if (segment.kind === 'greedy') {
      const rest = requestSegments.slice(index);
      if (rest.length === 0 || rest.join('') === '') return undefined;
      params[segment.name] = rest.map(decode).join('/');
      return params;
    }
    if (actual === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (segment.value !== actual && segment.value !== decode(actual)) return undefined;
    } else {
      if (actual === '') return undefined;
      params[segment.name] = decode(actual);
    }
  }
  return segments.length === requestSegments.length ? params : undefined;
};

/** Literal beats `{param}` beats `{proxy+}`, segment by segment; then a named method beats `ANY`. */
const compareSpecificity = (a: CompiledRoute, b: CompiledRoute): number => {
  const length = Math.max(a.segments.length, b.segments.length);
  for (let index = 0; index < length; index += 1) {
    const left = a.segments[index];
    const right = b.segments[index];
    if (!left || !right) return left ? -1 : 1;
    const difference = RANK[left.kind] - RANK[right.kind];
    if (difference !== 0) return difference;
  }
  return Number(a.route.method === 'ANY') - Number(b.route.method === 'ANY');
};

/**
 * Compiles HTTP API routes once and selects, per request, the most specific route as API Gateway does.
 * Throws {@link InvalidRouteError} for malformed paths and duplicate route keys (AWS rejects both).
 */
export const createRouteMatcher = (routes: readonly GatewayRoute[]) => {
  const compiled = routes.map(compile);
  const keys = new Set<string>();
  for (const { routeKey } of compiled) {
    if (keys.has(routeKey)) throw new InvalidRouteError(`Duplicate route ${routeKey}`);
    keys.add(routeKey);
  }
  compiled.sort(compareSpecificity);

  return function matchRoute(method: string, path: string): RouteMatch | undefined {
    const requestSegments = path === '/' ? [] : path.slice(1).split('/');
    const upper = method.toUpperCase();
    for (const candidate of compiled) {
      if (candidate.route.method !== 'ANY' && candidate.route.method !== upper) continue;
      const pathParameters = matchSegments(candidate.segments, requestSegments);
      if (pathParameters) return { route: candidate.route, routeKey: candidate.routeKey, pathParameters };
    }
    return undefined;
  };
};
