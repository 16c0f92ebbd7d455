import { createJwtVerifier } from '@shop/auth';
import { type DevIssuer, DevTokenRequest } from '@shop/auth/dev-issuer';
import { buildOpenApiDocument } from '@shop/platform/http/openapi';
import { httpRoutesOf, type ServiceDefinition } from '@shop/platform/service';
import { createConsoleRoutes } from '../console/console.routes.ts';
import {
  builtinRouteConfigs,
  createBuiltinRoutes,
  createGateway,
  type Gateway,
  type GatewayRoute,
} from '../gateway/index.ts';
import type { LambdaInvoker } from '../lambda/lambda.types.ts';
import type { Mailbox } from '../ses/index.ts';
import type { SpanRecorder } from '../traces/span.recorder.ts';
import type { LogHub } from './log-hub.ts';

export const API_TITLE = 'Shop API';

/**
 * The licence the API document states. The repository carries no LICENSE file yet: whoever adds one
 * keeps this in step with it.
 */
export const API_LICENSE = { name: 'MIT', identifier: 'MIT' } as const;

/** The document's introduction: what the API is and, first of all, how to call it. */
export const apiIntroduction = (serverUrl: string): string =>
  [
    'The public REST API of Shop, a reference e-commerce backend: catalog, cart, order (checkout saga) and payment, each a Lambda function behind this HTTP API.',
    '',
    '## Getting a token',
    '',
    'Browsing (`GET /products`, `/categories`, `/inventory/{sku}`) needs no token. Everything else takes a bearer token (`bearerAuth`); a guest cart takes its cart token instead (`cartToken`: `POST /carts`, then `X-Cart-Token`).',
    '',
    'Locally, `POST /dev/token` mints one for any user and roles (`customer`, `admin`):',
    '',
    '```sh',
    `TOKEN=$(curl -s -X POST ${serverUrl}/dev/token -H 'content-type: application/json' \\`,
    `  -d '{"sub":"alice","roles":["customer"]}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).token')`,
    `curl -s ${serverUrl}/cart -H "Authorization: Bearer $TOKEN"`,
    '```',
    '',
    "In this reference, choose **Authentication → bearerAuth** and paste the token. In AWS, tokens come from the stack's Cognito user pool instead (see `infra/README.md`).",
    '',
    '## Conventions',
    '',
    '- Money is `{"amount": <integer minor units>, "currency": "USD"}`.',
    '- Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`; validation problems list `errors` with JSON Pointers.',
    '- Lists take `?limit=&cursor=` and answer `{"items": [...], "nextCursor": "..."}`; `nextCursor` is absent on the last page.',
    '- `POST /checkout` needs an `Idempotency-Key` header: the same key and body replay the first answer.',
    "- Someone else's order or payment is a 404, like one that does not exist.",
  ].join('\n');

export interface ShopApiOptions {
  readonly services: readonly ServiceDefinition[];
  readonly invoker: LambdaInvoker;
  readonly devIssuer: DevIssuer;
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly log: (line: string) => void;
  /** The console reads the shop through the edge's AWS APIs. */
  readonly edgeUrl: string;
  readonly logs: LogHub;
  /** Where the gateway records a span per request (and the console reads traces). */
  readonly spans?: SpanRecorder;
  /** What the edge's SES sent: `GET /dev/mailbox` and the console list it. */
  readonly mailbox: Mailbox;
}

/** An admin token for the console's own calls to the public API, minted again before it expires. */
const consoleAdminToken = (devIssuer: DevIssuer) => {
  let current: { token: string; renewAt: number } | undefined;
  return async (): Promise<string> => {
    if (!current || Date.now() > current.renewAt) {
      const { token, expiresIn } = await devIssuer.mint({ sub: 'local-console', roles: ['admin'] });
      current = { token, renewAt: Date.now() + (expiresIn / 2) * 1000 };
    }
    return current.token;
  };
};

/**
 * The HTTP API, as the CDK app's `ShopApi` construct declares it: every function's routes with the
 * JWT authorizer where a route needs it, CORS, throttling, and the local built-ins (health, the API
 * document and reference, dev tokens and their JWKS, the console).
 */
export const createShopApi = (options: ShopApiOptions): Gateway & { readonly closeConsole: () => void } => {
  const functions = options.services.flatMap((service) => service.functions);
  const routes: GatewayRoute[] = functions.flatMap((fn) =>
    httpRoutesOf(fn).map((route) => ({ ...route, functionName: fn.name })),
  );
  const documentedRoutes = [
    ...builtinRouteConfigs({ devTokenRequest: DevTokenRequest, mailbox: true }),
    ...functions.flatMap((fn) => fn.triggers.flatMap((t) => (t.type === 'http' ? t.routes : []))),
  ];
  // Built once the gateway listens: its `servers` entry is the address it actually listens on.
  let openapi: object | undefined;
  const documentFor = (serverUrl: string) =>
    buildOpenApiDocument(documentedRoutes, {
      title: API_TITLE,
      version: '1.0.0',
      description: apiIntroduction(serverUrl),
      serverUrl,
      serverDescription: 'This local gateway (`npm start`; PORT changes its port)',
      license: API_LICENSE,
    });
  const { devIssuer } = options;
  const verifier = createJwtVerifier({
    issuer: devIssuer.issuer,
    audience: devIssuer.audience,
    jwks: devIssuer.jwks,
  });
  const builtins = createBuiltinRoutes({
    openapi: () => (openapi ??= documentFor('http://127.0.0.1')),
    devIssuer,
    parseDevTokenRequest: (body) => {
      const { email, ...request } = DevTokenRequest.parse(body);
      return email ? { ...request, claims: { email } } : request;
    },
    title: API_TITLE,
    mailbox: options.mailbox,
  });
  let gatewayUrl = '';
  const shopConsole = createConsoleRoutes({
    edgeUrl: options.edgeUrl,
    gatewayUrl: () => gatewayUrl,
    adminToken: consoleAdminToken(devIssuer),
    logs: options.logs,
  });
  const gateway = createGateway({
    routes,
    invoker: options.invoker,
    authorize: async (token) => (await verifier.verify(token)).claims,
    builtins: async (request) => (await shopConsole.routes(request)) ?? (await builtins(request)),
    cors: {
      allowOrigins: '*',
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'x-cart-token', 'x-correlation-id'],
      exposeHeaders: ['location', 'retry-after', 'x-request-id', 'x-correlation-id'],
      maxAgeSeconds: 600,
      allowCredentials: false,
    },
    throttle: options.throttle,
    log: options.log,
    ...(options.spans ? { spans: options.spans } : {}),
  });
  return {
    server: gateway.server,
    listen: async (port, host) => {
      const started = await gateway.listen(port, host);
      gatewayUrl = started.url;
      // 127.0.0.1, where it listens (a `localhost` server URL is what linters flag as a placeholder).
      openapi = documentFor(started.url);
      return started;
    },
    closeConsole: shopConsole.close,
  };
};
