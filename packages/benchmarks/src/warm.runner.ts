import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { LOCAL_ACCOUNT_ID, toHttpApiEvent } from '@shop/local-cloud';
import { flushMetrics, recordMetric, SHOP_METRICS, setMetricsMetadata } from '@shop/platform/observability';
import { type AwsTap, startAwsTap } from './aws-call.tap.ts';
import { type StubbedRequest, type StubbedResponse, stubHttpRequests } from './in-process-http.stub.ts';
import { median } from './stats.ts';
import type { planCalls, RecordedCall } from './warm-reference.handler.ts';

// The warm benchmark's child process: one HTTP function and the reference handler, imported in this
// process and invoked with API Gateway v2 events. Their AWS calls first go through the tap to the
// running stack (recorded), then are answered in process from those recordings, with no socket.
// Run by warm.bench.ts; stdout is discarded (the functions log there), results go back over the IPC
// channel.

/** A request the runner sends, as the gateway would turn it into an event. */
export interface WarmRequest {
  readonly label: string;
  /** `reference`, `function`, or `quiet`: the function's bundle imported again with logging off. */
  readonly target: 'reference' | 'function' | 'quiet';
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
  /** Also time the platform's metrics on a request that records some (`METRICS_PROBES`). */
  readonly metrics?: boolean;
}

/**
 * What the platform's metrics cost an invocation that records some: the values recorded with
 * `recordMetric` and flushed as CloudWatch EMF (to the discarded stdout), as the handler wrappers do
 * at the end of an invocation. Timed beside the routes, in the same rounds.
 */
export const METRICS_PROBES: Readonly<Record<string, () => void>> = {
  'metrics of a checkout (CheckoutLatency and OrdersPlaced, one EMF line)': () => {
    recordMetric(SHOP_METRICS.checkoutLatency, 42.5);
    recordMetric(SHOP_METRICS.ordersPlaced, 1);
  },
  'metrics of ConfirmOrder (OrdersConfirmed, and SagaDuration by outcome on its own EMF line)': () => {
    recordMetric(SHOP_METRICS.ordersConfirmed, 1);
    recordMetric(SHOP_METRICS.sagaDuration, 180, { outcome: 'confirmed' });
  },
};

