import {
  LOCAL_ACCOUNT_ID,
  LOCAL_CREDENTIALS,
  LOCAL_EMAIL_FROM_ADDRESS,
  LOCAL_REGION,
  serviceBucketsOf,
} from '@shop/local-cloud';
import {
  eventRoutesOf,
  functionEnvironment,
  LAMBDA_RUNTIME_ENVIRONMENT,
  type ResolvedFunction,
  resolveInvokedFunction,
  type ServiceDefinition,
  stateMachineNameOf,
} from '@shop/platform/service';

/** An endpoint where nothing listens: a cold start must not need the network. */
const NOWHERE = 'http://127.0.0.1:9';

/** The variables Lambda itself sets in a function's process. */
export const lambdaReservedEnvironment = (name: string, memoryMb: number): Record<string, string> => ({
  AWS_REGION: LOCAL_REGION,
  AWS_DEFAULT_REGION: LOCAL_REGION,
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_LAMBDA_FUNCTION_NAME: name,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memoryMb),
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
  // What the CDK app adds to every function (no NODE_OPTIONS: source maps stay off at run time).
  ...LAMBDA_RUNTIME_ENVIRONMENT,
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  POWERTOOLS_TRACE_ENABLED: 'false',
  PATH: process.env.PATH ?? '',
});

/**
 * The full environment of `fn` as deployed (same variables, placeholder values), so that importing its
 * bundle parses its `env.ts` as in Lambda, without anything running behind the endpoints.
 */
export const coldStartEnvironment = (
  services: readonly ServiceDefinition[],
  service: ServiceDefinition,
  fn: ResolvedFunction,
): Record<string, string> => {
  const bucket = serviceBucketsOf([service], NOWHERE)[0];
  return {
    ...lambdaReservedEnvironment(fn.name, fn.memoryMb),
    AWS_ENDPOINT_URL: NOWHERE,
    ...functionEnvironment(service, fn, {
      tableName: `shop-${service.name}`,
      ...(bucket ? { bucket: { name: bucket.name, publicUrl: bucket.publicUrl } } : {}),
      emailFromAddress: LOCAL_EMAIL_FROM_ADDRESS,
      auth: {
        issuer: 'https://shop.local/dev',
        audience: 'shop',
        jwksUrl: `${NOWHERE}/.well-known/jwks.json`,
      },
      eventRoutes: eventRoutesOf(
        service,
        services,
        (target) => `${NOWHERE}/${LOCAL_ACCOUNT_ID}/${target.name}`,
      ),
      stateMachineArns: Object.fromEntries(
        Object.keys(service.stateMachines ?? {}).map((name) => [
          name,
          `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT_ID}:stateMachine:${stateMachineNameOf(service, name)}`,
        ]),
      ),
      logLevel: 'INFO',
      invokedFunctionNames: Object.fromEntries(
        fn.invokes.map((ref) => [ref, resolveInvokedFunction(services, ref).name]),
      ),
      // Any well-formed value: the cold start only parses it.
      secretValues: Object.fromEntries(fn.secrets.map((name) => [name, 'b'.repeat(48)])),
    }),
  };
};

/** The reference handler's environment: a table name and nothing else of the platform. */
export const referenceEnvironment = (name: string): Record<string, string> => ({
  ...lambdaReservedEnvironment(name, 512),
  AWS_ENDPOINT_URL: NOWHERE,
  TABLE_NAME: 'shop-reference',
});
