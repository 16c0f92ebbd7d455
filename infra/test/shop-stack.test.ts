import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { functionEnvironment, LAMBDA_RUNTIME_ENVIRONMENT } from '@shop/platform/service';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EMAIL_FROM_ADDRESS, TABLE_DATA_ACTIONS } from '../src/shop.stack.ts';
import { type SynthesizedShop, synthShop } from './support/shop-test-app.ts';
import {
  actionsOf,
  dependencyCycleOf,
  deploymentGroupOf,
  findByProperty,
  flatten,
  functionNamed,
  grantedResources,
  liveAliasArnText,
  liveAliasOf,
  refsIn,
  resourcesOf,
  resourcesOfType,
  roleOf,
  rollbackAlarmIdsOf,
  rollbackAlarmsOf,
  serviceFunctionsOf,
  statementsOfRole,
  tableOf,
} from './support/template-queries.ts';

interface ValidationReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: unknown[];
    suppressedViolations?: { ruleName: string; acknowledgedId: string; reason: string }[];
  }[];
}

let shop: SynthesizedShop;

beforeAll(async () => {
  shop = await synthShop('dev');
}, 180_000);

afterAll(() => {
  if (shop) rmSync(shop.outdir, { recursive: true, force: true });
});

const ledgerFunction = (id: string) => functionNamed(shop.json, `dev-ledger-${id}`);
const statementsOf = (physical: string) =>
  statementsOfRole(shop.json, roleOf(functionNamed(shop.json, physical)));

