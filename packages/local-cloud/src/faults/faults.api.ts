import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { LOCAL_API_PREFIX } from '../stack/local-defaults.ts';
import { type FaultRegistry, UnknownFaultTargetError } from './fault.registry.ts';
import { FaultSpec } from './fault.types.ts';

const FAULTS_PATH = `${LOCAL_API_PREFIX}/faults`;

const json = (status: number, body: unknown): EdgeResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const problem = (status: number, slug: string, title: string, detail: string): EdgeResponse => ({
  status,
  headers: { 'content-type': PROBLEM_CONTENT_TYPE },
  body: JSON.stringify({ type: `${PROBLEM_TYPE_BASE}local/${slug}`, title, status, detail }),
});

const parseJson = (request: EdgeRequest): unknown => {
  if (request.body.length === 0) return undefined;
  return JSON.parse(request.body.toString('utf8'));
};

/**
 * The local fault API on the edge (the runtime's counterpart of AWS Fault Injection Service):
 * `GET|POST|DELETE /_local/faults`, `DELETE /_local/faults/{id}`. Killing a function's environments
 * is `POST /_local/functions/{name}/kill` (the Lambda host's local API).
 *
 * @example
 * curl -X POST localhost:4566/_local/faults -d '{"kind":"function-error","function":"payment-authorize-payment","rate":0.5}'
 */
export const createFaultsApi = (faults: FaultRegistry): EdgeHandler => {
  const route = async (request: EdgeRequest): Promise<EdgeResponse> => {
    const path = request.url.pathname.replace(/\/$/, '');
    if (path === FAULTS_PATH) {
      if (request.method === 'GET') return json(200, { items: faults.list() });
      if (request.method === 'DELETE') return json(200, { cleared: faults.clear() });
      if (request.method === 'POST') {
        let body: unknown;
        try {
          body = parseJson(request);
        } catch {
          return problem(400, 'malformed-json', 'Malformed JSON', 'the body is not JSON');
        }
        const parsed = FaultSpec.safeParse(body);
        if (!parsed.success) {
          const detail = parsed.error.issues
            .map((issue) => `/${issue.path.join('/')}: ${issue.message}`)
            .join('; ');
          return problem(400, 'invalid-fault', 'Invalid fault', detail);
        }
        try {
          return json(201, { fault: faults.add(parsed.data) });
        } catch (error) {
          if (error instanceof UnknownFaultTargetError) {
            return problem(404, 'unknown-target', 'Unknown fault target', error.message);
          }
          throw error;
        }
      }
    }
    if (path.startsWith(`${FAULTS_PATH}/`) && request.method === 'DELETE') {
      const id = decodeURIComponent(path.slice(FAULTS_PATH.length + 1));
      return faults.remove(id)
        ? { status: 204 }
        : problem(404, 'unknown-fault', 'Unknown fault', `no fault ${id}`);
    }
    return problem(404, 'not-found', 'Not found', `no local API serves ${request.method} ${path}`);
  };

  return {
    name: 'faults',
    canHandle: (request) => request.url.pathname.startsWith(FAULTS_PATH),
    handle: route,
  };
};
