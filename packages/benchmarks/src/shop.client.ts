import type { Role } from '@shop/auth';
import type { DevIssuer } from '@shop/auth/dev-issuer';

export interface ShopResponse {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Headers;
}

export interface ShopRequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A small client of the shop's public API, as a shopper's app would use it. */
export interface ShopClient {
  request(method: string, path: string, options?: ShopRequestOptions): Promise<ShopResponse>;
  token(sub: string, roles?: Role[]): Promise<string>;
}

export const createShopClient = (baseUrl: string, issuer: DevIssuer): ShopClient => ({
  async request(method, path, options = {}) {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  },
  token: async (sub, roles = ['customer']) => (await issuer.mint({ sub, roles })).token,
});

/** `body.field` when `body` is an object holding a string there. */
export const stringField = (body: unknown, field: string): string | undefined => {
  if (typeof body !== 'object' || body === null) return undefined;
  const value = (body as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
