import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts';

/** A response the gateway produces itself (not a function's). */
export interface GatewayResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly cookies?: readonly string[];
  readonly body: Buffer;
}

/** An RFC 9457 problem answered by the gateway: `{type, title, status, detail}`. */
export const problemResponse = (
  status: number,
  slug: string,
  title: string,
  detail: string,
  headers: Record<string, string> = {},
): GatewayResponse => ({
  status,
  headers: { 'content-type': PROBLEM_CONTENT_TYPE, ...headers },
  body: Buffer.from(JSON.stringify({ type: `${PROBLEM_TYPE_BASE}${slug}`, title, status, detail })),
});
