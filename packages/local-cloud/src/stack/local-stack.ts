import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createDevIssuer, type DevIssuer } from '@shop/auth/dev-issuer';
import { loadServiceDefinitions, type ServiceDefinition } from '@shop/platform/service';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb/dynamodb-local.ts';
import { createDynamoDbProxy } from '../dynamodb/dynamodb-proxy.ts';
import { createServiceTables, type ServiceTable } from '../dynamodb/service-tables.ts';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { createFaultsApi, FaultRegistry } from '../faults/index.ts';
import {
  bundleFunctions,
  createEventSourceMappingRegistry,
  createLambdaApi,
  createLambdaHost,
  createLambdaLocalApi,
  type LambdaHost,
} from '../lambda/index.ts';
import { LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/lambda.types.ts';
import { createMetricsApi, EmfCollector } from '../metrics/index.ts';
import { createS3EdgeHandler, S3ObjectStore } from '../s3/index.ts';
import { createSesEdgeHandler, Mailbox } from '../ses/index.ts';
import { createLocalSqsEdgeHandler, createSqsEdgeHandler, SqsEngine } from '../sqs/index.ts';
import { createStepFunctionsEdgeHandler, StepFunctionsEmulator } from '../stepfunctions/index.ts';
import { createStsEdgeHandler } from '../sts/index.ts';
import { createTracesApi, SpanRecorder, WriteLinks } from '../traces/index.ts';
import { createCleanup, removeOrphanBuilds } from './cleanup.ts';
import { startEventSources } from './event-sources.step.ts';
import { assertPortsFree, portInUseErrorOf } from './listen-ports.check.ts';
import { dataDirOf, localDataDirs } from './local-data.ts';
import {
  DEFAULT_EDGE_PORT,
  DEFAULT_PORT,
  LOCAL_AUDIENCE,
  LOCAL_CREDENTIALS,
  LOCAL_EMAIL_FROM_ADDRESS,
} from './local-defaults.ts';
import { localSecretsOf } from './local-secrets.ts';
import { LogHub } from './log-hub.ts';
import {
  createSagaStateMachines,
  sqsMessageSenderOf,
  stateMachineArnsOf,
} from './saga-state-machines.step.ts';
import { type Schedules, startSchedules } from './schedules.step.ts';
import { configureServiceBuckets, type ServiceBucket, serviceBucketsOf } from './service-buckets.step.ts';
import { registerServiceFunctions, runSeeds, seedFunctionsOf, specOf } from './service-functions.step.ts';
import { createShopApi } from './shop-api.step.ts';
import { createFailureQueues, createSubscriptionQueues, queueUrlOf } from './subscription-queues.step.ts';

export {
  DEFAULT_EDGE_PORT,
  DEFAULT_PORT,
  LOCAL_AUDIENCE,
  LOCAL_CREDENTIALS,
  LOCAL_EMAIL_FROM_ADDRESS,
} from './local-defaults.ts';

/** Where the stack keeps its last build of the bundles, relative to the root. */
const BUNDLE_CACHE_DIR = '.shop/bundle-cache';

export interface LocalStackOptions {
  /** Repository root: services are discovered in `<root>/services`, builds go to `<root>/.shop`. */
  readonly root: string;
  /** Public API port; 0 picks a free one. */
  readonly port?: number;
  /** AWS edge port; 0 picks a free one. */
  readonly edgePort?: number;
  /**
   * Keep DynamoDB data, SQS queues and messages, Step Functions' state machines and executions
   * (running ones resume after a restart) and the dev signing key in `<root>/.data`.
   */
  readonly persist?: boolean;
  /**
   * A visibility timeout for every subscriber queue instead of the definitions' (local only: for
   * demos, so a poison message reaches its DLQ in seconds). `SHOP_LOCAL_VISIBILITY_TIMEOUT_SECONDS`
   * or `--visibility-timeout` with `npm start`.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Where `persist` keeps its data; `<root>/.data` by default (`SHOP_DATA_DIR` for `npm start`). */
  readonly dataDir?: string;
  /** Run each service's seed. Default true. */
  readonly seed?: boolean;
  /** Service definitions to run instead of the discovered ones (tests). */
  readonly services?: readonly ServiceDefinition[];
  /** Where the stack's own lines and the functions' logs go. Default: stdout. */
  readonly log?: (line: string) => void;
  /**
   * Record spans (gateway requests, invocations, saga states, edge calls, queue and stream hops).
   * Default true; false leaves `/_local/traces` empty (to measure what recording costs).
   */
  readonly tracing?: boolean;
  /** Told of each start-up phase as it ends, with its milliseconds (`npm start` prints them). */
  readonly onPhase?: (name: string, ms: number) => void;
  /** Gateway throttling; generous by default so local load tests measure the system, not the limiter. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Scales saga Wait states and Retry intervals (1 = real time). */
  readonly waitTimeScale?: number;
  /**
   * Execution environments per function (unless a function reserves its own concurrency): the
   * `SHOP_LOCAL_CONCURRENCY` variable of `npm start`, else twice the cores.
   */
  readonly concurrencyPerFunction?: number;
  /** Every schedule runs this often instead of its rate (demos and tests); each schedule's rate otherwise. */
  readonly scheduleEverySeconds?: number;
  /**
   * Variables set on every function after the platform's (local only): the services' own tunables,
   * such as the order reconciler's `RECONCILE_AFTER_SECONDS`.
   */
  readonly functionEnvironment?: Readonly<Record<string, string>>;
  /**
   * A DynamoDB Local already starting (the CLI starts the JVM before it loads anything else); the
   * stack owns it from here and stops it. Started here when absent.
   */
  readonly dynamoDb?: Promise<DynamoDbLocal>;
}

export interface LocalStack {
  readonly gatewayUrl: string;
  readonly edgeUrl: string;
  readonly services: readonly ServiceDefinition[];
  readonly devIssuer: DevIssuer;
  readonly host: LambdaHost;
  readonly sqs: SqsEngine;
  readonly stepFunctions: StepFunctionsEmulator;
  readonly tables: readonly ServiceTable[];
  /** The services' S3 buckets, served by the edge. */
  readonly buckets: readonly ServiceBucket[];
  /** The faults injected into this stack (`npm run local -- fault ...`, `/_local/faults` on the edge). */
  readonly faults: FaultRegistry;
  /** The recent lines the stack and its functions printed (the console tails them). */
  readonly logs: LogHub;
  /** The scheduled functions' timers (EventBridge Scheduler's part). */
  readonly schedules: Schedules;
  /**
   * The table streams' pollers together: whether every one has delivered all that was written before
   * `time` (`performance.now()`), and a nudge for each to read now rather than after its pause.
   */
  readonly streamSources: {
    caughtUpSince(time: number): boolean;
    pollNow(): void;
  };
  /** The latest spans (`npm run local -- trace`, `/_local/traces` on the edge). */
  readonly spans: SpanRecorder;
  /** The functions' EMF metrics (`npm run local -- metrics`, `/_local/metrics` on the edge). */
  readonly metrics: EmfCollector;
  /** What the edge's SES sent (`GET /dev/mailbox`, the console's Mailbox). */
  readonly mailbox: Mailbox;
  /** Milliseconds from the call to ready. */
  readonly startupMs: number;
  /** Milliseconds per start-up phase. */
  readonly phases: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

/**
 * Starts the whole shop locally from the service definitions: DynamoDB Local, the AWS edge (DynamoDB,
 * SQS, Step Functions, Lambda), the Lambda host running each function's bundle, event source mappings
 * (SQS and table streams), the state machines, and the HTTP API gateway. Each step is named after the
 * CDK construct that builds the same thing in AWS (`ServiceTable`, `SubscriptionQueue`, `ShopApi`,
 * `ServiceFunction`, `SagaStateMachine`, the event sources), in `*.step.ts` beside this file.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let phaseStart = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - phaseStart);
    phaseStart = now;
    options.onPhase?.(name, phases[name]);
  };
  const print = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  // Every line is also kept for the console's live tail.
  const logs = new LogHub();
  // The EMF lines functions print are CloudWatch metrics in AWS; here they are collected.
  const metrics = new EmfCollector();
  const log = (line: string) => {
    logs.push(line);
    metrics.ingest(line);
    print(line);
  };
  const ports = { port: options.port ?? DEFAULT_PORT, edgePort: options.edgePort ?? DEFAULT_EDGE_PORT };
  const cleanup = createCleanup();
  try {
    // Before seconds of JVM, esbuild and key work: a port in use fails now, naming its variable.
    await assertPortsFree(options.root, ports);
    const services = options.services ?? (await loadServiceDefinitions(options.root));
    const seeds = options.seed === false ? [] : seedFunctionsOf(services);
    const dataDirs = options.persist ? localDataDirs(options.dataDir ?? dataDirOf(options.root)) : undefined;

    // The slow parts run side by side: the JVM start, esbuild (or the bundle cache), key generation,
    // the state machines' validation.
    // Each stack builds into a folder of its own: a second stack (tests, a benchmark) must not delete
    // the bundles of a running one.
    const buildDir = join(options.root, '.shop', 'build', `${process.pid}-${randomUUID().slice(0, 8)}`);
    cleanup.add(() => rm(buildDir, { recursive: true, force: true }));
    await removeOrphanBuilds(join(options.root, '.shop', 'build'));
    const dynamoDbStarting =
      options.dynamoDb ?? startDynamoDbLocal(dataDirs ? { dataDir: dataDirs.dynamoDb } : {});
    // Registered first so the Java process is stopped whatever fails next.
    cleanup.add(async () => (await dynamoDbStarting.catch(() => undefined))?.stop());
    const functionSpecs = [...services.flatMap((service) => service.functions), ...seeds].map((fn) =>
      specOf(fn, {}),
    );
    const spans = new SpanRecorder();
    // What records spans: nothing when tracing is off (the API still answers, with no spans).
    const recording = options.tracing === false ? undefined : spans;
    const keyNames = new Map<string, readonly string[]>();
    const writes = new WriteLinks((table) => keyNames.get(table));

    const sqs = new SqsEngine({
      accountId: LOCAL_ACCOUNT_ID,
      region: LOCAL_REGION,
      ...(dataDirs ? { dataDir: dataDirs.sqs } : {}),
    });
    cleanup.add(() => sqs.close());
    let tables: readonly ServiceTable[] = [];
    const faults = new FaultRegistry({
      targets: {
        functions: () => host.functions().map((fn) => fn.spec.name),
        tables: () => tables.map((table) => table.tableName),
        queues: () => sqs.listQueues(),
      },
    });
    const host = createLambdaHost({
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      faults,
      ...(options.concurrencyPerFunction !== undefined
        ? { maxConcurrencyPerFunction: options.concurrencyPerFunction }
        : {}),
      // Any credentials will do locally; in AWS they come from the function's role.
      baseEnvironment: {
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      },
      log,
      ...(recording ? { spans: recording } : {}),
    });
    cleanup.add(() => host.close());
    const stepFunctions = new StepFunctionsEmulator({
      invoker: host,
      ...(recording ? { spans: recording } : {}),
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      integrations: { sqs: sqsMessageSenderOf(sqs) },
      ...(dataDirs ? { dataDir: dataDirs.stepFunctions } : {}),
      ...(options.waitTimeScale !== undefined ? { waitTimeScale: options.waitTimeScale } : {}),
    });
    cleanup.add(() => stepFunctions.close());

    const [ddb, built, devIssuer, secrets] = await Promise.all([
      dynamoDbStarting,
      // Copied from the last start's build when none of its inputs has changed since.
      bundleFunctions(functionSpecs, buildDir, {
        splitting: true,
        cacheDir: join(options.root, BUNDLE_CACHE_DIR),
      }),
      createDevIssuer({
        issuer: 'https://shop.local/dev',
        audience: LOCAL_AUDIENCE,
        ...(dataDirs ? { keyFile: dataDirs.signingKey } : {}),
      }),
      localSecretsOf(services, dataDirs?.secrets),
      // Validating the ASL is a few hundred milliseconds of CPU: done while the JVM starts.
      createSagaStateMachines(stepFunctions, services),
    ]);
    phase('dynamodb, bundles, keys, state machines');
    log(
      built.fromCache
        ? `[local-cloud] bundles copied from ${BUNDLE_CACHE_DIR} (no input changed since they were built)`
        : `[local-cloud] bundles built in ${Math.round(built.durationMs)} ms${
            built.warnings.length > 0 ? ` (${built.warnings.join('; ')})` : `, kept in ${BUNDLE_CACHE_DIR}`
          }`,
    );

    const objects = new S3ObjectStore(dataDirs ? { dataDir: dataDirs.s3 } : {});
    const s3 = createS3EdgeHandler({
      store: objects,
      credentials: { [LOCAL_CREDENTIALS.accessKeyId]: LOCAL_CREDENTIALS.secretAccessKey },
      region: LOCAL_REGION,
      // S3 invokes a notified function asynchronously (Lambda's own retries, then nothing).
      notify: (functionName, event) => {
        host.invoke(functionName, event, { async: true }).catch((error: unknown) => {
          log(`[local-cloud] notifying ${functionName} of an object failed: ${String(error)}`);
        });
      },
    });

    // Filled when the event sources start, read by the Lambda API whenever it is asked.
    const eventSourceMappings = createEventSourceMappingRegistry();
    const mailbox = new Mailbox();
    const edge: StartedServer = await startEdge(
      [
        createFaultsApi(faults),
        createTracesApi(spans),
        createMetricsApi(metrics),
        createLambdaLocalApi(host),
        createDynamoDbProxy(ddb.endpoint, faults),
        createSqsEdgeHandler(sqs),
        createLocalSqsEdgeHandler(sqs),
        createStepFunctionsEdgeHandler(stepFunctions),
        createLambdaApi(host, { eventSourceMappings }),
        createStsEdgeHandler({ accountId: LOCAL_ACCOUNT_ID }),
        createSesEdgeHandler({
          mailbox,
          verifiedIdentities: [LOCAL_EMAIL_FROM_ADDRESS],
          region: LOCAL_REGION,
        }),
        s3,
      ],
      ports.edgePort,
      recording ? { spans: recording, writes } : undefined,
    ).catch(portInUseErrorOf(options.root, 'edgePort', ports.edgePort));
    cleanup.add(() => edge.close());
    const edgeUrl = edge.url;

    const dynamodb = new DynamoDBClient({
      endpoint: edgeUrl,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanup.add(() => dynamodb.destroy());
    // The optimized DynamoDB integration calls DynamoDB Local through the edge, with the real client.
    stepFunctions.connect({ dynamoDb: dynamodb });
    tables = await createServiceTables(dynamodb, services);
    for (const table of tables) {
      const definition = services.find((service) => service.name === table.service)?.table;
      if (definition) {
        keyNames.set(table.tableName, [
          definition.partitionKey.name,
          ...(definition.sortKey ? [definition.sortKey.name] : []),
        ]);
      }
    }
    const buckets = serviceBucketsOf(services, edgeUrl);
    phase('edge, tables');

    createSubscriptionQueues(sqs, services, {
      ...(options.visibilityTimeoutSeconds !== undefined
        ? { visibilityTimeoutSeconds: options.visibilityTimeoutSeconds }
        : {}),
    });
    createFailureQueues(sqs, services);

    // The gateway listens before functions are registered: their JWKS URL needs its port.
    const shopApi = createShopApi({
      services,
      invoker: host,
      devIssuer,
      throttle: options.throttle ?? { rateLimit: 2000, burstLimit: 4000 },
      log,
      edgeUrl,
      logs,
      ...(recording ? { spans: recording } : {}),
      mailbox,
    });
    cleanup.add(() => shopApi.closeConsole());
    const api = await shopApi.listen(ports.port).catch(portInUseErrorOf(options.root, 'port', ports.port));
    cleanup.add(() => api.close());
    phase('gateway');

    const { register } = registerServiceFunctions({
      host,
      services,
      bundles: built.bundles,
      baseEnvironment: {
        // The one setting that differs from the cloud.
        AWS_ENDPOINT_URL: edgeUrl,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        // No X-Ray daemon locally: the tracer stays off.
        POWERTOOLS_TRACE_ENABLED: 'false',
      },
      tableNameOf: (service) => tables.find((t) => t.service === service)?.tableName,
      bucketOf: (service) => buckets.find((b) => b.service === service),
      queueUrlOf: (fn) => queueUrlOf(edgeUrl, fn),
      stateMachineArnsOf: (service) => stateMachineArnsOf(stepFunctions, service),
      auth: {
        issuer: devIssuer.issuer,
        audience: devIssuer.audience,
        jwksUrl: `${api.url}/.well-known/jwks.json`,
      },
      secrets,
      emailFromAddress: LOCAL_EMAIL_FROM_ADDRESS,
      logLevel: process.env.LOG_LEVEL ?? 'INFO',
      ...(options.functionEnvironment ? { overrides: options.functionEnvironment } : {}),
    });

    // Buckets notify functions, so their notifications are configured once the functions exist.
    configureServiceBuckets(s3, objects, services, buckets);

    // Seeds run while the rest is wired up; their events wait in the table streams until the relays start.
    const seeding = runSeeds(host, services, seeds, register);
    // Awaited below; a failure must not surface as an unhandled rejection meanwhile.
    seeding.catch(() => {});

    const streams = new DynamoDBStreamsClient({
      endpoint: ddb.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanup.add(() => streams.destroy());
    const sources = startEventSources({
      services,
      sqs,
      streams,
      tables,
      invoker: host,
      faults,
      log,
      registry: eventSourceMappings,
      ...(recording ? { tracing: { spans: recording, writes } } : {}),
    });
    for (const source of sources) {
      cleanup.add(() => source.stop());
    }
    const streamSources = sources.flatMap((source) => (source.stream ? [source.stream] : []));
    // Sagas a crash or a stop interrupted (`--persist`) go on where they were, now that their functions exist.
    const resumed = stepFunctions.resumeInterrupted();
    if (resumed.length > 0) log(`[local-cloud] resumed ${resumed.length} interrupted execution(s)`);
    const schedules = startSchedules({
      services,
      invoker: host,
      sqs,
      log,
      ...(options.scheduleEverySeconds !== undefined ? { everySeconds: options.scheduleEverySeconds } : {}),
    });
    cleanup.add(() => schedules.stop());
    phase('functions, event sources');

    await seeding;
    phase('seeds');
    return {
      gatewayUrl: api.url,
      phases,
      edgeUrl,
      services,
      devIssuer,
      host,
      sqs,
      stepFunctions,
      tables,
      buckets,
      faults,
      logs,
      schedules,
      streamSources: {
        caughtUpSince: (time) => streamSources.every((source) => source.caughtUpSince(time)),
        pollNow: () => {
          for (const source of streamSources) source.pollNow();
        },
      },
      spans,
      metrics,
      mailbox,
      startupMs: Math.round(performance.now() - started),
      stop: cleanup.run,
    };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
};
