import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalStack, startLocalStack } from '@shop/local-cloud';
import {
  DEFAULT_MAX_RECEIVE_COUNT,
  deadLetterQueueNameOf,
  eventRoutesOf,
  httpRoutesOf,
  queueNameOf,
  stateMachineNameOf,
  subscriptionsOfAll,
  taskPlaceholderOf,
} from '@shop/platform/service';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholdersOf } from '../src/constructs/saga-state-machine.construct.ts';
import { type SynthesizedShop, synthShop } from './support/shop-test-app.ts';
import {
  findByProperty,
  flatten,
  functionNamed,
  liveAliasArnText,
  liveAliasOf,
  refsIn,
  resourcesOfType,
  serviceFunctionsOf,
  tableOf,
} from './support/template-queries.ts';

/**
 * Parity: everything the service definitions declare (the real services plus the fixtures) exists in
 * the synthesized template, wired the way the local runtime wires it. Synthesized for prod, the stage
 * whose mistakes cost most; `shop-stack.test.ts` covers dev.
 */
let shop: SynthesizedShop;

beforeAll(async () => {
  shop = await synthShop('prod');
}, 180_000);

afterAll(() => {
  if (shop) rmSync(shop.outdir, { recursive: true, force: true });
});

const aliasIdOf = (physical: string) => liveAliasOf(shop.json, functionNamed(shop.json, physical).id).id;

describe('parity with the service definitions', () => {
  it('deploys every function of every service behind a live alias', () => {
    const functions = shop.services.flatMap((s) => s.functions);
    expect(functions.length).toBeGreaterThan(0);
    for (const fn of functions) expect(aliasIdOf(`prod-${fn.name}`)).toBeTruthy();
    expect(serviceFunctionsOf(shop.json)).toHaveLength(functions.length);
  });

  it('exposes every route with its method, path and authorizer, integrated with the alias that serves it', () => {
    const integrations = new Map(
      resourcesOfType(shop.json, 'AWS::ApiGatewayV2::Integration').map(({ id, resource }) => [
        id,
        refsIn(resource.Properties.IntegrationUri),
      ]),
    );
    let count = 0;
    for (const fn of shop.services.flatMap((s) => s.functions)) {
      for (const route of httpRoutesOf(fn)) {
        count += 1;
        const found = findByProperty(
          shop.json,
          'AWS::ApiGatewayV2::Route',
          'RouteKey',
          `${route.method} ${route.path}`,
        );
        expect(found.resource.Properties.AuthorizationType, `${route.method} ${route.path}`).toBe(
          route.auth === 'jwt' ? 'JWT' : 'NONE',
        );
        const [integration] = [...refsIn(found.resource.Properties.Target)];
        expect(integrations.get(integration ?? '')).toEqual(new Set([aliasIdOf(`prod-${fn.name}`)]));
      }
    }
    expect(resourcesOfType(shop.json, 'AWS::ApiGatewayV2::Route')).toHaveLength(count);
  });

  it('gives every SQS subscription its queue, DLQ and event source mapping to the subscriber', () => {
    const subscriptions = subscriptionsOfAll(shop.services);
    expect(subscriptions.length).toBeGreaterThan(0);
    for (const { function: fn, trigger } of subscriptions) {
      const dlq = findByProperty(
        shop.json,
        'AWS::SQS::Queue',
        'QueueName',
        `prod-${deadLetterQueueNameOf(fn)}`,
      );
      const queue = findByProperty(shop.json, 'AWS::SQS::Queue', 'QueueName', `prod-${queueNameOf(fn)}`);
      expect(queue.resource.Properties.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [dlq.id, 'Arn'] },
        maxReceiveCount: trigger.maxReceiveCount ?? DEFAULT_MAX_RECEIVE_COUNT,
      });
      const mapping = findByProperty(shop.json, 'AWS::Lambda::EventSourceMapping', 'EventSourceArn', {
        'Fn::GetAtt': [queue.id, 'Arn'],
      });
      expect(refsIn(mapping.resource.Properties.FunctionName)).toEqual(
        new Set([aliasIdOf(`prod-${fn.name}`)]),
      );
      expect(mapping.resource.Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
  });

  it('feeds every table stream to its relay, routed to the queues of every subscriber of what it publishes', () => {
    const relays = shop.services.flatMap((service) =>
      service.functions
        .filter((fn) => fn.triggers.some((t) => t.type === 'stream'))
        .map((fn) => ({ service, fn })),
    );
    expect(relays.length).toBeGreaterThan(0);
    for (const { service, fn } of relays) {
      const table = tableOf(shop.json, service.name);
      const mapping = findByProperty(shop.json, 'AWS::Lambda::EventSourceMapping', 'EventSourceArn', {
        'Fn::GetAtt': [table.id, 'StreamArn'],
      });
      expect(refsIn(mapping.resource.Properties.FunctionName)).toEqual(
        new Set([aliasIdOf(`prod-${fn.name}`)]),
      );
      const variables = (
        functionNamed(shop.json, `prod-${fn.name}`).resource.Properties.Environment as {
          Variables: Record<string, unknown>;
        }
      ).Variables;
      const expected = eventRoutesOf(service, shop.services, (subscriber) => {
        const queue = findByProperty(
          shop.json,
          'AWS::SQS::Queue',
          'QueueName',
          `prod-${queueNameOf(subscriber)}`,
        );
        return `{Ref:${queue.id}}`;
      });
      expect(JSON.parse(flatten(variables.EVENT_ROUTES))).toEqual(expected);
    }
    expect(resourcesOfType(shop.json, 'AWS::Lambda::EventSourceMapping')).toHaveLength(
      subscriptionsOfAll(shop.services).length + relays.length,
    );
  });

  it('deploys every state machine from its ASL file, each placeholder bound to the task that provides it', () => {
    const tasks = new Map(
      shop.services.flatMap((service) =>
        service.functions.flatMap((fn) =>
          fn.triggers.flatMap((t) => (t.type === 'task' ? [[taskPlaceholderOf(t.name), fn] as const] : [])),
        ),
      ),
    );
    let count = 0;
    for (const service of shop.services) {
      for (const [name, machine] of Object.entries(service.stateMachines ?? {})) {
        count += 1;
        const found = findByProperty(
          shop.json,
          'AWS::StepFunctions::StateMachine',
          'StateMachineName',
          `prod-${stateMachineNameOf(service, name)}`,
        );
        const aslPath = join(service.root, machine.definitionFile);
        const key = (found.resource.Properties.DefinitionS3Location as { Key: string }).Key;
        expect(readFileSync(join(shop.outdir, `asset.${key}`), 'utf8')).toBe(readFileSync(aslPath, 'utf8'));
        const substitutions = found.resource.Properties.DefinitionSubstitutions as Record<string, unknown>;
        const placeholders = placeholdersOf(aslPath);
        expect(Object.keys(substitutions).sort()).toEqual([...placeholders].sort());
        for (const placeholder of placeholders) {
          const task = tasks.get(placeholder);
          expect(task, placeholder).toBeDefined();
          // Bound by name to the live alias of a function that exists.
          expect(flatten(substitutions[placeholder])).toBe(liveAliasArnText(`prod-${task?.name}`));
          expect(aliasIdOf(`prod-${task?.name}`)).toBeTruthy();
        }
      }
    }
    expect(count).toBeGreaterThan(0);
    expect(resourcesOfType(shop.json, 'AWS::StepFunctions::StateMachine')).toHaveLength(count);
  });

  it('creates the table of every service that declares one, with its keys and indexes', () => {
    for (const service of shop.services) {
      if (!service.table) continue;
      const table = tableOf(shop.json, service.name);
      expect(table.resource.Properties.KeySchema).toEqual([
        { AttributeName: service.table.partitionKey.name, KeyType: 'HASH' },
        ...(service.table.sortKey ? [{ AttributeName: service.table.sortKey.name, KeyType: 'RANGE' }] : []),
      ]);
      const indexes = (table.resource.Properties.GlobalSecondaryIndexes ?? []) as { IndexName: string }[];
      expect(indexes.map((i) => i.IndexName)).toEqual(
        (service.table.globalSecondaryIndexes ?? []).map((i) => i.indexName),
      );
      expect(Boolean(table.resource.Properties.StreamSpecification)).toBe(Boolean(service.table.stream));
    }
    expect(resourcesOfType(shop.json, 'AWS::DynamoDB::GlobalTable')).toHaveLength(
      shop.services.filter((s) => s.table).length,
    );
  });
});

