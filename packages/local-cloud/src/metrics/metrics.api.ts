import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { LOCAL_API_PREFIX } from '../stack/local-defaults.ts';
import type { EmfCollector } from './emf.collector.ts';

export const METRICS_PATH = `${LOCAL_API_PREFIX}/metrics`;

/**
 * The metrics the functions printed as EMF: `GET /_local/metrics[?name=&namespace=]` answers
 * `{ items, lines, dropped }` (what `npm run local -- metrics --json` prints the items of).
 */
export const createMetricsApi = (collector: EmfCollector): EdgeHandler => ({
  name: 'metrics-local',
  canHandle: (request) => request.url.pathname.replace(/\/$/, '') === METRICS_PATH,
  async handle(request: EdgeRequest): Promise<EdgeResponse> {
    if (request.method !== 'GET') {
      return {
        status: 405,
        headers: { 'content-type': PROBLEM_CONTENT_TYPE, allow: 'GET' },
        body: JSON.stringify({
          type: `${PROBLEM_TYPE_BASE}local/metrics`,
          title: 'Method Not Allowed',
          status: 405,
          detail: `${request.method} is not served here; use GET`,
        }),
      };
    }
    const name = request.url.searchParams.get('name');
    const namespace = request.url.searchParams.get('namespace');
    const items = collector
      .summaries()
      .filter((m) => (name === null || m.name === name) && (namespace === null || m.namespace === namespace));
    const { lines, dropped } = collector.stats;
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ items, lines, dropped }),
    };
  },
});
