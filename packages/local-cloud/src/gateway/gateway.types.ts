import type { LambdaInvoker } from '../lambda/lambda.types.ts';
import type { SpanRecorder } from '../traces/span.recorder.ts';

export type RouteMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'ANY';

/** One HTTP API route: `GET /products/{productId}` integrated with a Lambda function. */
export interface GatewayRoute {
  readonly method: RouteMethod;
  /** API Gateway path syntax: `/products/{productId}`, `/files/{proxy+}` (greedy, last segment only). */
  readonly path: string;
  readonly auth: 'jwt' | 'none';
  readonly functionName: string;
}

/** HTTP API CORS configuration, answered by the gateway (the functions never see preflights). */
export interface CorsOptions {
  readonly allowOrigins: readonly string[] | '*';
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds: number;
  readonly allowCredentials: boolean;
}

/** Stage-wide token bucket, like an HTTP API stage's default route throttling. */
export interface ThrottleOptions {
  /** Steady-state requests per second (bucket refill rate). */
  readonly rateLimit: number;
  /** Bucket capacity: how many requests may arrive at once. */
  readonly burstLimit: number;
}

/** Verifies a bearer token and returns its claims; throws when the token is not acceptable. */
export type JwtAuthorize = (token: string) => Promise<Record<string, unknown>>;

/** A fetch-style hook for the gateway's own endpoints; `undefined` lets the request reach the routes. */
export type BuiltinHandler = (request: Request) => Promise<Response | undefined>;

export interface GatewayOptions {
  readonly routes: readonly GatewayRoute[];
  readonly invoker: LambdaInvoker;
  /** Required when a route has `auth: 'jwt'`. */
  readonly authorize?: JwtAuthorize;
  readonly builtins?: BuiltinHandler;
  readonly cors?: CorsOptions;
  readonly throttle?: ThrottleOptions;
  /** Request body limit; HTTP API's is 10 MiB. */
  readonly maxBodyBytes?: number;
  /** `$default` serves at the root; any other stage name is a required first path segment, as in AWS. */
  readonly stage?: string;
  readonly apiId?: string;
  readonly accountId?: string;
  readonly region?: string;
  /** Receives one JSON access-log line per request (no trailing newline); defaults to stdout. */
  readonly log?: (line: string) => void;
  /** Records a span per request (the root of what it causes); the console's own calls are left out. */
  readonly spans?: SpanRecorder;
}

/** `requestContext.authorizer` of a route protected by a JWT authorizer. */
export interface HttpApiJwtAuthorizerContext {
  readonly jwt: {
    /** Every claim as a string, as AWS flattens them (`[a b]` for arrays). */
    readonly claims: Record<string, string>;
    readonly scopes: string[] | null;
  };
}

/** An API Gateway HTTP API event, payload format 2.0. */
export interface HttpApiEventV2 {
  readonly version: '2.0';
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: string[];
  readonly headers: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly requestContext: {
    readonly accountId: string;
    readonly apiId: string;
    readonly authorizer?: HttpApiJwtAuthorizerContext;
    readonly domainName: string;
    readonly domainPrefix: string;
    readonly http: {
      readonly method: string;
      readonly path: string;
      readonly protocol: string;
      readonly sourceIp: string;
      readonly userAgent: string;
    };
    readonly requestId: string;
    readonly routeKey: string;
    readonly stage: string;
    readonly time: string;
    readonly timeEpoch: number;
  };
  readonly body?: string;
  readonly pathParameters?: Record<string, string>;
  readonly isBase64Encoded: boolean;
  readonly stageVariables?: Record<string, string>;
}
