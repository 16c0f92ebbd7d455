import { randomUUID } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { createJwtVerifier } from '@shop/auth';
import { createDevIssuer, type DevIssuer, DevTokenRequest } from '@shop/auth/dev-issuer';
import { buildOpenApiDocument } from '@shop/platform';
import {
  DEFAULT_MAX_RECEIVE_COUNT,
  deadLetterQueueNameOf,
  eventRoutesOf,
  functionEnvironment,
  httpRoutesOf,
  loadServiceDefinitions,
  queueNameOf,
  type ResolvedFunction,
  resolveInvokedFunction,
  type ServiceDefinition,
  stateMachineNameOf,
  subscriptionsOfAll,
  taskSubstitutionsOf,
} from '@shop/platform/service';
import { type DynamoDbLocal, startDynamoDbLocal } from '../dynamodb/dynamodb-local.ts';
import { createDynamoDbProxy } from '../dynamodb/dynamodb-proxy.ts';
import { createServiceTables, type ServiceTable } from '../dynamodb/service-tables.ts';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { createBuiltinRoutes, createGateway, type GatewayRoute } from '../gateway/index.ts';
import { bundleFunctions, createLambdaApi, createLambdaHost, type LambdaHost } from '../lambda/index.ts';
import { type FunctionSpec, functionArn, LOCAL_ACCOUNT_ID, LOCAL_REGION } from '../lambda/lambda.types.ts';
import { isProcessAlive } from '../process/child-process.ts';
import { createSqsEdgeHandler, SqsEngine, startSqsEventSource } from '../sqs/index.ts';
import { createStepFunctionsEdgeHandler, StepFunctionsEmulator } from '../stepfunctions/index.ts';
import { startStreamEventSource } from '../streams/index.ts';
import { localDataDirs } from './local-data.ts';
import { localSecretsOf } from './local-secrets.ts';

export const DEFAULT_PORT = 3000;
export const DEFAULT_EDGE_PORT = 4566;
export const LOCAL_AUDIENCE = 'shop';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export interface LocalStackOptions {
  /** Repository root: services are discovered in `<root>/services`, builds go to `<root>/.shop`. */
  readonly root: string;
  /** Public API port; 0 picks a free one. */
  readonly port?: number;
  /** AWS edge port; 0 picks a free one. */
  readonly edgePort?: number;
  /** Keep DynamoDB data (and the dev signing key) in `<root>/.data`. */
  readonly persist?: boolean;
  /** Run each service's seed. Default true. */
  readonly seed?: boolean;
  /** Service definitions to run instead of the discovered ones (tests). */
  readonly services?: readonly ServiceDefinition[];
  /** Where the stack's own lines and the functions' logs go. Default: stdout. */
  readonly log?: (line: string) => void;
  /** Gateway throttling; generous by default so local load tests measure the system, not the limiter. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number };
  /** Scales saga Wait states and Retry intervals (1 = real time). */
  readonly waitTimeScale?: number;
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
  /** Milliseconds from the call to ready. */
  readonly startupMs: number;
  /** Milliseconds per start-up phase. */
  readonly phases: Readonly<Record<string, number>>;
  stop(): Promise<void>;
}

const specOf = (fn: ResolvedFunction, environment: Record<string, string>): FunctionSpec => ({
  name: fn.name,
  entry: fn.entry,
  handler: fn.handler,
  memoryMb: fn.memoryMb,
  timeoutSeconds: fn.timeoutSeconds,
  environment,
});

/** Build folders of stacks whose process is gone (a crash or SIGKILL skips the cleanup). */
const removeOrphanBuilds = async (buildsDir: string): Promise<void> => {
  const entries = await readdir(buildsDir).catch(() => []);
  await Promise.all(
    entries
      .filter((name) => {
        const pid = Number(name.split('-')[0]);
        return Number.isInteger(pid) && pid > 0 && !isProcessAlive(pid);
      })
      .map((name) => rm(join(buildsDir, name), { recursive: true, force: true })),
  );
};

