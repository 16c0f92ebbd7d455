import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { toHttpApiEvent } from '../gateway/http-api-event.mapper.ts';
import { LOCAL_ACCOUNT_ID } from '../lambda/lambda.types.ts';
import { startAwsTap } from './aws-call.tap.ts';

// The warm benchmark's child process: one HTTP function and the reference handler, imported in this
// process and invoked with API Gateway v2 events, their DynamoDB calls answered by the tap from
// recordings. Run by warm.bench.ts; stdout is discarded (the functions log there), results go back
// over the IPC channel.

/** A request the runner sends, as the gateway would turn it into an event. */
export interface WarmRequest {
  readonly label: string;
  /** `reference` or `function`. */
  readonly target: 'reference' | 'function';
  readonly method: string;
  readonly routeKey: string;
  readonly path: string;
  readonly query?: string;
  readonly pathParameters?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Claims the gateway's JWT authorizer passes on (routes with gateway auth). */
  readonly claims?: Record<string, string>;
}

export interface WarmRunnerConfig {
  readonly functionName: string;
  readonly functionBundle: string;
  readonly handlerExport: string;
  readonly referenceBundle: string;
  readonly environment: Record<string, string>;
  readonly upstream: string;
  readonly requests: readonly WarmRequest[];
  readonly rounds: number;
  readonly batch: number;
}

export interface WarmRunnerResult {
  /** Per request label: microseconds per request in each round, and AWS calls per request. */
  readonly perRequest: Record<string, { micros: number[]; callsPerRequest: number; statuses: number[] }>;
}

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode?: number } | undefined>;

const lambdaContext = (functionName: string) => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:us-east-1:${LOCAL_ACCOUNT_ID}:function:${functionName}`,
  memoryLimitInMB: '512',
  awsRequestId: '00000000-0000-4000-8000-000000000000',
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => 10_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

const eventOf = (request: WarmRequest) =>
  toHttpApiEvent(
    {
      method: request.method,
      rawPath: request.path,
      rawQueryString: request.query ?? '',
      headers: Object.fromEntries(
        Object.entries({ host: 'api.bench', 'user-agent': 'bench', ...request.headers }).map(([k, v]) => [
          k.toLowerCase(),
          [v],
        ]),
      ),
      body: Buffer.from(request.body ?? ''),
      sourceIp: '127.0.0.1',
      localPort: 443,
    },
    {
      requestId: 'bench-request',
      routeKey: request.routeKey,
      pathParameters: request.pathParameters ?? {},
      ...(request.claims ? { authorizer: { jwt: { claims: request.claims, scopes: null } } } : {}),
      stage: '$default',
      apiId: 'bench',
      accountId: LOCAL_ACCOUNT_ID,
      receivedAt: new Date(),
    },
  );

const shuffle = <T>(items: readonly T[]): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
};

const run = async (config: WarmRunnerConfig): Promise<WarmRunnerResult> => {
  const tap = await startAwsTap({ upstream: config.upstream });
  try {
    Object.assign(process.env, config.environment, { AWS_ENDPOINT_URL: tap.endpointFor('function') });
    const fnModule = (await import(pathToFileURL(config.functionBundle).href)) as Record<string, unknown>;
    const fnHandler = fnModule[config.handlerExport] as Handler;
    const fnRequests = config.requests.filter((r) => r.target === 'function');
    const context = lambdaContext(config.functionName);
    // Record: real answers from the stack, and the clients' endpoints settle on the function's caller.
    for (const request of fnRequests)
      for (let i = 0; i < 5; i += 1) await fnHandler(eventOf(request), context);

    process.env.AWS_ENDPOINT_URL = tap.endpointFor('reference');
    const refModule = (await import(pathToFileURL(config.referenceBundle).href)) as { handler: Handler };
    const refRequests = config.requests.filter((r) => r.target === 'reference');
    for (const request of refRequests)
      for (let i = 0; i < 5; i += 1) await refModule.handler(eventOf(request), context);

    tap.setReplay('function', true);
    tap.setReplay('reference', true);
    const handlerOf = (request: WarmRequest) =>
      request.target === 'function' ? fnHandler : refModule.handler;
    const events = new Map(config.requests.map((r) => [r.label, eventOf(r)] as const));
    const perRequest: WarmRunnerResult['perRequest'] = {};
    for (const request of config.requests)
      perRequest[request.label] = { micros: [], callsPerRequest: 0, statuses: [] };

    // Warm-up on replayed answers (JIT, caches), then the timed rounds.
    for (const request of config.requests) {
      const handler = handlerOf(request);
      const event = events.get(request.label);
      for (let i = 0; i < config.batch; i += 1) {
        const response = await handler(event, context);
        if (i === 0) perRequest[request.label]?.statuses.push(response?.statusCode ?? 0);
      }
    }
    let calls = 0;
    const callsByLabel = new Map<string, number>();
    for (let round = 0; round < config.rounds; round += 1) {
      for (const request of shuffle(config.requests)) {
        const handler = handlerOf(request);
        const event = events.get(request.label);
        calls = tap.calls.length;
        const started = performance.now();
        for (let i = 0; i < config.batch; i += 1) await handler(event, context);
        const elapsed = performance.now() - started;
        perRequest[request.label]?.micros.push((elapsed * 1000) / config.batch);
        callsByLabel.set(request.label, (callsByLabel.get(request.label) ?? 0) + tap.calls.length - calls);
      }
    }
    for (const request of config.requests) {
      const entry = perRequest[request.label];
      if (entry) {
        perRequest[request.label] = {
          ...entry,
          callsPerRequest: (callsByLabel.get(request.label) ?? 0) / (config.rounds * config.batch),
        };
      }
    }
    return { perRequest };
  } finally {
    await tap.close();
  }
};

const configPath = process.argv[2];
if (configPath && process.send) {
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as WarmRunnerConfig;
  run(config).then(
    (result) => process.send?.({ ok: true, result }, () => process.exit(0)),
    (error: unknown) =>
      process.send?.(
        { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) },
        () => process.exit(1),
      ),
  );
}