describe('synthesis', () => {
  it('passes every cdk-nag AwsSolutions rule, each acknowledgement carrying a reason', () => {
    const report = JSON.parse(
      readFileSync(join(shop.outdir, 'validation-report.json'), 'utf8'),
    ) as ValidationReport;
    const nag = report.pluginReports.find((r) => r.pluginName === 'AwsSolutions');
    expect(nag?.conclusion).toBe('success');
    expect(nag?.violations).toEqual([]);
    for (const suppressed of nag?.suppressedViolations ?? []) {
      expect(suppressed.acknowledgedId).toMatch(/^AwsSolutions::AwsSolutions-/);
      expect(suppressed.reason.length, suppressed.acknowledgedId).toBeGreaterThan(40);
    }
  });

  it('has no circular dependency between resources (CloudFormation would refuse the template)', () => {
    // The check itself finds one when there is one.
    expect(
      dependencyCycleOf({
        Resources: {
          A: { Type: 'T', Properties: { X: { Ref: 'B' } } },
          B: { Type: 'T', Properties: {}, UpdatePolicy: { P: { 'Fn::GetAtt': ['A', 'Arn'] } } },
        },
      }),
    ).toEqual(['A', 'B', 'A']);
    expect(dependencyCycleOf(shop.json)).toBeUndefined();
  });

  it('keeps every stack far below the 500 resources CloudFormation allows, a nested stack per service', () => {
    expect(Object.keys(shop.resourceCounts).sort()).toEqual(
      ['Shop-Dev', ...shop.services.map((s) => s.name.charAt(0).toUpperCase() + s.name.slice(1))].sort(),
    );
    for (const [stack, count] of Object.entries(shop.resourceCounts)) {
      expect(count, stack).toBeLessThan(250);
    }
  });

  it('names the stack Shop-Dev', () => {
    expect(shop.stack.stackName).toBe('Shop-Dev');
    expect(shop.assembly.getStackByName('Shop-Dev').stackName).toBe('Shop-Dev');
  });

  it('bundles every function once into a minified ESM .mjs file with the platform banner, node:http alias and a source map', () => {
    const functions = serviceFunctionsOf(shop.json);
    const definitions = shop.services.flatMap((s) => s.functions);
    expect(functions).toHaveLength(definitions.length);
    const assets = new Set<string>();
    let aliased = 0;
    for (const { resource } of functions) {
      const key = (resource.Properties.Code as { S3Key: string }).S3Key;
      const folder = join(shop.outdir, `asset.${key.replace(/\.zip$/, '')}`);
      assets.add(folder);
      const bundle = readFileSync(join(folder, 'index.mjs'), 'utf8');
      expect(bundle.startsWith("import { createRequire as __shopCreateRequire } from 'node:module';")).toBe(
        true,
      );
      expect(existsSync(join(folder, 'index.mjs.map'))).toBe(true);
      // Credentials from the environment only (LAMBDA_BUNDLING.alias): not the SDK's default chain.
      const { sources } = JSON.parse(readFileSync(join(folder, 'index.mjs.map'), 'utf8')) as {
        sources: string[];
      };
      expect(
        sources.filter((source) => /@aws-sdk\/(?:credential-provider-node|nested-clients)\//.test(source)),
      ).toEqual([]);
      expect(bundle).toMatch(/\/\/# sourceMappingURL=index\.mjs\.map\s*$/);
      // node:http through LAMBDA_BUNDLING.alias, never an ES module import (it loads undici at import).
      expect(bundle).not.toMatch(/\bfrom\s*["'](?:node:)?http["']|\bimport\(\s*["'](?:node:)?http["']\s*\)/);
      // The AWS SDK's request handler (it imports node:https) takes node:http through the alias.
      if (/\bfrom\s*["']node:https["']/.test(bundle)) {
        expect(bundle).toContain('process.getBuiltinModule("node:http")');
        aliased += 1;
      }
      // Minified: long lines (line breaks survive only inside template literals).
      if (bundle.length > 10_000) expect(bundle.length / bundle.split('\n').length).toBeGreaterThan(1000);
    }
    expect(assets.size).toBe(functions.length);
    expect(aliased).toBeGreaterThan(0);
  });
});

describe('tables', () => {
  it('creates one on-demand table per service with PITR, AWS-managed encryption, stream, TTL and GSIs', () => {
    shop.template.hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'gsi1', Projection: { ProjectionType: 'ALL' } }),
        Match.objectLike({ IndexName: 'gsi2', Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ],
      Replicas: [
        Match.objectLike({
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
          DeletionProtectionEnabled: false,
          Tags: Match.arrayWith([{ Key: 'service', Value: 'ledger' }]),
        }),
      ],
    });
    const tables = resourcesOfType(shop.json, 'AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(shop.services.filter((s) => s.table).length);
    for (const { resource } of tables) {
      expect(resource.DeletionPolicy).toBe('Delete');
      expect(resource.Properties.Replicas).toEqual([
        expect.objectContaining({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ]);
    }
  });
});

describe('functions', () => {
  it('runs every function on nodejs24.x arm64 with its memory, timeout, JSON logs, retention and active tracing', () => {
    for (const fn of shop.services.flatMap((s) => s.functions)) {
      const found = functionNamed(shop.json, `dev-${fn.name}`);
      expect(found.resource.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: fn.memoryMb,
        Timeout: fn.timeoutSeconds,
        Handler: `index.${fn.handler}`,
        TracingConfig: { Mode: 'Active' },
        LoggingConfig: { LogFormat: 'JSON' },
      });
      // Powertools Tracer on beside X-Ray: subsegments per invocation, traced SDK clients.
      expect(
        (found.resource.Properties.Environment as { Variables: Record<string, unknown> }).Variables
          .POWERTOOLS_TRACE_ENABLED,
      ).toBe('true');
      // Reserved concurrency exactly where the definition asks for it (the local host throttles the same).
      expect(found.resource.Properties.ReservedConcurrentExecutions).toBe(fn.reservedConcurrency);
      const [logGroup] = [
        ...refsIn((found.resource.Properties.LoggingConfig as { LogGroup: unknown }).LogGroup),
      ];
      expect(shop.json.Resources[logGroup ?? '']?.Properties.RetentionInDays).toBe(14);
    }
  });

  it('reserves concurrency for the functions that declare it', () => {
    expect(
      functionNamed(shop.json, 'dev-ledger-settle').resource.Properties.ReservedConcurrentExecutions,
    ).toBe(3);
  });

  it('gives each function the environment functionEnvironment computes, with deployed values', () => {
    for (const service of shop.services) {
      for (const fn of service.functions) {
        const variables = functionNamed(shop.json, `dev-${fn.name}`).resource.Properties.Environment as {
          Variables: Record<string, unknown>;
        };
        const expected = functionEnvironment(service, fn, {
          ...(service.table ? { tableName: 'table' } : {}),
          ...(service.bucket ? { bucket: { name: 'bucket', publicUrl: 'https://cdn' } } : {}),
          auth: { issuer: 'i', audience: 'a', jwksUrl: 'j' },
          eventRoutes: {},
          stateMachineArns: Object.fromEntries(
            Object.keys(service.stateMachines ?? {}).map((n) => [n, 'arn']),
          ),
          invokedFunctionNames: Object.fromEntries(fn.invokes.map((ref) => [ref, 'name'])),
          secretValues: Object.fromEntries(fn.secrets.map((name) => [name, 'secret'])),
          emailFromAddress: 'sender',
        });
        expect(Object.keys(variables.Variables).sort()).toEqual(
          [
            ...Object.keys(expected),
            ...Object.keys(LAMBDA_RUNTIME_ENVIRONMENT),
            'POWERTOOLS_TRACE_ENABLED',
          ].sort(),
        );
        // Source maps stay off at run time: parsing the map would cost every cold start.
        expect(variables.Variables.NODE_OPTIONS).toBeUndefined();
        expect(variables.Variables.SERVICE_NAME).toBe(service.name);
        expect(variables.Variables.LOG_LEVEL).toBe('DEBUG');
        expect(flatten(variables.Variables.AUTH_JWKS_URL)).toMatch(
          /^https:\/\/cognito-idp\.\{Ref:AWS::Region\}\.\{Ref:AWS::URLSuffix\}\/\{Ref:ApiUserPool\w+\}\/\.well-known\/jwks\.json$/,
        );
        expect(refsIn(variables.Variables.AUTH_AUDIENCE)).toEqual(
          new Set([expect.stringMatching(/^ApiUserPoolClient/)]),
        );
      }
    }
  });

  it('gives declared secrets from a generated Secrets Manager secret, resolved at deploy time', () => {
    const withSecrets = shop.services.flatMap((service) =>
      service.functions.filter((fn) => fn.secrets.length > 0),
    );
    expect(withSecrets.length).toBeGreaterThan(0);
    for (const fn of withSecrets) {
      const variables = (
        functionNamed(shop.json, `dev-${fn.name}`).resource.Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      for (const name of fn.secrets) {
        expect(flatten(variables[name])).toMatch(
          /^\{\{resolve:secretsmanager:\{Ref:\w+Secret\w*\}:SecretString:::\}\}$/,
        );
      }
    }
    const secrets = resourcesOfType(shop.json, 'AWS::SecretsManager::Secret');
    expect(secrets.length).toBeGreaterThan(0);
    for (const secret of secrets) {
      expect(secret.resource.Properties.GenerateSecretString).toMatchObject({
        PasswordLength: 48,
        ExcludePunctuation: true,
      });
    }
  });

  it('routes the relay to the queue of every subscriber of the events it publishes', () => {
    const relay = ledgerFunction('outbox-relay');
    const variables = (relay.resource.Properties.Environment as { Variables: Record<string, unknown> })
      .Variables;
    const queueRef = (name: string) =>
      `{Ref:${findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', name).id}}`;
    expect(JSON.parse(flatten(variables.EVENT_ROUTES))).toEqual({
      'ledger.entry-recorded': [queueRef('dev-ledger-entry-recorded'), queueRef('dev-audit-ledger-events')],
      'ledger.entry-voided': [queueRef('dev-audit-ledger-events')],
    });
  });

  it('names invoked functions by their live alias and state machines by ARN', () => {
    const variables = (
      ledgerFunction('settle').resource.Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
    expect(variables.ECHO_DOUBLE_FUNCTION_NAME).toBe('dev-echo-double:live');
    expect(flatten(variables.SETTLEMENT_STATE_MACHINE_ARN)).toBe(
      'arn:{Ref:AWS::Partition}:states:{Ref:AWS::Region}:{Ref:AWS::AccountId}:stateMachine:dev-ledger-settlement',
    );
  });
});

describe('schedules', () => {
  it('invokes a scheduled function on its rate through EventBridge Scheduler, failures to its schedule DLQ', () => {
    const dlq = findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', 'dev-ledger-sweep-schedule-dlq');
    const schedules = resourcesOfType(shop.json, 'AWS::Scheduler::Schedule');
    // One per scheduled function of every service (the real ones included), none else.
    const scheduled = shop.services.flatMap((service) =>
      service.functions
        .filter((fn) => fn.triggers.some((t) => t.type === 'schedule'))
        .map((fn) => `dev-${fn.name}`),
    );
    expect(schedules.map(({ resource }) => resource.Properties.Name).sort()).toEqual([...scheduled].sort());
    const schedule = findByProperty(shop.json, 'AWS::Scheduler::Schedule', 'Name', 'dev-ledger-sweep');
    const properties = schedule.resource.Properties as {
      ScheduleExpression: string;
      Target: { Arn: unknown; Input: string; DeadLetterConfig: { Arn: unknown } };
    };
    expect(properties.ScheduleExpression).toBe('rate(5 minutes)');
    const alias = liveAliasOf(shop.json, functionNamed(shop.json, 'dev-ledger-sweep').id);
    expect(flatten(properties.Target.Arn)).toBe(`{Ref:${alias.id}}`);
    expect(JSON.parse(properties.Target.Input)).toEqual({
      source: 'shop.schedule',
      schedule: 'ledger-sweep',
      scheduledAt: '<aws.scheduler.scheduled-time>',
    });
    expect(flatten(properties.Target.DeadLetterConfig.Arn)).toBe(`{GetAtt:${dlq.id}.Arn}`);
    const invokeConfig = resourcesOfType(shop.json, 'AWS::Lambda::EventInvokeConfig').find(({ resource }) =>
      flatten(resource.Properties.DestinationConfig).includes(dlq.id),
    );
    expect(invokeConfig?.resource.Properties.MaximumRetryAttempts).toBe(2);
    expect(refsIn(invokeConfig?.resource.Properties.Qualifier).has(alias.id)).toBe(true);
    expect(
      resourcesOfType(shop.json, 'AWS::CloudWatch::Alarm').some(({ resource }) =>
        String(resource.Properties.AlarmDescription).startsWith('dev-ledger-sweep-schedule-dlq'),
      ),
    ).toBe(true);
  });
});

describe('least privilege', () => {
  it('lets no function use a wildcard resource except for X-Ray', () => {
    for (const fn of resourcesOfType(shop.json, 'AWS::Lambda::Function')) {
      for (const statement of statementsOfRole(shop.json, roleOf(fn))) {
        if (resourcesOf(statement).includes('*')) {
          expect(
            actionsOf(statement).every((a) => a.startsWith('xray:')),
            fn.id,
          ).toBe(true);
        }
      }
    }
  });

  it('gives each function item access to its own table and indexes only, never Scan', () => {
    const tableIds = new Set(resourcesOfType(shop.json, 'AWS::DynamoDB::GlobalTable').map((t) => t.id));
    for (const service of shop.services) {
      for (const fn of service.functions) {
        const statements = statementsOf(`dev-${fn.name}`);
        const dynamo = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('dynamodb:')));
        const tablesReached = new Set(
          dynamo.flatMap((s) => [...refsIn(s.Resource)]).filter((id) => tableIds.has(id)),
        );
        expect(tablesReached.size, fn.name).toBeLessThanOrEqual(1);
        for (const id of tablesReached) {
          expect(shop.json.Resources[id]?.Properties.Replicas).toEqual([
            expect.objectContaining({
              Tags: expect.arrayContaining([{ Key: 'service', Value: service.name }]),
            }),
          ]);
        }
        expect(dynamo.flatMap(actionsOf)).not.toContain('dynamodb:Scan');
      }
    }
    const http = statementsOf('dev-ledger-http');
    const table = tableOf(shop.json, 'ledger');
    expect(grantedResources(http, 'dynamodb:Query')).toEqual([
      `{GetAtt:${table.id}.Arn}`,
      `{GetAtt:${table.id}.Arn}/index/gsi1`,
      `{GetAtt:${table.id}.Arn}/index/gsi2`,
    ]);
    expect(
      http
        .filter((s) => actionsOf(s).includes('dynamodb:PutItem'))
        .flatMap(actionsOf)
        .sort(),
    ).toEqual([...TABLE_DATA_ACTIONS].sort());
  });

  it('lets the relay read its table stream and send to exactly the routed queues, with no item access', () => {
    const statements = statementsOf('dev-ledger-outbox-relay');
    const queueArn = (name: string) =>
      `{GetAtt:${findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', name).id}.Arn}`;
    expect(grantedResources(statements, 'sqs:SendMessage').sort()).toEqual(
      [
        queueArn('dev-ledger-entry-recorded'),
        queueArn('dev-audit-ledger-events'),
        queueArn('dev-ledger-outbox-relay-stream-dlq'),
      ].sort(),
    );
    expect(grantedResources(statements, 'dynamodb:GetRecords')).toEqual([
      expect.stringMatching(/^\{GetAtt:LedgerTable\w+\.StreamArn\}$/),
    ]);
    expect(grantedResources(statements, 'dynamodb:GetItem')).toEqual([]);
    expect(grantedResources(statements, 'dynamodb:PutItem')).toEqual([]);
  });

  it('lets a consumer receive from its own queue only', () => {
    const statements = statementsOf('dev-audit-ledger-events');
    const own = findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', 'dev-audit-ledger-events');
    expect(grantedResources(statements, 'sqs:ReceiveMessage')).toEqual([`{GetAtt:${own.id}.Arn}`]);
    expect(grantedResources(statements, 'sqs:SendMessage')).toEqual([]);
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('dynamodb:'))).toEqual([]);
  });

  it('lets HTTP and SQS functions start only their own service state machines, and tasks none', () => {
    const settlement =
      'arn:{Ref:AWS::Partition}:states:{Ref:AWS::Region}:{Ref:AWS::AccountId}:stateMachine:dev-ledger-settlement';
    expect(grantedResources(statementsOf('dev-ledger-http'), 'states:StartExecution')).toEqual([settlement]);
    expect(grantedResources(statementsOf('dev-ledger-entry-recorded'), 'states:StartExecution')).toEqual([
      settlement,
    ]);
    expect(grantedResources(statementsOf('dev-ledger-settle'), 'states:StartExecution')).toEqual([]);
    expect(grantedResources(statementsOf('dev-audit-ledger-events'), 'states:StartExecution')).toEqual([]);
  });

  it('lets a scheduled function start, list, describe and redrive only its own service executions', () => {
    const statements = statementsOf('dev-ledger-sweep');
    const machine =
      'arn:{Ref:AWS::Partition}:states:{Ref:AWS::Region}:{Ref:AWS::AccountId}:stateMachine:dev-ledger-settlement';
    expect(grantedResources(statements, 'states:StartExecution')).toEqual([machine]);
    expect(grantedResources(statements, 'states:ListExecutions')).toEqual([machine]);
    expect(grantedResources(statementsOf('dev-ledger-http'), 'states:ListExecutions')).toEqual([]);
    const executions =
      'arn:{Ref:AWS::Partition}:states:{Ref:AWS::Region}:{Ref:AWS::AccountId}:execution:dev-ledger-settlement:*';
    expect(grantedResources(statements, 'states:DescribeExecution')).toEqual([executions]);
    expect(grantedResources(statements, 'states:RedriveExecution')).toEqual([executions]);
    expect(grantedResources(statementsOf('dev-ledger-http'), 'states:DescribeExecution')).toEqual([]);
  });

  it('lets only the functions that send email send, from the sender address through its SES identity', () => {
    const identities = resourcesOfType(shop.json, 'AWS::SES::EmailIdentity');
    expect(identities.map(({ resource }) => resource.Properties.EmailIdentity)).toEqual([
      DEFAULT_EMAIL_FROM_ADDRESS,
    ]);
    const consumer = functionNamed(shop.json, 'dev-notifications-order-events');
    const variables = consumer.resource.Properties.Environment as { Variables: Record<string, unknown> };
    expect(variables.Variables.EMAIL_FROM_ADDRESS).toBe(DEFAULT_EMAIL_FROM_ADDRESS);
    const sends = statementsOfRole(shop.json, roleOf(consumer)).filter((s) =>
      actionsOf(s).includes('ses:SendEmail'),
    );
    const [send] = sends;
    if (!send || sends.length > 1) throw new Error(`${sends.length} ses:SendEmail statements`);
    expect(actionsOf(send)).toEqual(['ses:SendEmail']);
    expect(JSON.stringify(send)).toContain(
      `"Condition":{"StringEquals":{"ses:FromAddress":"${DEFAULT_EMAIL_FROM_ADDRESS}"}}`,
    );
    expect(resourcesOf(send).map(flatten)).toEqual([
      expect.stringMatching(
        /^arn:\{Ref:AWS::Partition\}:ses:\{Ref:AWS::Region\}:\{Ref:AWS::AccountId\}:identity\/\{Ref:EmailSenderIdentity\w+\}$/,
      ),
    ]);
    for (const fn of resourcesOfType(shop.json, 'AWS::Lambda::Function')) {
      if (fn.id === consumer.id) continue;
      const statements = statementsOfRole(shop.json, roleOf(fn));
      expect(
        statements.some((s) => actionsOf(s).some((a) => a.startsWith('ses:'))),
        fn.id,
      ).toBe(false);
    }
  });

  it('lets a function invoke exactly the live aliases of the functions it declares', () => {
    expect(grantedResources(statementsOf('dev-ledger-settle'), 'lambda:InvokeFunction')).toEqual([
      'arn:{Ref:AWS::Partition}:lambda:{Ref:AWS::Region}:{Ref:AWS::AccountId}:function:dev-echo-double:live',
    ]);
    expect(grantedResources(statementsOf('dev-ledger-http'), 'lambda:InvokeFunction')).toEqual([]);
  });
});

describe('HTTP API', () => {
  it('applies the local gateway CORS policy', () => {
    shop.template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
        AllowHeaders: [
          'authorization',
          'content-type',
          'idempotency-key',
          'x-cart-token',
          'x-correlation-id',
        ],
        ExposeHeaders: ['location', 'retry-after', 'x-request-id', 'x-correlation-id'],
        MaxAge: 600,
        AllowCredentials: false,
      },
    });
  });

  it('throttles the default stage and writes JSON access logs to a log group with retention', () => {
    const [stage] = resourcesOfType(shop.json, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.resource.Properties).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 100, ThrottlingRateLimit: 50 },
    });
    const settings = stage?.resource.Properties.AccessLogSettings as {
      DestinationArn: unknown;
      Format: string;
    };
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    const [logGroup] = [...refsIn(settings.DestinationArn)];
    expect(shop.json.Resources[logGroup ?? '']).toMatchObject({
      Type: 'AWS::Logs::LogGroup',
      Properties: { RetentionInDays: 14 },
    });
  });

  it('checks Cognito tokens with a JWT authorizer: issuer of the user pool, audience of its client', () => {
    const [authorizer] = resourcesOfType(shop.json, 'AWS::ApiGatewayV2::Authorizer');
    const jwt = authorizer?.resource.Properties.JwtConfiguration as { Issuer: unknown; Audience: unknown[] };
    expect(authorizer?.resource.Properties.AuthorizerType).toBe('JWT');
    expect(flatten(jwt.Issuer)).toMatch(
      /^https:\/\/cognito-idp\.\{Ref:AWS::Region\}\.\{Ref:AWS::URLSuffix\}\/\{Ref:ApiUserPool\w+\}$/,
    );
    expect(jwt.Audience.map(flatten)).toEqual([expect.stringMatching(/^\{Ref:ApiUserPoolClient\w+\}$/)]);
  });

  it('creates the user pool with a strong password policy and the customer and admin groups', () => {
    shop.template.hasResourceProperties('AWS::Cognito::UserPool', {
      Policies: {
        PasswordPolicy: Match.objectLike({
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        }),
      },
      MfaConfiguration: 'OPTIONAL',
    });
    const groups = resourcesOfType(shop.json, 'AWS::Cognito::UserPoolGroup').map(
      (g) => g.resource.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'customer']);
    const [client] = resourcesOfType(shop.json, 'AWS::Cognito::UserPoolClient');
    expect(client?.resource.Properties).toMatchObject({
      GenerateSecret: false,
      ExplicitAuthFlows: expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH']),
    });
    // No hosted UI: no OAuth flows or callback URLs to attack.
    expect(client?.resource.Properties.AllowedOAuthFlows).toBeUndefined();
  });

  it('integrates routes with the live alias through payload format 2.0', () => {
    const alias = liveAliasOf(shop.json, ledgerFunction('http').id);
    const integration = resourcesOfType(shop.json, 'AWS::ApiGatewayV2::Integration').find(({ resource }) =>
      refsIn(resource.Properties.IntegrationUri).has(alias.id),
    );
    expect(integration?.resource.Properties).toMatchObject({
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
    const permission = resourcesOfType(shop.json, 'AWS::Lambda::Permission').find(({ resource }) =>
      refsIn(resource.Properties.FunctionName).has(alias.id),
    );
    expect(permission?.resource.Properties.Principal).toBe('apigateway.amazonaws.com');
  });
});

