import { fork } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { flattenClaims } from '@shop/local-cloud';
import { type HttpRoute, httpRoutesOf } from '@shop/platform/service';
import type { BenchContext } from './bench.context.ts';
import type { BenchStack } from './bench.stack.ts';
import { stringField } from './bench.util.ts';
import { lambdaReservedEnvironment } from './bench-environment.ts';
import { bundleServices } from './cold-start.bench.ts';
import { fixed, quartilesOf, type ResultRow, type SectionResult } from './report.ts';
import { checkout, fillCart, prepareStock } from './shopper.journey.ts';
import { type Summary, summarize } from './stats.ts';
import {
  METRICS_PROBES,
  quietLabelOf,
  type WarmRequest,
  type WarmRunnerConfig,
  type WarmRunnerResult,
  yardstickLabelOf,
} from './warm.runner.ts';

const WARM_BUDGET_MICROS = 50;
const BARE = 'reference: bare Hono';
/** The platform's least HTTP function (`http-floor.handler.ts`), measured beside the services' routes. */
const FLOOR_NAME = "the platform's least HTTP function";

/** A representative request of a service's HTTP function: which route, and how to call it. */
interface RouteChoice {
  readonly method: string;
  readonly template: string;
  readonly path: string;
  readonly query?: string;
  readonly pathParameters?: Record<string, string>;
  readonly token?: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

const decodeClaims = (token: string): Record<string, string> => {
  const payload = token.split('.')[1] ?? '';
  return flattenClaims(
    JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>,
  );
};

const runChild = (configPath: string, profileDir?: string): Promise<WarmRunnerResult> =>
  new Promise((resolve, reject) => {
    const child = fork(fileURLToPath(new URL('./warm.runner.ts', import.meta.url)), [configPath], {
      // A V8 CPU profile per function (open in Chrome DevTools; the bundles' source maps sit beside them).
      execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
      // The functions log every request to stdout, as in Lambda; the benchmark does not need to see it.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { PATH: process.env.PATH ?? '' },
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-2000);
    });
    let settled = false;
    child.on('message', (message: { ok: boolean; result?: WarmRunnerResult; error?: string }) => {
      settled = true;
      if (message.ok && message.result) resolve(message.result);
      else reject(new Error(message.error ?? 'warm runner failed'));
    });
    child.on('exit', (code) => {
      if (!settled) reject(new Error(`warm runner exited with ${code}: ${stderr.trim()}`));
    });
  });

/**
 * Section 2: each HTTP function's handler invoked in-process with API Gateway v2 events, against a
 * bare Hono handler, with DynamoDB answered from recordings so that only the platform's cost counts.
 */