describe('parity with the running local stack', () => {
  let stack: LocalStack | undefined;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'shop-parity-'));
    stack = await startLocalStack({
      root,
      services: shop.services,
      port: 0,
      edgePort: 0,
      seed: false,
      log: () => {},
    });
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it('creates locally every queue the templates create, and no other', () => {
    const templateQueues = resourcesOfType(shop.json, 'AWS::SQS::Queue').map(({ resource }) => {
      const name = resource.Properties.QueueName;
      if (typeof name !== 'string' || !name.startsWith('prod-'))
        throw new Error(`unexpected queue name ${String(name)}`);
      return name.slice('prod-'.length);
    });
    expect(templateQueues.length).toBeGreaterThan(0);
    expect(stack?.sqs.listQueues()).toEqual([...templateQueues].sort());
  });
});

describe('prod stage', () => {
  it('names the stack Shop-Prod', () => {
    expect(shop.stack.stackName).toBe('Shop-Prod');
  });

  it('retains tables with deletion protection', () => {
    const tables = resourcesOfType(shop.json, 'AWS::DynamoDB::GlobalTable');
    expect(tables.length).toBeGreaterThan(0);
    for (const { resource } of tables) {
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.Properties.Replicas).toEqual([
        expect.objectContaining({ DeletionProtectionEnabled: true }),
      ]);
    }
  });

  it('retains the user pool with deletion protection', () => {
    const [pool] = resourcesOfType(shop.json, 'AWS::Cognito::UserPool');
    expect(pool?.resource.DeletionPolicy).toBe('Retain');
    expect(pool?.resource.Properties.DeletionProtection).toBe('ACTIVE');
  });

  it('keeps logs three months and does not log saga payloads', () => {
    for (const { resource } of resourcesOfType(shop.json, 'AWS::Logs::LogGroup')) {
      expect(resource.Properties.RetentionInDays).toBe(90);
    }
    for (const { resource } of resourcesOfType(shop.json, 'AWS::StepFunctions::StateMachine')) {
      expect(resource.Properties.LoggingConfiguration).toMatchObject({
        Level: 'ALL',
        IncludeExecutionData: false,
      });
    }
  });

  it('throttles the API at the prod rate', () => {
    const [stage] = resourcesOfType(shop.json, 'AWS::ApiGatewayV2::Stage');
    expect(stage?.resource.Properties.DefaultRouteSettings).toEqual({
      ThrottlingBurstLimit: 1000,
      ThrottlingRateLimit: 500,
    });
  });
});
