import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE } from '@shop/contracts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { LOCAL_API_PREFIX } from '../stack/local-defaults.ts';
import { FunctionNotFoundError } from './lambda.errors.ts';
import type { LambdaHost, RegisteredFunction } from './lambda.host.ts';

const FUNCTIONS_PATH = `${LOCAL_API_PREFIX}/functions`;

const json = (status: number, body: unknown): EdgeResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const problem = (status: number, detail: string): EdgeResponse => ({
  status,
  headers: { 'content-type': PROBLEM_CONTENT_TYPE },
  body: JSON.stringify({ type: `${PROBLEM_TYPE_BASE}local/functions`, title: 'Not found', status, detail }),
});

/** What the Lambda API does not say about a function: how the local host is running it. */
export const functionStatsOf = (fn: RegisteredFunction) => ({
  name: fn.spec.name,
  arn: fn.arn,
  memoryMb: fn.spec.memoryMb,
  timeoutSeconds: fn.spec.timeoutSeconds,
  concurrencyLimit: fn.concurrencyLimit,
  ...(fn.spec.reservedConcurrency === undefined ? {} : { reservedConcurrency: fn.spec.reservedConcurrency }),
  environments: fn.environments,
  busyEnvironments: fn.busyEnvironments,
  queued: fn.queued,
  invocations: fn.invocations,
  coldStarts: fn.coldStarts,
  errors: fn.errors,
  throttles: fn.throttles,
  durationP50Ms: fn.durationP50Ms,
  durationP95Ms: fn.durationP95Ms,
  cpuP50Ms: fn.cpuP50Ms,
  cpuP95Ms: fn.cpuP95Ms,
});
export type FunctionStats = ReturnType<typeof functionStatsOf>;

/**
 * The local host's own view of its functions, beside the Lambda API (which has no such figures):
 * `GET /_local/functions` (invocations, errors, cold starts, p50/p95, environments) and
 * `POST /_local/functions/{name}/kill`, which terminates a function's environments.
 */
export const createLambdaLocalApi = (host: LambdaHost): EdgeHandler => ({
  name: 'lambda-local',
  canHandle: (request) =>
    request.url.pathname === FUNCTIONS_PATH || request.url.pathname.startsWith(`${FUNCTIONS_PATH}/`),
  async handle(request: EdgeRequest): Promise<EdgeResponse> {
    const path = request.url.pathname.replace(/\/$/, '');
    if (path === FUNCTIONS_PATH && request.method === 'GET') {
      return json(200, { items: host.functions().map(functionStatsOf) });
    }
    if (path.endsWith('/kill') && request.method === 'POST') {
      const name = decodeURIComponent(path.slice(FUNCTIONS_PATH.length + 1, -'/kill'.length));
      try {
        return json(200, { function: name, killed: await host.killEnvironments(name) });
      } catch (error) {
        if (error instanceof FunctionNotFoundError) return problem(404, `no function ${name}`);
        throw error;
      }
    }
    return problem(404, `no local API serves ${request.method} ${path}`);
  },
});