describe('messaging', () => {
  it('gives a subscriber an encrypted, TLS-only queue and DLQ with its receive count and 6x visibility', () => {
    const dlq = findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', 'dev-ledger-entry-recorded-dlq');
    const queue = findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', 'dev-ledger-entry-recorded');
    expect(queue.resource.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      // The trigger asks 60 s; six times the 20 s timeout wins.
      VisibilityTimeout: 120,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] }, maxReceiveCount: 3 },
    });
    expect(dlq.resource.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    for (const id of [queue.id, dlq.id]) {
      shop.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
    const defaults = findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', 'dev-audit-ledger-events');
    expect(defaults.resource.Properties.VisibilityTimeout).toBe(60);
    expect((defaults.resource.Properties.RedrivePolicy as { maxReceiveCount: number }).maxReceiveCount).toBe(
      5,
    );
  });

  it('alarms as soon as a message reaches any DLQ', () => {
    const dlqs = resourcesOfType(shop.json, 'AWS::SQS::Queue').filter(({ resource }) =>
      String(resource.Properties.QueueName).endsWith('-dlq'),
    );
    expect(dlqs.length).toBeGreaterThan(0);
    for (const dlq of dlqs) {
      shop.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Namespace: 'AWS/SQS',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlq.id, 'QueueName'] } }],
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it('maps a queue to the consumer alias with partial batch failures and the trigger batching', () => {
    const queue = findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', 'dev-ledger-entry-recorded');
    const alias = liveAliasOf(shop.json, ledgerFunction('entry-recorded').id);
    const mapping = findByProperty(shop.json, 'AWS::Lambda::EventSourceMapping', 'EventSourceArn', {
      'Fn::GetAtt': [queue.id, 'Arn'],
    });
    expect(mapping.resource.Properties).toMatchObject({
      BatchSize: 5,
      MaximumBatchingWindowInSeconds: 2,
      ScalingConfig: { MaximumConcurrency: 3 },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(refsIn(mapping.resource.Properties.FunctionName)).toEqual(new Set([alias.id]));
  });

  it('feeds the table stream to the relay alias from the trim horizon, bisecting, with an on-failure DLQ', () => {
    const relayAlias = liveAliasOf(shop.json, ledgerFunction('outbox-relay').id);
    const dlq = findByProperty(
      shop.json,
      'AWS::SQS::Queue',
      'QueueName',
      'dev-ledger-outbox-relay-stream-dlq',
    );
    const mapping = resourcesOfType(shop.json, 'AWS::Lambda::EventSourceMapping').find(({ resource }) =>
      refsIn(resource.Properties.FunctionName).has(relayAlias.id),
    );
    expect(mapping?.resource.Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^LedgerTable/), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 50,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq.id, 'Arn'] } } },
    });
  });
});