export interface WarmRunnerResult {
  /**
   * Per request label (the config's, and a yardstick per function route, see `yardstickLabelOf`):
   * in each round, the median CPU microseconds of its requests (`micros`: what a request costs, a
   * collection's pause aside) and their mean (`meanMicros`: the pauses shared out among the requests
   * that happened to meet them); AWS calls per request, and the route's DynamoDB operations.
   */
  readonly perRequest: Record<
    string,
    {
      micros: number[];
      meanMicros: number[];
      callsPerRequest: number;
      statuses: number[];
      operations: string[];
    }
  >;
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

const callerOf = (path: string): string => decodeURIComponent(path.split('/')[1] ?? '');

/** Answers a stubbed request from the tap's recordings of its caller (the endpoint's path prefix). */
const replayFrom =
  (tap: AwsTap) =>
  (request: StubbedRequest, recordedFor?: string): StubbedResponse => {
    const path = request.path.slice(request.path.indexOf('/', 1));
    const target = request.headers['x-amz-target'] ?? `${request.method} ${path.split('?')[0]}`;
    const answer = tap.replayAnswer(callerOf(request.path), target, request.body, recordedFor);
    if (!answer) {
      return {
        status: 400,
        headers: { 'content-type': 'application/x-amz-json-1.0' },
        body: Buffer.from(
          JSON.stringify({ __type: 'ValidationException', message: `nothing recorded for ${target}` }),
        ),
      };
    }
    return { status: answer.status, headers: { 'content-type': answer.contentType }, body: answer.body };
  };

const DYNAMODB_TARGET = 'DynamoDB_20120810.';

/** The yardstick request of a function route: bare Hono making the route's DynamoDB calls. */
export const yardstickLabelOf = (label: string): string => `yardstick for ${label}`;

/** The same route on the copy of the function with logging off (see `target: 'quiet'`). */
export const quietLabelOf = (label: string): string => `${label}, logging off`;

const run = async (config: WarmRunnerConfig): Promise<WarmRunnerResult> => {
  const tap = await startAwsTap({ upstream: config.upstream });
  // Before any bundle sends its first request: the SDK looks `http.request` up at that moment. Until a
  // caller is set to replay, its requests go over HTTP to the tap, which forwards and records them.
  // The yardstick is answered from the function's recordings: same items, same SDK work.
  const replay = replayFrom(tap);
  const unstub = stubHttpRequests({
    intercepts: (path) => tap.isReplaying(callerOf(path)),
    respond: (request) =>
      callerOf(request.path) === 'reference' ? replay(request, 'function') : replay(request),
  });
  try {
    Object.assign(process.env, config.environment, { AWS_ENDPOINT_URL: tap.endpointFor('function') });
    const fnModule = (await import(pathToFileURL(config.functionBundle).href)) as Record<string, unknown>;
    const fnHandler = fnModule[config.handlerExport] as Handler;
    const fnRequests = config.requests.filter((r) => r.target === 'function');
    const context = lambdaContext(config.functionName);
    // Record: real answers from the stack, and the clients' endpoints settle on the function's caller.
    // The DynamoDB requests of a route are those of its last recorded request.
    const callsOf = new Map<string, RecordedCall[]>();
    for (const request of fnRequests) {
      for (let i = 0; i < 5; i += 1) {
        const before = tap.calls.length;
        await fnHandler(eventOf(request), context);
        callsOf.set(
          request.label,
          tap.calls
            .slice(before)
            .filter((call) => call.target.startsWith(DYNAMODB_TARGET))
            .map((call) => ({
              operation: call.target.slice(DYNAMODB_TARGET.length),
              input: JSON.parse(call.requestBody ?? '{}') as Record<string, unknown>,
            })),
        );
      }
    }
    const yardsticks: WarmRequest[] = fnRequests.map((request, index) => ({
      label: yardstickLabelOf(request.label),
      target: 'reference',
      method: 'GET',
      routeKey: 'GET /calls/{id}',
      path: `/calls/${index}`,
      pathParameters: { id: String(index) },
    }));

    tap.setReplay('function', true);
    // A second copy of the function (its own module graph, so its own logger) with logging off: the
    // route's time less this copy's is what its log lines cost. Its clients settle on the function's
    // recordings at their first call, made here before the endpoint changes.
    process.env.LOG_LEVEL = 'SILENT';
    const quietModule = (await import(`${pathToFileURL(config.functionBundle).href}?logging=off`)) as Record<
      string,
      unknown
    >;
    const quietHandler = quietModule[config.handlerExport] as Handler;
    for (const request of fnRequests) await quietHandler(eventOf(request), context);
    process.env.LOG_LEVEL = config.environment.LOG_LEVEL ?? 'INFO';
    const quiet: WarmRequest[] = fnRequests.map((request) => ({
      ...request,
      label: quietLabelOf(request.label),
      target: 'quiet',
    }));
    const requests = [...config.requests, ...yardsticks, ...quiet];

    process.env.AWS_ENDPOINT_URL = tap.endpointFor('reference');
    tap.setReplay('reference', true);
    const refModule = (await import(pathToFileURL(config.referenceBundle).href)) as {
      handler: Handler;
      planCalls: typeof planCalls;
    };
    fnRequests.forEach((request, index) => {
      refModule.planCalls(String(index), callsOf.get(request.label) ?? []);
    });
    const handlerOf = (request: WarmRequest) =>
      request.target === 'function'
        ? fnHandler
        : request.target === 'quiet'
          ? quietHandler
          : refModule.handler;
    // What runs in the rounds: every request, and the metrics probes when asked for.
    const timed: { label: string; run: () => Promise<{ statusCode?: number } | undefined> }[] = [
      ...requests.map((request) => {
        const handler = handlerOf(request);
        const event = eventOf(request);
        return { label: request.label, run: () => handler(event, context) };
      }),
      ...(config.metrics
        ? Object.entries(METRICS_PROBES).map(([label, record]) => ({
            label,
            run: async () => {
              setMetricsMetadata({ correlationId: 'bench-correlation', orderId: 'ord_bench' });
              record();
              flushMetrics();
              return { statusCode: 200 };
            },
          }))
        : []),
    ];
    const perRequest: WarmRunnerResult['perRequest'] = {};
    for (const { label } of timed)
      perRequest[label] = {
        micros: [],
        meanMicros: [],
        callsPerRequest: 0,
        statuses: [],
        operations: (callsOf.get(label) ?? []).map((call) => call.operation),
      };

    // Warm-up on replayed answers (JIT, caches), then the timed rounds.
    for (const { label, run } of timed) {
      for (let i = 0; i < config.batch; i += 1) {
        const response = await run();
        if (i === 0) perRequest[label]?.statuses.push(response?.statusCode ?? 0);
      }
    }
    const callsByLabel = new Map<string, number>();
    for (let round = 0; round < config.rounds; round += 1) {
      const spentBy = new Map<string, number[]>(timed.map(({ label }) => [label, []]));
      // Every handler once per pass, in a fresh random order, `batch` passes a round: a drift of the
      // machine's speed lands on all of them alike and cancels out of their differences. A request is
      // timed in CPU time of this process (all its threads: the handler, V8's GC helpers and compiler,
      // the stdout writes), not wall time: nothing here waits on I/O, and other work on a shared
      // machine then does not land in the figure as preemption.
      for (let i = 0; i < config.batch; i += 1) {
        for (const { label, run } of shuffle(timed)) {
          const calls = tap.calls.length;
          const started = process.cpuUsage();
          await run();
          const spent = process.cpuUsage(started);
          spentBy.get(label)?.push(spent.user + spent.system);
          callsByLabel.set(label, (callsByLabel.get(label) ?? 0) + tap.calls.length - calls);
        }
      }
      for (const { label } of timed) {
        const spent = spentBy.get(label) ?? [];
        perRequest[label]?.micros.push(median(spent));
        perRequest[label]?.meanMicros.push(spent.reduce((sum, v) => sum + v, 0) / spent.length);
      }
    }
    for (const { label } of timed) {
      const entry = perRequest[label];
      if (entry) {
        perRequest[label] = {
          ...entry,
          callsPerRequest: (callsByLabel.get(label) ?? 0) / (config.rounds * config.batch),
        };
      }
    }
    return { perRequest };
  } finally {
    unstub();
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
