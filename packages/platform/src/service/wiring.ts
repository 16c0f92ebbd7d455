import type { ResolvedFunction, S3Trigger, ServiceDefinition, SqsTrigger } from './service-definition.ts';

/** The queue an SQS-triggered function reads (its DLQ is `<name>-dlq`). */
export const queueNameOf = (fn: Pick<ResolvedFunction, 'name'>): string => fn.name;
export const deadLetterQueueNameOf = (fn: Pick<ResolvedFunction, 'name'>): string => `${fn.name}-dlq`;

/** The on-failure queue of a table-stream function (the outbox relay): records it gave up on. */
export const streamDeadLetterQueueNameOf = (fn: Pick<ResolvedFunction, 'name'>): string =>
  `${fn.name}-stream-dlq`;

/**
 * Where a schedule's invocations go when the function keeps failing them (after the asynchronous
 * invocation's retries): the schedule target's dead-letter queue.
 */
export const scheduleDeadLetterQueueNameOf = (fn: Pick<ResolvedFunction, 'name'>): string =>
  `${fn.name}-schedule-dlq`;

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const UNIT_SECONDS = { minute: 60, hour: 3600, day: 86_400 } as const;

/**
 * The period of a rate expression in seconds; throws on anything EventBridge Scheduler would refuse
 * (a value under 1, a plural that does not agree: `rate(1 minutes)`, `rate(5 minute)`).
 */
export const scheduleSecondsOf = (rate: string): number => {
  const match = RATE.exec(rate);
  const value = Number(match?.[1]);
  const unit = match?.[2];
  if (!match || !unit || !Number.isInteger(value) || value < 1 || (value === 1) !== !unit.endsWith('s')) {
    throw new Error(`"${rate}" is not a rate expression such as rate(1 minute) or rate(5 minutes)`);
  }
  return value * UNIT_SECONDS[unit.replace(/s$/, '') as keyof typeof UNIT_SECONDS];
};

/** The `source` of the event a schedule invokes its function with, in both runtimes. */
export const SCHEDULE_SOURCE = 'shop.schedule';

export const DEFAULT_MAX_RECEIVE_COUNT = 5;
/** Fourteen days, SQS's longest retention: what a DLQ keeps for someone to look at. */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 60 * 60;
/** What an SQS event source does when the trigger does not say, in both runtimes. */
export const SQS_EVENT_SOURCE_DEFAULTS = {
  batchSize: 10,
  maxBatchingWindowSeconds: 0,
  maxConcurrency: 5,
} as const;
export const STREAM_EVENT_SOURCE_BATCH_SIZE = 100;
/** Stream relay retries of one batch before its records go to the relay's stream DLQ. */
export const STREAM_RETRY_ATTEMPTS = 10;

/**
 * A subscriber queue's visibility timeout: what the trigger asks, but never under six times the
 * function timeout (AWS's advice for Lambda consumers, so a message is not redelivered mid-batch).
 */
export const visibilityTimeoutOf = (
  fn: Pick<ResolvedFunction, 'timeoutSeconds'>,
  trigger: SqsTrigger,
): number => Math.max(trigger.visibilityTimeoutSeconds ?? 30, fn.timeoutSeconds * 6);

export interface Subscription {
  readonly service: ServiceDefinition;
  readonly function: ResolvedFunction;
  readonly trigger: SqsTrigger;
}

/** Every SQS-triggered function of every service. */
export const subscriptionsOfAll = (services: readonly ServiceDefinition[]): Subscription[] =>
  services.flatMap((service) =>
    service.functions.flatMap((fn) =>
      fn.triggers.flatMap((trigger) => (trigger.type === 'sqs' ? [{ service, function: fn, trigger }] : [])),
    ),
  );

export interface S3Subscription {
  readonly function: ResolvedFunction;
  readonly trigger: S3Trigger;
}

/** The functions of a service its bucket notifies (its S3 triggers). */
export const s3SubscriptionsOf = (service: ServiceDefinition): S3Subscription[] =>
  service.functions.flatMap((fn) =>
    fn.triggers.flatMap((trigger) => (trigger.type === 's3' ? [{ function: fn, trigger }] : [])),
  );

/**
 * `EVENT_ROUTES` of a service's outbox relay: for each event type it publishes, the queues of the
 * functions (of any service) subscribed to it.
 */
export const eventRoutesOf = (
  publisher: ServiceDefinition,
  services: readonly ServiceDefinition[],
  queueUrlOf: (fn: ResolvedFunction) => string,
): Record<string, string[]> => {
  const routes: Record<string, string[]> = {};
  for (const type of publisher.publishes ?? []) {
    routes[type] = subscriptionsOfAll(services)
      .filter((s) => s.trigger.events.includes(type))
      .map((s) => queueUrlOf(s.function));
  }
  return routes;
};

/** `checkout` -> `CHECKOUT_STATE_MACHINE_ARN`, the variable through which a function finds a state machine. */
export const stateMachineArnVariable = (name: string): string =>
  `${name
    .replace(/[A-Z]/g, (c) => `_${c}`)
    .replace(/-/g, '_')
    .toUpperCase()}_STATE_MACHINE_ARN`;

/** `cart.checkoutView` -> `CART_CHECKOUT_VIEW_FUNCTION_NAME`. */
export const invokedFunctionVariable = (ref: string): string => {
  const [service = '', id = ''] = ref.split('.');
  return `${service}_${id.replace(/[A-Z]/g, (c) => `_${c}`)}_FUNCTION_NAME`.replace(/-/g, '_').toUpperCase();
};