describe('state machines', () => {
  it('deploys the ASL file with each placeholder bound to its task alias, logging ALL and tracing', () => {
    const machine = findByProperty(
      shop.json,
      'AWS::StepFunctions::StateMachine',
      'StateMachineName',
      'dev-ledger-settlement',
    );
    expect(machine.resource.Properties).toMatchObject({
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: true },
    });
    // Bound by ARN built from the name: the state machine depends on no service's stack.
    const substitutions = machine.resource.Properties.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.fromEntries(Object.entries(substitutions).map(([k, v]) => [k, flatten(v)]))).toEqual({
      SettleFunctionArn: liveAliasArnText('dev-ledger-settle'),
      DoubleFunctionArn: liveAliasArnText('dev-echo-double'),
    });
    // ...and the functions so named exist, each with its live alias.
    expect(liveAliasOf(shop.json, ledgerFunction('settle').id)).toBeDefined();
    expect(liveAliasOf(shop.json, functionNamed(shop.json, 'dev-echo-double').id)).toBeDefined();
    const key = (machine.resource.Properties.DefinitionS3Location as { Key: string }).Key;
    const deployed = readFileSync(join(shop.outdir, `asset.${key}`), 'utf8');
    expect(JSON.parse(deployed)).toEqual(
      JSON.parse(
        readFileSync(
          join(shop.services.find((s) => s.name === 'ledger')?.root ?? '', 'settlement.asl.json'),
          'utf8',
        ),
      ),
    );
  });

  it('lets the state machine role invoke exactly its task aliases', () => {
    const machine = findByProperty(
      shop.json,
      'AWS::StepFunctions::StateMachine',
      'StateMachineName',
      'dev-ledger-settlement',
    );
    const [role] = [...refsIn(machine.resource.Properties.RoleArn)];
    const invoked = grantedResources(statementsOfRole(shop.json, role ?? ''), 'lambda:InvokeFunction');
    expect(invoked.sort()).toEqual([
      liveAliasArnText('dev-echo-double'),
      liveAliasArnText('dev-ledger-settle'),
    ]);
  });
});

