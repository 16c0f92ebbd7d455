/**
 * The service anatomy's import rules (docs/service-anatomy.md), checked by `npm run lint`.
 * Paths are resolved ones: `@shop/contracts` is `packages/contracts/src/...`.
 */
const SERVICE = '^services/([^/]+)/src';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'domain/ imports only its own domain, @shop/contracts and @shop/platform/errors: no AWS, no HTTP, no other layer.',
      severity: 'error',
      from: { path: `${SERVICE}/domain/` },
      to: {
        pathNot: [
          '^services/$1/src/domain/',
          '(^|/)packages/contracts/src/',
          '(^|/)packages/platform/src/errors/',
          '(^|/)node_modules/zod/',
        ],
      },
    },
    {
      name: 'application-does-not-reach-adapters',
      comment:
        'application/ uses domain/ and its ports; adapters (infrastructure/), the HTTP layer (api/) and handlers are wired by the composition root.',
      severity: 'error',
      from: { path: `${SERVICE}/application/` },
      to: {
        path: [
          '^services/$1/src/(infrastructure|api|handlers)/',
          '^services/$1/src/composition-root[.]ts$',
          '(^|/)packages/platform/src/(http|dynamodb|invoke|relay)/',
          '(^|/)node_modules/(@aws-sdk|hono|@hono|jose|cockatiel)/',
        ],
      },
    },
    {
      name: 'no-aws-sdk-in-the-core',
      comment: 'domain/ and application/ never import an AWS SDK client, not even for a type.',
      severity: 'error',
      from: { path: `${SERVICE}/(domain|application)/` },
      to: { path: '(^|/)node_modules/@aws-sdk/' },
    },
    {
      name: 'api-does-not-import-infrastructure',
      comment:
        'api/ (routes, app, middleware) works with application/ and domain/; adapters come in as dependencies.',
      severity: 'error',
      from: { path: `${SERVICE}/api/` },
      to: {
        path: [
          '^services/$1/src/(infrastructure|handlers)/',
          '^services/$1/src/composition-root[.]ts$',
          '(^|/)node_modules/@aws-sdk/',
        ],
      },
    },
    {
      name: 'infrastructure-does-not-import-entry-points',
      comment: 'infrastructure/ implements domain ports; it never imports the HTTP layer or handlers.',
      severity: 'error',
      from: { path: `${SERVICE}/infrastructure/` },
      to: { path: ['^services/$1/src/(api|handlers)/', '^services/$1/src/composition-root[.]ts$'] },
    },
    {
      name: 'handlers-only-compose',
      comment:
        'handlers/ are Lambda entry points: they build their dependencies with the composition root and hand them to a use case, app or platform wrapper. They never reach domain/ or infrastructure/ themselves.',
      severity: 'error',
      from: { path: `${SERVICE}/handlers/` },
      to: { path: '^services/$1/src/(domain|infrastructure)/' },
    },
    {
      name: 'no-cross-service-imports',
      comment: 'A service talks to another through contracts, events and internal functions, never its code.',
      severity: 'error',
      from: { path: '^services/([^/]+)/' },
      to: { path: '^services/', pathNot: '^services/$1/' },
    },
    {
      name: 'narrow-platform-imports',
      comment:
        '@shop/platform has no root entry: import the narrow one (@shop/platform/errors, /outbox, /task...).',
      severity: 'error',
      from: { path: '^services/' },
      to: { path: '(^|/)packages/platform/src/index[.]ts$' },
    },
  ],
  options: {
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^services/[^/]+/test/', '[.]test[.]ts$'] },
    moduleSystems: ['es6'],
    tsPreCompilationDeps: false,
    combinedDependencies: true,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'default'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
