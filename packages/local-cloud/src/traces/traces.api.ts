import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { LOCAL_API_PREFIX } from '../stack/local-defaults.ts';
import type { SpanRecorder } from './span.recorder.ts';
import { toOtlpJson, traceOf } from './trace.query.ts';

const TRACES_PATH = `${LOCAL_API_PREFIX}/traces`;

const json = (status: number, body: unknown): EdgeResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const problem = (status: number, title: string, detail: string): EdgeResponse => ({
  status,
  headers: { 'content-type': PROBLEM_CONTENT_TYPE },
  body: JSON.stringify({ type: `${PROBLEM_TYPE_BASE}local/traces`, title, status, detail }),
});

const KEY = /^[A-Za-z0-9._:-]{1,200}$/;

/**
 * The local runtime's spans, by order or correlation id: `GET /_local/traces/{id}` answers
 * `{ spans }` (what `npm run local -- trace <id> --json` prints), `?format=otlp` the same trace as
 * OTLP/JSON. `GET /_local/traces` says how many spans the ring holds.
 */
export const createTracesApi = (spans: SpanRecorder): EdgeHandler => ({
  name: 'traces-local',
  canHandle: (request) =>
    request.url.pathname === TRACES_PATH || request.url.pathname.startsWith(`${TRACES_PATH}/`),
  async handle(request: EdgeRequest): Promise<EdgeResponse> {
    if (request.method !== 'GET') {
      return problem(405, 'Method Not Allowed', `${request.method} is not served here; use GET`);
    }
    const path = request.url.pathname.replace(/\/$/, '');
    if (path === TRACES_PATH) {
      return json(200, { held: spans.all().length, recorded: spans.recorded });
    }
    const key = decodeURIComponent(path.slice(TRACES_PATH.length + 1));
    if (!KEY.test(key)) {
      return problem(
        400,
        'Bad Request',
        'an order id or correlation id is 1 to 200 letters, digits, or . _ : -',
      );
    }
    const trace = traceOf(spans.all(), key);
    const format = request.url.searchParams.get('format');
    if (format !== null && format !== 'otlp' && format !== 'spans') {
      return problem(400, 'Bad Request', `format must be "spans" or "otlp", got "${format}"`);
    }
    return json(200, format === 'otlp' ? toOtlpJson(trace) : { key, spans: trace });
  },
});
