/** One HTTP exchange with the public API, body read once (JSON when it parses, else `undefined`). */
export interface ApiResponse {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly headers: Headers;
  readonly contentType: string;
  readonly text: string;
  readonly body: unknown;
}

export interface RequestOptions {
  /** Bearer token (from `POST /dev/token`). */
  readonly token?: string;
  /** Guest cart token, sent as `X-Cart-Token`. */
  readonly cartToken?: string;
  /** Serialized as JSON with `content-type: application/json`. */
  readonly json?: unknown;
  /** Sent as is with `content-type: application/json` (malformed JSON on purpose). */
  readonly rawBody?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export type Role = 'customer' | 'admin';

/** Raised when a call that must succeed does not: the message carries the whole exchange. */
export class UnexpectedResponseError extends Error {
  readonly response: ApiResponse;
  constructor(response: ApiResponse, expected: string) {
    super(
      `${response.method} ${response.path}: expected ${expected}, got ${response.status} ${response.contentType}: ${response.text.slice(0, 2000)}`,
    );
    this.name = 'UnexpectedResponseError';
    this.response = response;
  }
}

export interface ShopClientOptions {
  /** Mints tokens without a request (the benchmarks: no extra hop in what they time); else `POST /dev/token`. */
  readonly mintToken?: (sub: string, roles: readonly Role[]) => Promise<string>;
}

/**
 * A shopper's (or admin's) view of the shop: plain `fetch` against the public gateway, nothing else.
 * The one client of the public API that the end-to-end journeys and the benchmarks share.
 */
export class ShopClient {
  readonly baseUrl: string;
  readonly #mintToken: ShopClientOptions['mintToken'];

  constructor(baseUrl: string, options: ShopClientOptions = {}) {
    this.baseUrl = baseUrl;
    this.#mintToken = options.mintToken;
  }

  async request(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.cartToken) headers['x-cart-token'] = options.cartToken;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.json !== undefined) body = JSON.stringify(options.json);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return {
      method,
      path,
      status: response.status,
      headers: response.headers,
      contentType: response.headers.get('content-type') ?? '',
      text,
      body: parsed,
    };
  }

  /** A signed dev token for `sub` with `roles`, from the local issuer (`POST /dev/token`). */
  async tokenFor(sub: string, roles: readonly Role[] = ['customer']): Promise<string> {
    if (this.#mintToken) return this.#mintToken(sub, roles);
    const response = await this.request('POST', '/dev/token', { json: { sub, roles } });
    const token = (response.body as { token?: unknown } | undefined)?.token;
    if (response.status !== 200 || typeof token !== 'string') {
      throw new UnexpectedResponseError(response, '200 with a token');
    }
    return token;
  }
}