describe('operations', () => {
  it('shifts traffic to every live alias through a CodeDeploy canary with automatic rollback', () => {
    const functions = serviceFunctionsOf(shop.json);
    for (const fn of functions) {
      expect(deploymentGroupOf(shop.json, fn.id).resource.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AutoRollbackConfiguration: {
          Enabled: true,
          Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
        },
        AlarmConfiguration: { Enabled: true, Alarms: expect.any(Array) },
      });
    }
    expect(resourcesOfType(shop.json, 'AWS::CodeDeploy::DeploymentGroup')).toHaveLength(functions.length);
  });

  it('rolls a function back on its error rate, p99 duration near the timeout, and throttles', () => {
    const group = deploymentGroupOf(shop.json, ledgerFunction('settle').id);
    const alarms = rollbackAlarmIdsOf(shop.json, group).map(
      (id) => shop.json.Resources[id]?.Properties ?? {},
    );
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'Duration',
        ExtendedStatistic: 'p99',
        Threshold: 15 * 1000 * 0.8,
        Dimensions: expect.arrayContaining([{ Name: 'ExecutedVersion', Value: expect.anything() }]),
      }),
    );
    expect(alarms).toContainEqual(expect.objectContaining({ MetricName: 'Throttles', Threshold: 0 }));
    const errorRate = alarms.find((a) =>
      JSON.stringify(a.Metrics ?? '').includes('100 * errors / invocations'),
    );
    // A saga task reports domain outcomes as errors: only a high rate means broken code.
    expect(errorRate?.Threshold).toBe(50);
    const httpErrorRate = rollbackAlarmIdsOf(
      shop.json,
      deploymentGroupOf(shop.json, ledgerFunction('http').id),
    )
      .map((id) => shop.json.Resources[id]?.Properties ?? {})
      .find((a) => JSON.stringify(a.Metrics ?? '').includes('100 * errors / invocations'));
    expect(httpErrorRate?.Threshold).toBe(5);
  });

  it('alarms on failed and timed-out saga executions and rolls the saga tasks back on them', () => {
    const ledgerSaga = resourcesOfType(shop.json, 'AWS::CloudWatch::Alarm').filter(({ resource }) => {
      const text = JSON.stringify(resource.Properties);
      return text.includes('AWS/States') && text.includes(':stateMachine:dev-ledger-settlement');
    });
    const text = ledgerSaga.map(({ resource }) => JSON.stringify(resource.Properties));
    expect(text.some((t) => t.includes('ExecutionsTimedOut'))).toBe(true);
    expect(text.some((t) => t.includes('ExecutionsFailed') && t.includes('ExecutionsStarted'))).toBe(true);
    const names = ledgerSaga.map((a) => a.resource.Properties.AlarmName);
    expect(names.sort()).toEqual([
      'dev-ledger-settlement-failed-executions',
      'dev-ledger-settlement-timed-out-executions',
    ]);
    // Both tasks of the saga, the foreign one (echo.double) included; not the HTTP function.
    for (const physical of ['dev-ledger-settle', 'dev-echo-double']) {
      const group = deploymentGroupOf(shop.json, functionNamed(shop.json, physical).id);
      expect(rollbackAlarmsOf(shop.json, group)).toEqual(expect.arrayContaining(names));
    }
    const http = rollbackAlarmsOf(shop.json, deploymentGroupOf(shop.json, ledgerFunction('http').id));
    for (const name of names) expect(http).not.toContain(name);
  });

  it('exports what a client needs: API URL, user pool, client id and issuer', () => {
    expect(Object.keys(shop.json.Outputs ?? {})).toEqual(
      expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'Issuer']),
    );
  });
});