/** Runs a set of cleanups in reverse order, each whatever happens to the others. */
const createCleanup = () => {
  const steps: (() => Promise<void> | void)[] = [];
  return {
    add: (step: () => Promise<void> | void) => steps.push(step),
    run: async () => {
      for (const step of steps.reverse()) {
        try {
          await step();
        } catch (error) {
          console.error('[local-cloud] cleanup failed', error);
        }
      }
      steps.length = 0;
    },
  };
};

/**
 * Starts the whole shop locally from the service definitions: DynamoDB Local, the AWS edge (DynamoDB,
 * SQS, Step Functions, Lambda), the Lambda host running each function's bundle, event source mappings
 * (SQS and table streams), the state machines, and the HTTP API gateway.
 */
export const startLocalStack = async (options: LocalStackOptions): Promise<LocalStack> => {
  const started = performance.now();
  const phases: Record<string, number> = {};
  let phaseStart = started;
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - phaseStart);
    phaseStart = now;
  };
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cleanup = createCleanup();
  try {
    const services = options.services ?? (await loadServiceDefinitions(options.root));
    const functions = services.flatMap((service) => service.functions.map((fn) => ({ service, fn })));

    // The slow parts run side by side: the JVM start, esbuild, key generation.
    const bundleSpecs = functions.map(({ fn }) => specOf(fn, {}));
    // A seed runs like a function of its service (same environment), invoked once after start-up.
    const seeds: ResolvedFunction[] = services.flatMap((service) =>
      service.seed
        ? [
            {
              id: 'seed',
              name: `${service.name}-seed`,
              service: service.name,
              entry: join(service.root, service.seed.entry),
              handler: service.seed.handler ?? 'seed',
              memoryMb: 512,
              timeoutSeconds: 60,
              environment: {},
              triggers: [],
              invokes: [],
              secrets: [],
            },
          ]
        : [],
    );
    const runSeeds = options.seed ?? true;
    // Each stack builds into a folder of its own: a second stack (tests, a benchmark) must not delete
    // the bundles of a running one.
    const buildDir = join(options.root, '.shop', 'build', `${process.pid}-${randomUUID().slice(0, 8)}`);
    cleanup.add(() => rm(buildDir, { recursive: true, force: true }));
    await removeOrphanBuilds(join(options.root, '.shop', 'build'));
    const dynamoDbStarting =
      options.dynamoDb ??
      startDynamoDbLocal(options.persist ? { dataDir: localDataDirs(options.root).dynamoDb } : {});
    // Registered first so the Java process is stopped whatever fails next.
    cleanup.add(async () => (await dynamoDbStarting.catch(() => undefined))?.stop());
    const [ddb, bundles, devIssuer, secrets] = await Promise.all([
      dynamoDbStarting,
      bundleFunctions([...bundleSpecs, ...(runSeeds ? seeds.map((fn) => specOf(fn, {})) : [])], buildDir, {
        splitting: true,
      }),
      createDevIssuer({
        issuer: 'https://shop.local/dev',
        audience: LOCAL_AUDIENCE,
        ...(options.persist ? { keyFile: localDataDirs(options.root).signingKey } : {}),
      }),
      localSecretsOf(services, options.persist ? localDataDirs(options.root).secrets : undefined),
    ]);
    phase('dynamodb, bundles, keys');

    const sqs = new SqsEngine({ accountId: LOCAL_ACCOUNT_ID, region: LOCAL_REGION });
    cleanup.add(() => sqs.close());

    const host = createLambdaHost({
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      // Any credentials will do locally; in AWS they come from the function's role.
      baseEnvironment: {
        AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      },
      log,
    });
    cleanup.add(() => host.close());
    const stepFunctions = new StepFunctionsEmulator({
      invoker: host,
      region: LOCAL_REGION,
      accountId: LOCAL_ACCOUNT_ID,
      ...(options.waitTimeScale !== undefined ? { waitTimeScale: options.waitTimeScale } : {}),
    });
    cleanup.add(() => stepFunctions.close());

    const edge: StartedServer = await startEdge(
      [
        createDynamoDbProxy(ddb.endpoint),
        createSqsEdgeHandler(sqs),
        createStepFunctionsEdgeHandler(stepFunctions),
        createLambdaApi(host),
      ],
      options.edgePort ?? DEFAULT_EDGE_PORT,
    );
    cleanup.add(() => edge.close());
    const edgeUrl = edge.url;

    const dynamodb = new DynamoDBClient({
      endpoint: edgeUrl,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanup.add(() => dynamodb.destroy());
    const tables = await createServiceTables(dynamodb, services);
    phase('edge, tables');
    const tableOf = (service: string) => tables.find((t) => t.service === service);

    // One queue and DLQ per subscribed function.
    const queueUrlOf = (fn: ResolvedFunction) => `${edgeUrl}/${LOCAL_ACCOUNT_ID}/${queueNameOf(fn)}`;
    for (const { function: fn, trigger } of subscriptionsOfAll(services)) {
      const dlq = sqs.createQueue(deadLetterQueueNameOf(fn), { MessageRetentionPeriod: '1209600' });
      sqs.createQueue(queueNameOf(fn), {
        VisibilityTimeout: String(trigger.visibilityTimeoutSeconds ?? Math.max(30, fn.timeoutSeconds * 6)),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: dlq.arn,
          maxReceiveCount: trigger.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
        }),
      });
    }

    const stateMachineArns = new Map<string, Record<string, string>>();
    for (const service of services) {
      const arns: Record<string, string> = {};
      for (const name of Object.keys(service.stateMachines ?? {})) {
        arns[name] = stepFunctions.stateMachineArn(stateMachineNameOf(service, name));
      }
      stateMachineArns.set(service.name, arns);
    }

    // The gateway listens before functions are registered: their JWKS URL needs its port.
    const routes: GatewayRoute[] = functions.flatMap(({ fn }) =>
      httpRoutesOf(fn).map((route) => ({ ...route, functionName: fn.name })),
    );
    const openapi = buildOpenApiDocument(
      functions.flatMap(({ fn }) => fn.triggers.flatMap((t) => (t.type === 'http' ? t.routes : []))),
      {
        title: 'Shop API',
        version: '1.0.0',
        description: 'The public REST API of Shop. Errors are RFC 9457 problem details.',
      },
    );
    const verifier = createJwtVerifier({
      issuer: devIssuer.issuer,
      audience: devIssuer.audience,
      jwks: devIssuer.jwks,
    });
    const gateway = createGateway({
      routes,
      invoker: host,
      authorize: async (token) => (await verifier.verify(token)).claims,
      builtins: createBuiltinRoutes({
        openapi: () => openapi,
        devIssuer,
        parseDevTokenRequest: (body) => DevTokenRequest.parse(body),
        title: 'Shop API',
      }),
      cors: {
        allowOrigins: '*',
        allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        allowHeaders: [
          'authorization',
          'content-type',
          'idempotency-key',
          'x-cart-token',
          'x-correlation-id',
        ],
        exposeHeaders: ['location', 'retry-after', 'x-request-id', 'x-correlation-id'],
        maxAgeSeconds: 600,
        allowCredentials: false,
      },
      throttle: options.throttle ?? { rateLimit: 2000, burstLimit: 4000 },
      log,
    });
    const api = await gateway.listen(options.port ?? DEFAULT_PORT);
    phase('gateway');
    cleanup.add(() => api.close());

    const baseEnvironment = {
      // The one setting that differs from the cloud.
      AWS_ENDPOINT_URL: edgeUrl,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      // No X-Ray daemon locally: the tracer stays off.
      POWERTOOLS_TRACE_ENABLED: 'false',
    };
    const bindingsOf = (service: ServiceDefinition) => {
      const table = tableOf(service.name);
      return {
        ...(table ? { tableName: table.tableName } : {}),
        auth: {
          issuer: devIssuer.issuer,
          audience: devIssuer.audience,
          jwksUrl: `${api.url}/.well-known/jwks.json`,
        },
        eventRoutes: eventRoutesOf(service, services, queueUrlOf),
        stateMachineArns: stateMachineArns.get(service.name) ?? {},
        logLevel: process.env.LOG_LEVEL ?? 'INFO',
        secretValues: secrets[service.name] ?? {},
        invokedFunctionNames: Object.fromEntries(
          service.functions
            .flatMap((fn) => fn.invokes)
            .map((ref) => [ref, resolveInvokedFunction(services, ref).name]),
        ),
      };
    };
    for (const { service, fn } of functions) {
      const bundle = bundles.bundles[fn.name];
      if (!bundle) throw new Error(`no bundle for ${fn.name}`);
      host.register(
        specOf(fn, { ...baseEnvironment, ...functionEnvironment(service, fn, bindingsOf(service)) }),
        bundle,
      );
    }

    // Seeds run while the rest is wired up; their events wait in the table streams until the relays start.
    const seeding = Promise.all(
      (runSeeds ? seeds : []).map(async (seed) => {
        const service = services.find((candidate) => candidate.name === seed.service);
        const bundle = bundles.bundles[seed.name];
        if (!service || !bundle) return;
        host.register(
          specOf(seed, { ...baseEnvironment, ...functionEnvironment(service, seed, bindingsOf(service)) }),
          bundle,
        );
        const result = await host.invoke(seed.name, {});
        if (!result.ok) {
          throw new Error(
            `seeding ${service.name} failed: ${result.error.errorType}: ${result.error.errorMessage}`,
          );
        }
      }),
    );
    // Awaited below; a failure must not surface as an unhandled rejection meanwhile.
    seeding.catch(() => {});

    const substitutions = taskSubstitutionsOf(services, (fn) => functionArn(fn.name));
    for (const service of services) {
      for (const [name, machine] of Object.entries(service.stateMachines ?? {})) {
        await stepFunctions.createStateMachineFromFile(
          stateMachineNameOf(service, name),
          join(service.root, machine.definitionFile),
          substitutions,
          { type: machine.type ?? 'STANDARD' },
        );
      }
    }

    // Event source mappings: SQS queues and table streams.
    for (const { function: fn, trigger } of subscriptionsOfAll(services)) {
      const source = startSqsEventSource({
        engine: sqs,
        queueName: queueNameOf(fn),
        functionName: fn.name,
        invoker: host,
        batchSize: trigger.batchSize ?? 10,
        maximumBatchingWindowSeconds: trigger.maxBatchingWindowSeconds ?? 0,
        maxConcurrency: trigger.maxConcurrency ?? 5,
        reportBatchItemFailures: true,
        region: LOCAL_REGION,
        accountId: LOCAL_ACCOUNT_ID,
        onError: (error) => log(`[sqs:${fn.name}] ${String(error)}`),
      });
      cleanup.add(() => source.stop());
    }
    const streams = new DynamoDBStreamsClient({
      endpoint: ddb.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    cleanup.add(() => streams.destroy());
    for (const { service, fn } of functions) {
      const trigger = fn.triggers.find((t) => t.type === 'stream');
      const streamArn = tableOf(service.name)?.streamArn;
      if (!trigger || !streamArn) continue;
      const source = startStreamEventSource({
        streamsClient: streams,
        streamArn,
        functionName: fn.name,
        invoker: host,
        batchSize: trigger.batchSize ?? 100,
        // From the oldest record: with --persist, outbox events written while stopped are still relayed
        // (consumers de-duplicate, so a replay is harmless).
        startingPosition: 'TRIM_HORIZON',
        region: LOCAL_REGION,
        onError: (error) => log(`[stream:${fn.name}] ${String(error)}`),
      });
      cleanup.add(() => source.stop());
    }

    phase('functions, state machines, event sources');
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
      startupMs: Math.round(performance.now() - started),
      stop: cleanup.run,
    };
  } catch (error) {
    await cleanup.run();
    throw error;
  }
};