export const runWarmSection = async (ctx: BenchContext, bench: BenchStack): Promise<SectionResult> => {
  // Many short rounds: the median of per-round differences resists the machine's bursts of noise.
  const rounds = ctx.quick ? 10 : 30;
  const batch = ctx.quick ? 50 : 100;
  // The rounds are split over fresh processes: what V8 makes of the code (which functions it
  // optimises, how its caches settle) differs from one process to the next by more than the rounds
  // of one process differ, so the spread then shows it and the median does not hang on one process.
  const processes = ctx.quick ? 1 : 3;
  const { client } = bench;
  const { productId, sku, admin } = await prepareStock(client);
  const customer = await client.tokenFor('bench-warm-customer');
  let orderId: string | undefined;
  if (ctx.services.some((s) => s.name === 'order') && ctx.services.some((s) => s.name === 'cart')) {
    await fillCart(client, customer, sku);
    orderId = await checkout(client, customer, `bench-warm-${Date.now().toString(36)}`);
    await bench.settle(300);
  }
  const cart = await client.request('POST', '/carts');
  const choices: Record<string, RouteChoice[]> = {
    'catalog-http': [
      {
        method: 'GET',
        template: '/products/{productId}',
        path: `/products/${productId}`,
        pathParameters: { productId },
      },
      {
        method: 'PUT',
        template: '/inventory/{sku}',
        path: `/inventory/${sku}`,
        pathParameters: { sku },
        token: admin,
        body: { onHand: 1_000_000 },
      },
    ],
    'cart-http': [
      {
        method: 'GET',
        template: '/cart',
        path: '/cart',
        headers: { 'x-cart-token': stringField(cart.body, 'cartToken') ?? '' },
      },
      { method: 'GET', template: '/cart', path: '/cart', token: customer },
    ],
    'order-http': orderId
      ? [
          {
            method: 'GET',
            template: '/orders/{orderId}',
            path: `/orders/${orderId}`,
            pathParameters: { orderId },
            token: customer,
          },
          { method: 'GET', template: '/orders', path: '/orders', token: customer },
        ]
      : [],
    'payment-http': orderId
      ? [
          {
            method: 'GET',
            template: '/payments',
            path: '/payments',
            query: `orderId=${orderId}`,
            token: customer,
          },
        ]
      : [],
  };

  ctx.progress('warm: bundling');
  const { bundled, warmReference, floors } = await bundleServices(ctx);
  /** Runs `config` in `processes` child processes in turn, as one result. */
  const runConfig = async (config: WarmRunnerConfig): Promise<WarmRunnerResult> => {
    const configPath = join(ctx.workDir, `warm-${config.functionName}.json`);
    await writeFile(configPath, JSON.stringify(config));
    ctx.progress(
      `warm: ${config.functionName}, ${config.requests.length} handlers x ${config.rounds} rounds x ${batch} requests, in ${processes} processes`,
    );
    const results: WarmRunnerResult[] = [];
    for (let i = 0; i < processes; i += 1) {
      results.push(await runChild(configPath, ctx.profile ? join(ctx.workDir, 'profiles') : undefined));
    }
    return mergeResults(results);
  };
  const rows: ResultRow[] = [];
  const findings: string[] = [];
  const httpFunctions = bundled.filter(({ fn }) => fn.triggers.some((t) => t.type === 'http'));
  /** Per route (`<function> <label>`): its overhead per round, for the findings across routes. */
  const overheads = new Map<string, number[]>();
  /** Per route: the median cost of its log lines (the route less its copy with logging off). */
  const loggingCosts: number[] = [];
  for (const { fn, bundlePath } of httpFunctions) {
    const routes = choices[fn.name] ?? [];
    if (routes.length === 0) continue;
    const registered = bench.stack.host.get(fn.name);
    if (!registered) continue;
    const gatewayAuth = (choice: RouteChoice): HttpRoute['auth'] =>
      httpRoutesOf(fn).find((r) => r.method === choice.method && r.path === choice.template)?.auth ?? 'none';
    const labelOf = (choice: RouteChoice) =>
      `${choice.method} ${choice.template}${choice.token ? ' (token)' : choice.headers?.['x-cart-token'] ? ' (cart token)' : ''}`;
    const requests: WarmRequest[] = [
      { label: BARE, target: 'reference', method: 'GET', routeKey: 'GET /ping', path: '/ping' },
      ...routes.map((choice) => ({
        label: labelOf(choice),
        target: 'function' as const,
        method: choice.method,
        routeKey: `${choice.method} ${choice.template}`,
        path: choice.path,
        ...(choice.query ? { query: choice.query } : {}),
        ...(choice.pathParameters ? { pathParameters: choice.pathParameters } : {}),
        headers: {
          ...choice.headers,
          ...(choice.token ? { authorization: `Bearer ${choice.token}` } : {}),
          ...(choice.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(choice.body !== undefined ? { body: JSON.stringify(choice.body) } : {}),
        ...(choice.token && gatewayAuth(choice) === 'jwt' ? { claims: decodeClaims(choice.token) } : {}),
      })),
    ];
    const config: WarmRunnerConfig = {
      functionName: fn.name,
      functionBundle: bundlePath,
      handlerExport: fn.handler,
      referenceBundle: warmReference,
      environment: {
        ...lambdaReservedEnvironment(fn.name, fn.memoryMb),
        ...registered.spec.environment,
      },
      upstream: bench.stack.edgeUrl,
      requests,
      rounds: Math.ceil(rounds / processes),
      batch,
      // Checkout is where a shopper's request records metrics; the probes run beside its function's routes.
      metrics: fn.name === 'order-http',
    };
    const result = await runConfig(config);
    rows.push(...warmRows(fn.name, result, routes.map(labelOf), findings));
    for (const label of routes.map(labelOf)) {
      const micros = result.perRequest[label]?.micros ?? [];
      const zero = result.perRequest[yardstickLabelOf(label)]?.micros ?? [];
      overheads.set(
        `${fn.name} ${label}`,
        micros.map((value, i) => value - (zero[i] ?? Number.NaN)),
      );
      const quiet = result.perRequest[quietLabelOf(label)]?.micros ?? [];
      loggingCosts.push(summarize(micros.map((value, i) => value - (quiet[i] ?? Number.NaN))).median);
    }
  }
  // The platform's floor: its least HTTP function, one GetItem behind a bearer token, in the same
  // harness, with the identity provider and table of a function of the stack.
  const borrowed = httpFunctions
    .map(({ fn }) => bench.stack.host.get(fn.name)?.spec.environment)
    .find((environment) => environment?.AUTH_ISSUER !== undefined && environment.TABLE_NAME !== undefined);
  let floorOverhead: Summary | undefined;
  let floorLogLine: Summary | undefined;
  if (borrowed) {
    const label = 'GET /items/{id} (token)';
    const result = await runConfig({
      functionName: 'http-floor',
      functionBundle: floors.http.bundlePath,
      handlerExport: 'handler',
      referenceBundle: warmReference,
      environment: { ...lambdaReservedEnvironment('http-floor', 512), ...borrowed },
      upstream: bench.stack.edgeUrl,
      requests: [
        { label: BARE, target: 'reference', method: 'GET', routeKey: 'GET /ping', path: '/ping' },
        {
          label,
          target: 'function',
          method: 'GET',
          routeKey: 'GET /items/{id}',
          path: `/items/${productId}`,
          pathParameters: { id: productId },
          headers: { authorization: `Bearer ${customer}` },
        },
      ],
      rounds: Math.ceil(rounds / processes),
      batch,
    });
    rows.push(...warmRows(FLOOR_NAME, result, [label], findings, true));
    const micros = result.perRequest[label]?.micros ?? [];
    const zero = result.perRequest[yardstickLabelOf(label)]?.micros ?? [];
    const quiet = result.perRequest[quietLabelOf(label)]?.micros ?? [];
    floorOverhead = summarize(micros.map((value, i) => value - (zero[i] ?? Number.NaN)));
    floorLogLine = summarize(micros.map((value, i) => value - (quiet[i] ?? Number.NaN)));
  }
  if (floorOverhead && floorLogLine && overheads.size > 0) {
    const floor = floorOverhead.median;
    const above = [...overheads].map(
      ([route, values]) => `${route} ${fixed(summarize(values).median - floor)} µs`,
    );
    findings.push(
      `The platform's floor, warm (diagnostic row): its least HTTP function (\`http-floor.handler.ts\`: the platform's app with its ids, log line and error boundary, a bearer token from the auth package's cache of verified tokens, a zod-validated path parameter, one GetItem) costs ${fixed(floor)} µs beyond bare Hono making the same GetItem with the same answer, ${fixed(floorLogLine.median)} µs of it its log line. That much of every route's overhead comes before any service code, ${floor >= WARM_BUDGET_MICROS ? `already over the ${WARM_BUDGET_MICROS} µs budget` : `leaving ${fixed(WARM_BUDGET_MICROS - floor)} µs of the ${WARM_BUDGET_MICROS} µs budget to a route's own work`}. Each route's overhead less the floor's (medians of different processes, so within about 20 µs, the method's resolution across processes): ${above.join(', ')}.`,
    );
  }
  if (overheads.size > 0) {
    const summaries = [...overheads].map(([route, values]) => ({ route, summary: summarize(values) }));
    const within = summaries.filter((r) => r.summary.median < WARM_BUDGET_MICROS).length;
    const band = summarize(summaries.map((r) => r.summary.p75 - r.summary.p25)).median;
    findings.unshift(
      `Warm overhead: ${within} of ${summaries.length} routes under ${WARM_BUDGET_MICROS} µs. Measurement: DynamoDB is answered in process (the tap's recordings; no socket, loopback or server), and each route is compared with bare Hono sending the route's own recorded DynamoDB requests through a DocumentClient and getting the same answers, so the SDK's work on the route's requests and items is on both sides; the handlers take turns request by request, and a route's figure per round is the median of its requests (a collection's pause lands on whichever request meets it; the notes give the means, pauses shared out, too); the median p25–p75 band of a route is ${fixed(band)} µs wide in this run. Per request, the platform writes one Powertools INFO line with the outcome, duration, correlation id and order id (the observability contract: every invocation logs one), and flushes the metrics a request recorded (only checkout records any); measured in this run against a second copy of each function with \`LOG_LEVEL=SILENT\`, that line costs ${fixed(summarize(loggingCosts).median)} µs of CPU per request (median over the routes, from ${fixed(Math.min(...loggingCosts))} to ${fixed(Math.max(...loggingCosts))} µs); the metrics flush of a request that recorded none does no work. What is left of a route's overhead is the route's request validation, the auth middleware's cache hit and role check, Hono's longer middleware chain, the invocation scope, and the service's own work (reading stored items through zod, mapping them to DTOs); \`--profile\` shows the split (the bundles' source maps sit beside them).`,
    );
    const guest = overheads.get('cart-http GET /cart (cart token)');
    const bearer = overheads.get('cart-http GET /cart (token)');
    if (guest && bearer && guest.length === bearer.length) {
      const extra = summarize(guest.map((value, i) => value - (bearer[i] ?? Number.NaN))).median;
      findings.push(
        `Guest cart token: GET /cart with a cart token costs ${fixed(Math.abs(extra))} µs ${extra < 0 ? 'less' : 'more'} than with a bearer token (same DynamoDB call). Both tokens are served from a cache of verified tokens bounded by their expiry (the cart's \`jose-cart.tokens.ts\`, the auth package's verifier), so only the first request of a token pays for the signature check.`,
      );
    }
  }
  return {
    rows,
    findings,
    explanation: `**2. Warm overhead.** For each HTTP function, ${processes} child processes in turn (each runs its share of the rounds: what V8 makes of the code, which functions it optimises and how its caches settle, differs more from one process to the next than between the rounds of one, so the spread shows it) import the function's bundle (with its real environment from the running stack) and the reference bundle, and invokes each handler directly with an API Gateway v2 event built by the gateway's own mapper (with the JWT authorizer's claims where the route has gateway auth, and the bearer token the function verifies itself; the auth package caches verified tokens, so repeated requests with one token are cache hits, as a warm container sees a returning shopper). DynamoDB is stubbed in process: the function's \`AWS_ENDPOINT_URL\` points at the tap (\`aws-call.tap.ts\`), which first forwards a few requests to the stack and records the answers; then \`node:http\`'s \`request\` is answered in memory from those recordings (\`in-process-http.stub.ts\`: same request, same answer; no socket, no loopback, no server), so the handlers do all of the SDK's own work (serialisation, signing, middleware, parsing) on realistic items with nothing behind it. Each route has its yardstick in the same process and rounds: a bare Hono app (\`warm-reference.handler.ts\`, bundled the same way) sending the route's own DynamoDB requests, as the tap recorded them, through a DocumentClient (converted to DocumentClient input once, before the timing), answered with the route's own recorded responses, so the SDK's work on the same requests and items is on both sides. A round is ${batch} passes, and each pass runs every handler once in a fresh random order, so a drift of the machine's speed lands on all of them alike. Each request is timed in CPU time of the child process (\`process.cpuUsage()\`: user and system, all its threads, GC included), not wall time: nothing in it waits on I/O, so that is all the work a request costs, and other load on a shared machine does not enter the figure as preemption. A handler's figure per round is the median over its ${batch} requests: a garbage collection's pause (a few milliseconds, about one request in a hundred) lands on whichever request meets it and would otherwise decide the round; the notes also give the overhead from the means, where the pauses are shared out. A route's overhead, per round, is its figure minus its yardstick's; the table gives the median and quartiles over the ${rounds} rounds of all the processes. Bare Hono alone (\`GET /ping\`) is listed for scale. The platform's least HTTP function (\`http-floor.handler.ts\`, the cold start section's HTTP floor) runs the same way, with the table and identity provider of a function of the stack: \`GET /items/{id}\` with a customer's token, one GetItem; its overhead is the platform's share of every route's. The cost of logging is measured the same way: the child imports the function's bundle a second time (its own module graph, so its own logger) with \`LOG_LEVEL=SILENT\`, runs each route on it in the same rounds, and a route's time less that copy's is what its log lines cost. The function's logs go to a discarded stdout, as Lambda's go to its log pipe. The p25–p75 band is the resolution of this method on the machine of the run (about 10 µs within one process, about 20 µs across processes); \`npm run bench -- --profile\` writes a V8 CPU profile of each function's run to \`.shop/bench/profiles\` to see where the time goes.`,
  };
};

/** A row for a part of a request's cost (its log line, its metrics), held to the whole request's budget. */
const costRow = (figure: string, cost: Summary, notes: string, budgeted = true): ResultRow => ({
  section: '2',
  figure,
  median: `${fixed(cost.median)} µs`,
  spread: quartilesOf(cost),
  budget: budgeted ? `< ${WARM_BUDGET_MICROS} µs` : '',
  verdict: budgeted ? (cost.median >= WARM_BUDGET_MICROS ? 'OVER' : 'ok') : '',
  notes,
});

/** The rounds of several processes as one run: per label, their rounds one after the other. */
const mergeResults = (results: readonly WarmRunnerResult[]): WarmRunnerResult => {
  const perRequest: WarmRunnerResult['perRequest'] = {};
  for (const label of Object.keys(results[0]?.perRequest ?? {})) {
    const entries = results.map((result) => result.perRequest[label]).filter((entry) => entry !== undefined);
    const first = entries[0];
    if (!first) continue;
    perRequest[label] = {
      micros: entries.flatMap((entry) => entry.micros),
      meanMicros: entries.flatMap((entry) => entry.meanMicros),
      callsPerRequest: entries.reduce((sum, entry) => sum + entry.callsPerRequest, 0) / entries.length,
      statuses: [...new Set(entries.flatMap((entry) => entry.statuses))],
      operations: first.operations,
    };
  }
  return { perRequest };
};

const warmRows = (
  name: string,
  result: WarmRunnerResult,
  labels: readonly string[],
  findings: string[],
  /** A diagnostic's rows carry no budget (the platform's floor). */
  diagnostic = false,
): ResultRow[] => {
  const bare = result.perRequest[BARE]?.micros ?? [];
  const rows: ResultRow[] = [];
  const bareSummary = summarize(bare);
  rows.push({
    section: '2',
    figure: `warm ${name}: bare Hono (same process)`,
    median: `${fixed(bareSummary.median)} µs`,
    spread: quartilesOf(bareSummary),
    budget: '',
    verdict: '',
    notes: 'GET /ping, no I/O',
  });
  for (const label of labels) {
    const entry = result.perRequest[label];
    const yardstick = result.perRequest[yardstickLabelOf(label)];
    if (!entry || !yardstick) continue;
    const overhead = entry.micros.map((value, i) => value - (yardstick.micros[i] ?? Number.NaN));
    const raw = summarize(entry.micros);
    const zero = summarize(yardstick.micros);
    const net = summarize(overhead);
    const withPauses = summarize(
      entry.meanMicros.map((value, i) => value - (yardstick.meanMicros[i] ?? Number.NaN)),
    );
    const over = !diagnostic && net.median >= WARM_BUDGET_MICROS;
    const statuses = [...new Set(entry.statuses)].join('/');
    const operations = entry.operations.length > 0 ? entry.operations.join(' + ') : 'no DynamoDB call';
    const otherCalls = entry.callsPerRequest - entry.operations.length;
    rows.push({
      section: '2',
      figure: `warm ${name} ${label}`,
      median: `${net.median >= 0 ? '+' : ''}${fixed(net.median)} µs`,
      spread: quartilesOf(net),
      budget: diagnostic ? '' : `< ${WARM_BUDGET_MICROS} µs`,
      verdict: diagnostic ? '' : over ? 'OVER' : 'ok',
      notes: `raw ${fixed(raw.median)} µs/request; yardstick ${fixed(zero.median)} µs (bare Hono + ${operations}, same requests and answers); with the collections' pauses shared out (means) ${withPauses.median >= 0 ? '+' : ''}${fixed(withPauses.median)} µs; HTTP ${statuses}${otherCalls > 0.05 ? `; ${fixed(otherCalls, 1)} other AWS calls/request not in the yardstick` : ''}`,
    });
    if (over) {
      findings.push(
        `Warm overhead of ${name} ${label}: ${fixed(net.median)} µs beyond bare Hono making the same DynamoDB requests (${operations}) with the same answers (budget ${WARM_BUDGET_MICROS} µs; raw ${fixed(raw.median)} µs per request, yardstick ${fixed(zero.median)} µs, bare Hono alone ${fixed(bareSummary.median)} µs).`,
      );
    }
    const quiet = result.perRequest[quietLabelOf(label)];
    if (quiet) {
      const loggingWithPauses = summarize(
        entry.meanMicros.map((value, i) => value - (quiet.meanMicros[i] ?? Number.NaN)),
      );
      rows.push(
        costRow(
          `warm ${name} ${label}: its log line`,
          summarize(entry.micros.map((value, i) => value - (quiet.micros[i] ?? Number.NaN))),
          `part of the overhead above: the route less the same route in a copy of the function with LOG_LEVEL=SILENT (one Powertools INFO line per request, with the Lambda context, correlation and order ids); with the collections' pauses shared out (means) ${fixed(loggingWithPauses.median)} µs`,
          !diagnostic,
        ),
      );
    }
    if (entry.statuses.some((s) => s >= 400)) {
      findings.push(`Warm ${name} ${label} answered HTTP ${statuses} on replay, so it measured that path.`);
    }
  }
  for (const [label, entry] of Object.entries(result.perRequest)) {
    if (!(label in METRICS_PROBES)) continue;
    rows.push(
      costRow(
        `warm ${name}: ${label}`,
        summarize(entry.micros),
        `the platform's recordMetric and flushMetrics with Powertools Metrics, as a handler wrapper runs them at the end of an invocation; the EMF lines go to the discarded stdout; with the collections' pauses shared out (means) ${fixed(summarize(entry.meanMicros).median)} µs`,
      ),
    );
  }
  return rows;
};
