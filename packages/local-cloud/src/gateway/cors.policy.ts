import type { CorsOptions } from './gateway.types.ts';

/**
 * HTTP API's CORS: preflights are answered at the gateway and every response to an allowed origin
 * carries the configured headers, replacing whatever CORS headers the function set.
 */
export const createCorsPolicy = (options: CorsOptions) => {
  if (options.allowOrigins === '*' && options.allowCredentials) {
    // AWS refuses this configuration too: browsers never send credentials to a wildcard origin.
    throw new RangeError('cors: allowCredentials cannot be combined with allowOrigins "*"');
  }
  const allowedOrigin = (origin: string | undefined): string | undefined => {
    if (origin === undefined) return undefined;
    if (options.allowOrigins === '*') return '*';
    return options.allowOrigins.includes(origin) ? origin : undefined;
  };
  const vary: Record<string, string> = options.allowOrigins === '*' ? {} : { vary: 'Origin' };

  return {
    isPreflight(method: string, headers: Readonly<Record<string, readonly string[]>>): boolean {
      return (
        method === 'OPTIONS' &&
        headers.origin !== undefined &&
        headers['access-control-request-method'] !== undefined
      );
    },

    preflightHeaders(origin: string | undefined): Record<string, string> {
      const allowed = allowedOrigin(origin);
      if (!allowed) return { ...vary };
      return {
        ...vary,
        'access-control-allow-origin': allowed,
        'access-control-allow-methods': options.allowMethods.join(','),
        'access-control-allow-headers': options.allowHeaders.join(','),
        'access-control-max-age': String(options.maxAgeSeconds),
        ...(options.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
      };
    },

    /** Replaces the CORS headers of a response with the gateway's. */
    apply(headers: Record<string, string>, origin: string | undefined): Record<string, string> {
      const result = Object.fromEntries(
        Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('access-control-')),
      );
      const allowed = allowedOrigin(origin);
      if (!allowed) return result;
      return {
        ...result,
        ...(options.allowOrigins === '*' ? {} : { vary: result.vary ? `${result.vary}, Origin` : 'Origin' }),
        'access-control-allow-origin': allowed,
        ...(options.exposeHeaders.length > 0
          ? { 'access-control-expose-headers': options.exposeHeaders.join(',') }
          : {}),
        ...(options.allowCredentials ? { 'access-control-allow-credentials': 'true' } : {}),
      };
    },
  };
};

export type CorsPolicy = ReturnType<typeof createCorsPolicy>;