describe('observability', () => {
  const alarmsNamed = (prefix: string) =>
    resourcesOfType(shop.json, 'AWS::CloudWatch::Alarm').filter(({ resource }) =>
      String(resource.Properties.AlarmName ?? '').startsWith(prefix),
    );

  it('draws one dashboard for the stage: orders by status, sagas, errors and p99 per function, DLQs, relay lag', () => {
    const dashboards = resourcesOfType(shop.json, 'AWS::CloudWatch::Dashboard');
    expect(dashboards.map(({ resource }) => resource.Properties.DashboardName)).toEqual([
      'dev-shop-operations',
    ]);
    const body = flatten(dashboards[0]?.resource.Properties.DashboardBody);
    for (const title of [
      'Orders by status',
      'Rejections by reason',
      'Saga outcomes',
      'Saga duration',
      'Checkout latency',
      'Errors per function',
      'p99 duration per function',
      'Dead-letter queue depth',
      'Outbox relay lag',
      'Consumer retries and partial batch failures',
    ]) {
      expect(body).toContain(title);
    }
    for (const metric of [
      'OrdersPlaced',
      'OrdersConfirmed',
      'OrdersRejected',
      'OrdersCancelled',
      'PaymentsDeclined',
      'RevenueCaptured',
      'SagaDuration',
      'CheckoutLatency',
      'OutboxRelayLag',
      'ConsumerRetries',
      'PartialBatchFailures',
      'ExecutionsFailed',
      'ApproximateNumberOfMessagesVisible',
    ]) {
      expect(body).toContain(`"${metric}"`);
    }
    expect(body).toContain('"Shop"');
    // Every function's errors and p99 are on it.
    for (const fn of shop.services.flatMap((s) => s.functions)) expect(body).toContain(`dev-${fn.name}`);
  });

  it('groups the stage traces in X-Ray: all of the shop, its faults, slow checkouts', () => {
    const groups = resourcesOfType(shop.json, 'AWS::XRay::Group').map(({ resource }) => resource.Properties);
    expect(groups.map((g) => g.GroupName).sort()).toEqual([
      'dev-shop',
      'dev-shop-faults',
      'dev-shop-slow-checkouts',
    ]);
    const all = groups.find((g) => g.GroupName === 'dev-shop');
    for (const service of shop.services) {
      expect(all?.FilterExpression).toContain(`annotation.Service = "${service.name}"`);
    }
    expect(groups.find((g) => g.GroupName === 'dev-shop-faults')?.FilterExpression).toContain('fault = true');
  });

  it('alarms on the business metrics, each with its reason and what to look at', () => {
    const names = alarmsNamed('dev-shop-').map(({ resource }) => resource.Properties.AlarmName);
    expect(names).toEqual(
      expect.arrayContaining([
        'dev-shop-order-rejection-rate',
        'dev-shop-checkout-failed',
        'dev-shop-payment-decline-rate',
        'dev-shop-order-needs-operator',
        'dev-shop-orders-not-confirming',
        'dev-shop-saga-duration',
        'dev-shop-order-outbox-relay-lag',
        'dev-shop-cart-consumer-failures',
      ]),
    );
    for (const { resource } of alarmsNamed('dev-shop-')) {
      expect(String(resource.Properties.AlarmDescription).length).toBeGreaterThan(80);
    }
    const rejection = alarmsNamed('dev-shop-order-rejection-rate')[0]?.resource.Properties;
    const text = JSON.stringify(rejection);
    for (const reason of ['OUT_OF_STOCK', 'PAYMENT_DECLINED', 'PAYMENT_FAILED', 'CHECKOUT_FAILED']) {
      expect(text).toContain(reason);
    }
    expect(text).toContain('OrdersPlaced');
    expect(rejection?.Threshold).toBe(25);
    expect(String(rejection?.AlarmDescription)).toMatch(/OUT_OF_STOCK points at inventory/);
    const checkoutFailed = alarmsNamed('dev-shop-checkout-failed')[0]?.resource.Properties;
    expect(checkoutFailed?.Threshold).toBe(0);
    const metric = (checkoutFailed?.Metrics as { MetricStat?: { Metric: unknown } }[] | undefined)?.[0]
      ?.MetricStat?.Metric;
    expect(metric).toEqual({
      Namespace: 'Shop',
      MetricName: 'OrdersRejected',
      Dimensions: expect.arrayContaining([
        { Name: 'reason', Value: 'CHECKOUT_FAILED' },
        { Name: 'service', Value: 'order' },
      ]),
    });
    const needsOperator = alarmsNamed('dev-shop-order-needs-operator')[0]?.resource.Properties;
    expect(needsOperator?.Threshold).toBe(0);
    expect(
      (needsOperator?.Metrics as { MetricStat?: { Metric: unknown } }[] | undefined)?.[0]?.MetricStat?.Metric,
    ).toEqual({
      Namespace: 'Shop',
      MetricName: 'OrdersReconciled',
      Dimensions: expect.arrayContaining([
        { Name: 'action', Value: 'needs-operator' },
        { Name: 'service', Value: 'order' },
      ]),
    });
  });
});

