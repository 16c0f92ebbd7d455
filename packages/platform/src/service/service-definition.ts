import type { RouteConfig } from '@hono/zod-openapi';

export type KeyType = 'S' | 'N' | 'B';

export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyType;
}

export interface GlobalSecondaryIndex {
  readonly indexName: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  /** `ALL` unless said otherwise. */
  readonly projection?: 'ALL' | 'KEYS_ONLY';
}

/** The one DynamoDB table a service owns. On-demand capacity, encryption and PITR are not options. */
export interface TableDefinition {
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes?: readonly GlobalSecondaryIndex[];
  /** Enables the table's stream (the outbox relay reads it). */
  readonly stream?: 'NEW_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY' | 'OLD_IMAGE';
  readonly timeToLiveAttribute?: string;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What the HTTP API gateway attaches to a route: its JWT authorizer, or nothing. */
export type GatewayAuth = 'jwt' | 'none';

/** A route as the HTTP API gateway sees it, in API Gateway syntax (`/products/{productId}`). */
export interface HttpRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly auth: GatewayAuth;
}

export interface HttpTrigger {
  readonly type: 'http';
  /** The OpenAPI route configs the function's Hono app implements; routes and the API document derive from them. */
  readonly routes: readonly RouteConfig[];
}

export interface SqsTrigger {
  readonly type: 'sqs';
  /** Event types this function consumes; the relay routes each to the function's queue. */
  readonly events: readonly string[];
  readonly batchSize?: number;
  readonly maxBatchingWindowSeconds?: number;
  readonly maxConcurrency?: number;
  /** Receives before a message moves to the queue's DLQ. */
  readonly maxReceiveCount?: number;
  readonly visibilityTimeoutSeconds?: number;
}

/** The service's own table stream (the outbox relay). */
export interface StreamTrigger {
  readonly type: 'stream';
  readonly batchSize?: number;
}

/** A saga task: the function is invoked by a state machine under this name. */
export interface TaskTrigger {
  readonly type: 'task';
  readonly name: string;
}

/**
 * Invoked directly by functions of other services (Lambda Invoke), which name it in their `invokes`:
 * an internal API with no route, queue or state machine in front of it.
 */
export interface InvokeTrigger {
  readonly type: 'invoke';
}

/** A rate expression, as EventBridge Scheduler writes it: `rate(1 minute)`, `rate(5 minutes)`, `rate(1 hour)`. */
export type ScheduleRate = `rate(${number} ${'minute' | 'minutes' | 'hour' | 'hours' | 'day' | 'days'})`;

/**
 * Runs the function on a fixed rate: an EventBridge Scheduler schedule in AWS, the local runtime's
 * scheduler locally, both invoking it asynchronously with a {@link ScheduledInvocation}-shaped event.
 */
export interface ScheduleTrigger {
  readonly type: 'schedule';
  readonly rate: ScheduleRate;
}

/**
 * Objects created in the service's bucket (S3 event notifications; in AWS S3 invokes the function
 * asynchronously, locally the edge's S3 does). `prefix` and `suffix` filter the keys.
 */
export interface S3Trigger {
  readonly type: 's3';
  readonly events: readonly 'ObjectCreated'[];
  readonly prefix?: string;
  readonly suffix?: string;
}

export type Trigger =
  | HttpTrigger
  | SqsTrigger
  | StreamTrigger
  | TaskTrigger
  | InvokeTrigger
  | ScheduleTrigger
  | S3Trigger;

export interface FunctionDefinition {
  /** Entry file, relative to the service folder, e.g. `src/handlers/http.ts`. */
  readonly entry: string;
  /** Exported handler name; `handler` by default. */
  readonly handler?: string;
  readonly memoryMb?: number;
  readonly timeoutSeconds?: number;
  /**
   * AWS's `ReservedConcurrentExecutions`: at most this many concurrent executions, and synchronous
   * invocations beyond them are throttled (`TooManyRequestsException`), in AWS and locally alike.
   * Without it a function shares the account's pool (locally: the host's per-function cap).
   */
  readonly reservedConcurrency?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly triggers: readonly Trigger[];
  /**
   * Functions of other services this one invokes directly (Lambda Invoke), as `service.functionId`,
   * e.g. `cart.checkoutView`. Each becomes an environment variable (`CART_CHECKOUT_VIEW_FUNCTION_NAME`)
   * and, in AWS, an invoke permission for exactly that function.
   */
  readonly invokes?: readonly string[];
  /**
   * Environment variables holding secrets the service needs (e.g. `CART_TOKEN_SECRET`): never written
   * in a definition; each runtime generates one per deployment (locally per stack, `--persist` keeps
   * it; in AWS a Secrets Manager secret) and sets the variable.
   */
  readonly secrets?: readonly string[];
  /**
   * Sends email through Amazon SES (SESv2 `SendEmail`). The function gets the stack's sender address
   * as `EMAIL_FROM_ADDRESS` and, in AWS, permission to send from exactly that identity; locally the
   * edge's SES keeps what it sends (`GET /dev/mailbox`).
   */
  readonly sendsEmail?: boolean;
}

/**
 * The one S3 bucket a service owns: private and encrypted (not options). Its objects reach the
 * public only through the content delivery URL (`BUCKET_PUBLIC_URL`): in AWS a CloudFront
 * distribution reading the bucket with origin access control, locally the edge's `/_local/cdn/`.
 */
export interface BucketDefinition {
  /**
   * Browser origins allowed to upload with presigned URLs (CORS on PUT); `*` by default, since a
   * presigned URL is the credential, not the origin.
   */
  readonly uploadOrigins?: readonly string[];
}

export interface StateMachineDefinition {
  /** ASL (JSON) file, relative to the service folder. `${Name}` placeholders are resolved by each runtime. */
  readonly definitionFile: string;
  readonly type?: 'STANDARD' | 'EXPRESS';
}

export interface SeedDefinition {
  /** A module run once by the local runtime with the service's environment, after tables exist. */
  readonly entry: string;
  readonly handler?: string;
}

export interface ServiceDefinitionInput {
  /** kebab-case service name: `catalog`, `cart`, ... */
  readonly name: string;
  /** Absolute path of the service folder (`new URL('..', import.meta.url)` from `src/service.ts`). */
  readonly root: string | URL;
  readonly table?: TableDefinition;
  readonly bucket?: BucketDefinition;
  readonly functions: Readonly<Record<string, FunctionDefinition>>;
  readonly publishes?: readonly string[];
  readonly stateMachines?: Readonly<Record<string, StateMachineDefinition>>;
  readonly seed?: SeedDefinition;
}

export interface ResolvedFunction {
  /** Key in the definition, e.g. `http`, `reserveStock`. */
  readonly id: string;
  /** Deployed name: `<service>-<kebab id>`, e.g. `catalog-reserve-stock`. */
  readonly name: string;
  readonly service: string;
  /** Absolute entry path. */
  readonly entry: string;
  readonly handler: string;
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
  readonly reservedConcurrency?: number;
  readonly environment: Readonly<Record<string, string>>;
  readonly triggers: readonly Trigger[];
  readonly invokes: readonly string[];
  readonly secrets: readonly string[];
  readonly sendsEmail: boolean;
}

export interface ServiceDefinition extends Omit<ServiceDefinitionInput, 'root' | 'functions'> {
  readonly root: string;
  readonly functions: readonly ResolvedFunction[];
}