/** Finds the function an `invokes` reference names; throws when no service defines it. */
export const resolveInvokedFunction = (
  services: readonly ServiceDefinition[],
  ref: string,
): ResolvedFunction => {
  const [serviceName, id] = ref.split('.');
  const fn = services.find((s) => s.name === serviceName)?.functions.find((f) => f.id === id);
  if (!fn) throw new Error(`"${ref}" names no function of the defined services`);
  if (!fn.triggers.some((t) => t.type === 'invoke')) {
    throw new Error(`"${ref}" is not declared for direct invocation (add the trigger { type: 'invoke' })`);
  }
  return fn;
};

export interface FunctionBindings {
  readonly tableName?: string;
  /** The service's bucket and the public base URL of its objects (CloudFront in AWS). */
  readonly bucket?: { readonly name: string; readonly publicUrl: string };
  readonly auth: { readonly issuer: string; readonly audience: string; readonly jwksUrl: string };
  /** Relay routing, for functions triggered by the table stream. */
  readonly eventRoutes?: Record<string, string[]>;
  /** ARNs of the service's own state machines, by name. */
  readonly stateMachineArns?: Record<string, string>;
  readonly logLevel?: string;
  /** Deployed names of the functions this one invokes, by `service.functionId` reference. */
  readonly invokedFunctionNames?: Record<string, string>;
  /** The value (locally) or token (CDK) of each secret a function of the service declares. */
  readonly secretValues?: Record<string, string>;
  /** The address functions that send email send from (`EMAIL_FROM_ADDRESS`). */
  readonly emailFromAddress?: string;
}

/** The variable through which a function that sends email finds its sender address. */
export const EMAIL_FROM_ADDRESS_VARIABLE = 'EMAIL_FROM_ADDRESS';

const emailFromAddressOf = (fn: ResolvedFunction, bindings: FunctionBindings): string => {
  if (!bindings.emailFromAddress) throw new Error(`${fn.name}: sends email, but no sender address is bound`);
  return bindings.emailFromAddress;
};

/**
 * The environment of a function, the same in both runtimes (the CDK app passes tokens, the local
 * runtime plain values): what `env.ts` files parse.
 */
export const functionEnvironment = (
  service: ServiceDefinition,
  fn: ResolvedFunction,
  bindings: FunctionBindings,
): Record<string, string> => {
  const isRelay = fn.triggers.some((t) => t.type === 'stream');
  return {
    SERVICE_NAME: service.name,
    POWERTOOLS_SERVICE_NAME: service.name,
    POWERTOOLS_METRICS_NAMESPACE: 'Shop',
    LOG_LEVEL: bindings.logLevel ?? 'INFO',
    ...(bindings.tableName ? { TABLE_NAME: bindings.tableName } : {}),
    ...(bindings.bucket
      ? { BUCKET_NAME: bindings.bucket.name, BUCKET_PUBLIC_URL: bindings.bucket.publicUrl }
      : {}),
    AUTH_ISSUER: bindings.auth.issuer,
    AUTH_AUDIENCE: bindings.auth.audience,
    AUTH_JWKS_URL: bindings.auth.jwksUrl,
    ...(isRelay ? { EVENT_ROUTES: JSON.stringify(bindings.eventRoutes ?? {}) } : {}),
    ...Object.fromEntries(
      Object.entries(bindings.stateMachineArns ?? {}).map(([name, arn]) => [
        stateMachineArnVariable(name),
        arn,
      ]),
    ),
    ...Object.fromEntries(
      fn.invokes.map((ref) => {
        const name = bindings.invokedFunctionNames?.[ref];
        if (!name) throw new Error(`${fn.name}: no deployed name for invoked function ${ref}`);
        return [invokedFunctionVariable(ref), name];
      }),
    ),
    ...(fn.sendsEmail ? { [EMAIL_FROM_ADDRESS_VARIABLE]: emailFromAddressOf(fn, bindings) } : {}),
    ...Object.fromEntries(
      fn.secrets.map((secret) => {
        const value = bindings.secretValues?.[secret];
        if (!value) throw new Error(`${fn.name}: no value for secret ${secret}`);
        return [secret, value];
      }),
    ),
    ...fn.environment,
  };
};

/** `ReserveStock` -> `ReserveStockFunctionArn`: the `${...}` placeholder an ASL file uses for a saga task. */
export const taskPlaceholderOf = (taskName: string): string => `${taskName}FunctionArn`;

/** ASL substitutions for every saga task of every service: `{ ReserveStockFunctionArn: <arn> }`. */
export const taskSubstitutionsOf = (
  services: readonly ServiceDefinition[],
  arnOf: (fn: ResolvedFunction) => string,
): Record<string, string> => {
  const substitutions: Record<string, string> = {};
  const owners = new Map<string, string>();
  for (const service of services) {
    for (const fn of service.functions) {
      for (const trigger of fn.triggers) {
        if (trigger.type !== 'task') continue;
        const owner = owners.get(trigger.name);
        // A state machine names a task, not a service: two owners would make it ambiguous.
        if (owner) throw new Error(`task ${trigger.name} is declared by both ${owner} and ${fn.name}`);
        owners.set(trigger.name, fn.name);
        substitutions[taskPlaceholderOf(trigger.name)] = arnOf(fn);
      }
    }
  }
  return substitutions;
};
/** The deployed name of a service's state machine: `order-checkout`. */
export const stateMachineNameOf = (service: Pick<ServiceDefinition, 'name'>, name: string): string =>
  `${service.name}-${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