describe('service buckets (catalog images)', () => {
  const catalogOwned = (type: string) =>
    resourcesOfType(shop.json, type).filter(({ id }) => id.startsWith('Catalog'));
  const imagesBucket = () =>
    catalogOwned('AWS::S3::Bucket').find(({ resource }) => resource.Properties.LoggingConfiguration);
  const bucketId = () => imagesBucket()?.id ?? '';

  it('keeps the bucket private, encrypted, TLS-only and access-logged, with CORS for presigned PUTs', () => {
    expect(imagesBucket()?.resource.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      CorsConfiguration: { CorsRules: [expect.objectContaining({ AllowedMethods: ['PUT'] })] },
    });
    const policy = resourcesOfType(shop.json, 'AWS::S3::BucketPolicy').find(({ resource }) =>
      refsIn(resource.Properties.Bucket).has(bucketId()),
    );
    if (!policy) throw new Error('no policy on the images bucket');
    const { Statement: statements } = policy.resource.Properties.PolicyDocument as {
      Statement: Record<string, unknown>[];
    };
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
    // The one reader: CloudFront, for this distribution only.
    const readers = statements.filter((s) => s.Effect === 'Allow');
    expect(readers).toEqual([
      expect.objectContaining({
        Action: 's3:GetObject',
        Principal: { Service: 'cloudfront.amazonaws.com' },
        Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
      }),
    ]);
  });

  it('serves the objects through CloudFront with origin access control, HTTPS only', () => {
    const [oac] = catalogOwned('AWS::CloudFront::OriginAccessControl');
    expect(oac?.resource.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [distribution] = catalogOwned('AWS::CloudFront::Distribution');
    const config = distribution?.resource.Properties.DistributionConfig as {
      Origins: { OriginAccessControlId: unknown; S3OriginConfig: unknown }[];
      DefaultCacheBehavior: { ViewerProtocolPolicy: string; AllowedMethods: string[] };
      Logging: unknown;
    };
    expect(refsIn(config.Origins[0]?.OriginAccessControlId).has(oac?.id ?? '')).toBe(true);
    expect(config.Origins[0]?.S3OriginConfig).toEqual({ OriginAccessIdentity: '' });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      AllowedMethods: ['GET', 'HEAD'],
    });
    expect(config.Logging).toBeDefined();
    const env = functionNamed(shop.json, 'dev-catalog-http').resource.Properties.Environment as {
      Variables: Record<string, unknown>;
    };
    expect(flatten(env.Variables.BUCKET_PUBLIC_URL)).toBe(`https://{GetAtt:${distribution?.id}.DomainName}`);
    expect(refsIn(env.Variables.BUCKET_NAME).has(bucketId())).toBe(true);
  });

  it("notifies the image function's live alias of objects created under products/", () => {
    const [notifications] = catalogOwned('Custom::S3BucketNotifications');
    const configuration = notifications?.resource.Properties.NotificationConfiguration as {
      LambdaFunctionConfigurations: {
        Events: string[];
        Filter: unknown;
        LambdaFunctionArn: unknown;
      }[];
    };
    const recordImage = functionNamed(shop.json, 'dev-catalog-record-image');
    expect(configuration.LambdaFunctionConfigurations).toEqual([
      {
        Events: ['s3:ObjectCreated:*'],
        Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'products/' }] } },
        LambdaFunctionArn: { Ref: liveAliasOf(shop.json, recordImage.id).id },
      },
    ]);
    expect(refsIn(notifications?.resource.Properties.BucketName).has(bucketId())).toBe(true);
  });

  it('grants each catalog function only the S3 actions it needs', () => {
    const s3Actions = (physical: string) =>
      statementsOf(physical)
        .flatMap(actionsOf)
        .filter((action) => action.startsWith('s3:'))
        .sort();
    expect(s3Actions('dev-catalog-http')).toEqual(['s3:DeleteObject', 's3:PutObject']);
    expect(s3Actions('dev-catalog-record-image')).toEqual([
      's3:DeleteObject',
      's3:GetObject',
      's3:ListBucket',
    ]);
    expect(s3Actions('dev-catalog-reserve-stock')).toEqual([]);
    expect(grantedResources(statementsOf('dev-catalog-http'), 's3:PutObject')).toEqual([
      `{GetAtt:${bucketId()}.Arn}/*`,
    ]);
  });
});
