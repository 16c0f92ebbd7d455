import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineService, visibilityTimeoutOf } from '@shop/platform/service';
import { App, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { EmailSender } from '../src/constructs/email-sender.construct.ts';
import { placeholdersOf, SagaStateMachine } from '../src/constructs/saga-state-machine.construct.ts';
import { ShopApi } from '../src/constructs/shop-api.construct.ts';
import { physicalName } from '../src/naming.ts';
import { createShopApp } from '../src/shop-app.ts';
import { stageConfigOf } from '../src/stage.config.ts';

const dev = stageConfigOf('dev');

/** `${Name}`, as an ASL file spells a CDK substitution. */
const placeholder = (name: string): string => `\${${name}}`;

const aslDirs: string[] = [];
afterAll(() => {
  for (const dir of aslDirs) rmSync(dir, { recursive: true, force: true });
});

const writeAsl = (definition: unknown): string => {
  const dir = mkdtempSync(join(tmpdir(), 'shop-asl-'));
  aslDirs.push(dir);
  const path = join(dir, 'machine.asl.json');
  writeFileSync(path, JSON.stringify(definition));
  return path;
};

describe('stages', () => {
  it('defaults to dev and destroys its data with the stack', () => {
    expect(stageConfigOf()).toMatchObject({
      name: 'dev',
      stackName: 'Shop-Dev',
      removalPolicy: RemovalPolicy.DESTROY,
    });
  });

  it('retains prod data behind deletion protection', () => {
    expect(stageConfigOf('prod')).toMatchObject({
      stackName: 'Shop-Prod',
      removalPolicy: RemovalPolicy.RETAIN,
      deletionProtection: true,
    });
  });

  it('refuses an unknown stage instead of deploying dev under another name', () => {
    expect(() => stageConfigOf('qa')).toThrow(/unknown stage "qa": use one of dev, prod/);
    expect(() => stageConfigOf(42)).toThrow(/unknown stage/);
  });
});

describe('physical names', () => {
  it('prefixes the stage', () => {
    expect(physicalName(dev, 'function', 'catalog-http')).toBe('dev-catalog-http');
  });

  it('refuses a name longer than AWS allows, at synthesis rather than at deploy', () => {
    expect(() => physicalName(dev, 'function', `catalog-${'x'.repeat(60)}`)).toThrow(
      /longer than AWS allows \(64/,
    );
  });
});

describe('subscription queues', () => {
  const service = defineService({
    name: 'probe',
    root: '/tmp/probe',
    functions: {
      slow: { entry: 'a.ts', timeoutSeconds: 30, triggers: [{ type: 'sqs', events: ['x'] }] },
      quick: {
        entry: 'b.ts',
        timeoutSeconds: 2,
        triggers: [{ type: 'sqs', events: ['x'], visibilityTimeoutSeconds: 45 }],
      },
    },
  });
  const [slow, quick] = service.functions;

  it('keeps the visibility timeout at least six times the function timeout', () => {
    if (!slow || !quick) throw new Error('fixture');
    expect(visibilityTimeoutOf(slow, { type: 'sqs', events: ['x'] })).toBe(180);
    expect(visibilityTimeoutOf(slow, { type: 'sqs', events: ['x'], visibilityTimeoutSeconds: 60 })).toBe(180);
  });

  it('uses what the trigger asks when that is longer, and 30 s by default, as locally', () => {
    if (!slow || !quick) throw new Error('fixture');
    expect(visibilityTimeoutOf(quick, { type: 'sqs', events: ['x'], visibilityTimeoutSeconds: 45 })).toBe(45);
    expect(visibilityTimeoutOf(quick, { type: 'sqs', events: ['x'] })).toBe(30);
  });
});

describe('state machines', () => {
  it('finds the placeholders of an ASL file, each once', () => {
    const path = writeAsl({
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: placeholder('AFunctionArn'), Next: 'B' },
        B: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: placeholder('BFunctionArn') },
          Next: 'C',
        },
        C: { Type: 'Task', Resource: placeholder('AFunctionArn'), End: true },
      },
    });
    expect(placeholdersOf(path)).toEqual(['AFunctionArn', 'BFunctionArn']);
  });

  it('refuses an ASL placeholder that no saga task provides, naming it', () => {
    const stack = new Stack(new App(), 'Probe');
    const aslPath = writeAsl({
      StartAt: 'A',
      States: { A: { Type: 'Task', Resource: placeholder('MissingFunctionArn'), End: true } },
    });
    expect(
      () =>
        new SagaStateMachine(stack, 'Saga', {
          stage: dev,
          stateMachineName: 'dev-probe-saga',
          definition: { definitionFile: 'machine.asl.json' },
          aslPath,
          tasks: new Map(),
        }),
    ).toThrow(/no saga task provides \$\{MissingFunctionArn\}/);
  });
});

describe('HTTP API', () => {
  it('refuses a route that two functions define', () => {
    const stack = new Stack(new App(), 'Probe');
    const api = new ShopApi(stack, 'Api', { stage: dev });
    const target = new LambdaFunction(stack, 'Fn', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('export const handler = async () => ({});'),
    });
    api.addRoutes('catalog-http', target, [{ method: 'GET', path: '/products', auth: 'none' }]);
    expect(() =>
      api.addRoutes('cart-http', target, [{ method: 'GET', path: '/products', auth: 'none' }]),
    ).toThrow('route GET /products is defined by both catalog-http and cart-http');
  });
});

describe('app', () => {
  it('takes the stage from the context before the default stage', async () => {
    const fromContext = await createShopApp({
      repoRoot: '/nowhere',
      services: [],
      context: { stage: 'prod' },
      defaultStage: 'dev',
      nag: false,
    });
    expect(fromContext.stack.stackName).toBe('Shop-Prod');
    const fromDefault = await createShopApp({
      repoRoot: '/nowhere',
      services: [],
      defaultStage: 'prod',
      nag: false,
    });
    expect(fromDefault.stack.stackName).toBe('Shop-Prod');
    const plain = await createShopApp({ repoRoot: '/nowhere', services: [], nag: false });
    expect(plain.stack.stackName).toBe('Shop-Dev');
  });
});

describe('EmailSender', () => {
  it('verifies the sender and each sandbox recipient, and grants sending from the sender only', () => {
    const stack = new Stack(new App(), 'Email');
    const sender = new EmailSender(stack, 'Email', {
      fromAddress: 'orders@shop.example',
      sandboxRecipients: ['qa@shop.example', 'qa@shop.example', 'orders@shop.example'],
    });
    const template = Template.fromStack(stack);
    expect(
      Object.values(template.findResources('AWS::SES::EmailIdentity')).map((r) => r.Properties.EmailIdentity),
    ).toEqual(['orders@shop.example', 'qa@shop.example']);
    const statement = sender.sendStatement().toStatementJson() as {
      Action: string;
      Resource: unknown[];
      Condition: unknown;
    };
    expect(statement.Action).toBe('ses:SendEmail');
    expect(statement.Resource).toHaveLength(2);
    expect(statement.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'orders@shop.example' } });
  });

  it('refuses a sender or a recipient that is no email address', () => {
    expect(() => new EmailSender(new Stack(new App(), 'A'), 'Email', { fromAddress: 'orders' })).toThrow(
      /emailFrom=.*"orders" is not an email address/,
    );
    expect(
      () =>
        new EmailSender(new Stack(new App(), 'B'), 'Email', {
          fromAddress: 'orders@shop.example',
          sandboxRecipients: ['nobody'],
        }),
    ).toThrow(/sandbox recipient/);
  });
});
