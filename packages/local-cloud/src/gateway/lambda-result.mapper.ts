import type { GatewayResponse } from './gateway.problem.ts';

export type ResultMapping =
  | { readonly ok: true; readonly response: GatewayResponse }
  | { readonly ok: false; readonly reason: string };

// Hop-by-hop and framing headers are the gateway's business, never the function's.
const GATEWAY_OWNED_HEADERS = new Set(['connection', 'content-length', 'transfer-encoding', 'keep-alive']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const malformed = (reason: string): ResultMapping => ({
  ok: false,
  reason: `Malformed Lambda proxy response: ${reason}`,
});

/**
 * Maps a function's payload 2.0 result to an HTTP response. A result with `statusCode` is taken
 * literally; anything else is AWS's inferred form: 200, `application/json`, the value as JSON.
 */
export const fromLambdaResult = (payload: unknown): ResultMapping => {
  if (!isRecord(payload) || !('statusCode' in payload)) {
    return {
      ok: true,
      response: {
        status: 200,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(payload ?? null)),
      },
    };
  }
  const { statusCode, headers, cookies, body, isBase64Encoded } = payload;
  if (
    typeof statusCode !== 'number' ||
    !Number.isInteger(statusCode) ||
    statusCode < 100 ||
    statusCode > 599
  ) {
    return malformed('statusCode must be an integer HTTP status');
  }
  if (headers !== undefined && headers !== null && !isRecord(headers))
    return malformed('headers must be an object');
  if (
    cookies !== undefined &&
    cookies !== null &&
    !(Array.isArray(cookies) && cookies.every((c) => typeof c === 'string'))
  ) {
    return malformed('cookies must be an array of strings');
  }
  if (body !== undefined && body !== null && typeof body !== 'string')
    return malformed('body must be a string');
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') {
    return malformed('isBase64Encoded must be a boolean');
  }

  const responseHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return malformed(`header "${name}" must be a string`);
    }
    const lower = name.toLowerCase();
    if (!GATEWAY_OWNED_HEADERS.has(lower)) responseHeaders[lower] = String(value);
  }
  const text = typeof body === 'string' ? body : '';
  return {
    ok: true,
    response: {
      status: statusCode,
      headers: responseHeaders,
      cookies: Array.isArray(cookies) ? cookies : [],
      body: Buffer.from(text, isBase64Encoded === true ? 'base64' : 'utf8'),
    },
  };
};
