import { join } from 'node:path';
import {
  eventRoutesOf,
  functionEnvironment,
  httpRoutesOf,
  type ResolvedFunction,
  resolveInvokedFunction,
  SCHEDULE_SOURCE,
  type ServiceDefinition,
  SQS_EVENT_SOURCE_DEFAULTS,
  STREAM_EVENT_SOURCE_BATCH_SIZE,
  STREAM_RETRY_ATTEMPTS,
  s3SubscriptionsOf,
  scheduleDeadLetterQueueNameOf,
  scheduleSecondsOf,
  stateMachineNameOf,
  streamDeadLetterQueueNameOf,
  subscriptionsOfAll,
  taskSubstitutionsOf,
} from '@shop/platform/service';
import { ArnFormat, Aws, Duration, NestedStack, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import { LambdaApplication } from 'aws-cdk-lib/aws-codedeploy';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './constructs/dead-letter-queue.construct.ts';
import { EmailSender } from './constructs/email-sender.construct.ts';
import { ShopObservability } from './constructs/observability.construct.ts';
import { SagaStateMachine } from './constructs/saga-state-machine.construct.ts';
import { ServiceBucket } from './constructs/service-bucket.construct.ts';
import { ServiceFunction } from './constructs/service-function.construct.ts';
import { ServiceTable } from './constructs/service-table.construct.ts';
import { ShopApi } from './constructs/shop-api.construct.ts';
import { SubscriptionQueue } from './constructs/subscription-queue.construct.ts';
import { acknowledgeNag } from './nag.ts';
import { LIVE_ALIAS, liveAliasArnOf, physicalName, stateMachineArnOf } from './naming.ts';
import type { StageConfig } from './stage.config.ts';

/**
 * Item access to the own table and its indexes. No Scan: no request path may scan (the blueprint's
 * budget), and IAM is where that is enforced in AWS.
 */
export const TABLE_DATA_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
] as const;

export interface ShopStackProps extends StackProps {
  readonly stage: StageConfig;
  /** What `loadServiceDefinitions(repoRoot)` returned (or test fixtures). */
  readonly services: readonly ServiceDefinition[];
  /** Repository root: esbuild's project root and the lock file's folder. */
  readonly repoRoot: string;
  /** Who functions that send email send as; created only when a function declares `sendsEmail`. */
  readonly email?: {
    readonly fromAddress: string;
    readonly sandboxRecipients?: readonly string[];
  };
}

/** The sender when the context names none: a deployment that sends email sets `-c emailFrom=...`. */
export const DEFAULT_EMAIL_FROM_ADDRESS = 'orders@example.com';

const functionKey = (fn: Pick<ResolvedFunction, 'service' | 'id'>): string => `${fn.service}.${fn.id}`;

/** Construct ids from definition names: `order` + `reserveStock` -> `OrderReserveStock`. */
const pascal = (...parts: string[]): string =>
  parts
    .flatMap((part) => part.split(/[^A-Za-z0-9]+/))
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');

/**
 * The whole shop in one stack, built from the service definitions alone: per service its table,
 * functions, queues and state machines; one HTTP API with a Cognito JWT authorizer. It mirrors the
 * local runtime (`packages/local-cloud/src/stack/local-stack.ts`): same environment through
 * `functionEnvironment`, same queue and DLQ per subscriber, same ASL substitutions, same relay routing.
 */
export class ShopStack extends Stack {
  readonly stage: StageConfig;
  readonly api: ShopApi;
  readonly tables = new Map<string, ServiceTable>();
  readonly buckets = new Map<string, ServiceBucket>();
  /** By `service.functionId`. */
  readonly functions = new Map<string, ServiceFunction>();
  readonly queues = new Map<string, SubscriptionQueue>();
  readonly relayDeadLetterQueues = new Map<string, DeadLetterQueue>();
  /** By `service.functionId`: where a scheduled function's failed runs go. */
  readonly scheduleDeadLetterQueues = new Map<string, DeadLetterQueue>();
  readonly stateMachines = new Map<string, SagaStateMachine>();
  /** The SES identities and grant, when a function sends email. */
  readonly email: EmailSender | undefined;
  /** One nested stack per service (CloudFormation allows 500 resources per stack). */
  readonly serviceStacks = new Map<string, NestedStack>();
  /** The stage's dashboard, X-Ray groups and business alarms. */
  readonly observability: ShopObservability;

  constructor(scope: Construct, id: string, props: ShopStackProps) {
    super(scope, id, props);
    const { stage, services, repoRoot } = props;
    this.stage = stage;

    this.api = new ShopApi(this, 'Api', { stage });
    this.email = services.some((service) => service.functions.some((fn) => fn.sendsEmail))
      ? new EmailSender(this, 'Email', {
          fromAddress: props.email?.fromAddress ?? DEFAULT_EMAIL_FROM_ADDRESS,
          ...(props.email?.sandboxRecipients ? { sandboxRecipients: props.email.sandboxRecipients } : {}),
        })
      : undefined;

    // A nested stack per service: each stays far below CloudFormation's 500 resources however many
    // services there are. Everything of a service carries its `service` tag (cost allocation, consoles).
    // What services share lives here, in the parent: the API and user pool, the subscription queues
    // (a publisher's relay and the subscriber both use them) and the state machines (their tasks span
    // services). Services reference each other's functions and state machines by name only, so the
    // nested stacks depend on the parent and never on each other.
    for (const service of services) {
      const nested = new NestedStack(this, pascal(service.name), {
        description: `Shop service ${service.name}`,
      });
      Tags.of(nested).add('service', service.name);
      this.serviceStacks.set(service.name, nested);
    }
    const messaging = new Construct(this, 'Messaging');

    for (const service of services) {
      if (service.table) {
        this.tables.set(
          service.name,
          new ServiceTable(this.scopeOf(service.name), 'Table', { stage, definition: service.table }),
        );
      }
      if (service.bucket) {
        this.buckets.set(
          service.name,
          new ServiceBucket(this.scopeOf(service.name), 'Bucket', { stage, definition: service.bucket }),
        );
      }
    }

    // One queue and DLQ per subscribed function, as locally.
    for (const { function: fn, trigger } of subscriptionsOfAll(services)) {
      const queue = new SubscriptionQueue(messaging, pascal(fn.service, fn.id), { stage, fn, trigger });
      Tags.of(queue).add('service', fn.service);
      this.queues.set(functionKey(fn), queue);
    }
    const queueOf = (fn: ResolvedFunction): SubscriptionQueue => {
      const queue = this.queues.get(functionKey(fn));
      if (!queue) throw new Error(`${fn.name} has no queue`);
      return queue;
    };

    for (const service of services) this.createFunctions(service, services, repoRoot, queueOf);
    for (const service of services) this.grantAccess(service, services, queueOf);
    this.connectEventSources(services, queueOf);
    this.createSchedules(services);
    this.connectBucketNotifications(services);
    this.createStateMachines(services);

    for (const service of services) {
      for (const fn of service.functions) {
        const routes = httpRoutesOf(fn);
        if (routes.length > 0) this.api.addRoutes(fn.name, this.functionOf(fn).alias, routes);
      }
    }

    this.enableCanaries(services);

    const withTrigger = (type: string) =>
      services
        .filter((service) => service.functions.some((fn) => fn.triggers.some((t) => t.type === type)))
        .map((service) => service.name);
    this.observability = new ShopObservability(this, 'Observability', {
      stage,
      services: services.map((service) => service.name),
      relayServices: withTrigger('stream'),
      consumerServices: withTrigger('sqs'),
      functions: [...this.functions.values()],
      stateMachines: [...this.stateMachines.values()],
      deadLetterQueues: [
        ...[...this.queues.values()].map((queue) => queue.deadLetterQueue),
        ...this.relayDeadLetterQueues.values(),
      ],
    });
  }

  private scopeOf(service: string): Construct {
    const scope = this.serviceStacks.get(service);
    if (!scope) throw new Error(`no service ${service}`);
    return scope;
  }

  /** The construct of a defined function. */
  functionOf(fn: Pick<ResolvedFunction, 'service' | 'id'>): ServiceFunction {
    const created = this.functions.get(functionKey(fn));
    if (!created) throw new Error(`no function ${functionKey(fn)}`);
    return created;
  }

  /**
   * One generated Secrets Manager secret per secret the service's functions declare. Functions get it
   * through a CloudFormation dynamic reference, resolved at deploy time: no secret in the template,
   * no Secrets Manager call on the cold-start path.
   */
  private createSecrets(service: ServiceDefinition): Record<string, string> {
    const names = [...new Set(service.functions.flatMap((fn) => fn.secrets))];
    return Object.fromEntries(
      names.map((name) => {
        const secret = new Secret(
          this.scopeOf(service.name),
          `${pascal(name.toLowerCase().replace(/_/g, '-'))}Secret`,
          {
            description: `${service.name}: ${name}`,
            generateSecretString: { passwordLength: 48, excludePunctuation: true },
            removalPolicy: this.stage.removalPolicy,
          },
        );
        acknowledgeNag(
          secret,
          'SMG4',
          'Rotating this secret would invalidate every token signed with it at once (guest carts); it is rotated by redeploying with a new secret when needed.',
        );
        return [name, secret.secretValue.unsafeUnwrap()];
      }),
    );
  }

  private createFunctions(
    service: ServiceDefinition,
    services: readonly ServiceDefinition[],
    repoRoot: string,
    queueOf: (fn: ResolvedFunction) => SubscriptionQueue,
  ): void {
    const table = this.tables.get(service.name)?.table;
    const bucket = this.buckets.get(service.name);
    // State machines and invoked functions by name, not by reference: a task of the saga gets the
    // saga's ARN too, and two functions may invoke each other, without a dependency cycle.
    const bindings = {
      ...(table ? { tableName: table.tableName } : {}),
      ...(bucket
        ? {
            bucket: {
              name: bucket.bucket.bucketName,
              publicUrl: `https://${bucket.distribution.distributionDomainName}`,
            },
          }
        : {}),
      auth: this.api.auth,
      eventRoutes: eventRoutesOf(service, services, (fn) => queueOf(fn).queue.queueUrl),
      stateMachineArns: Object.fromEntries(
        Object.keys(service.stateMachines ?? {}).map((name) => [
          name,
          stateMachineArnOf(
            this,
            physicalName(this.stage, 'stateMachine', stateMachineNameOf(service, name)),
          ),
        ]),
      ),
      logLevel: this.stage.logLevel,
      ...(this.email ? { emailFromAddress: this.email.fromAddress } : {}),
      secretValues: this.createSecrets(service),
      invokedFunctionNames: Object.fromEntries(
        service.functions
          .flatMap((fn) => fn.invokes)
          .map((ref) => [
            ref,
            // Alias-qualified, so a direct invocation goes through the canary like every other caller.
            `${physicalName(this.stage, 'function', resolveInvokedFunction(services, ref).name)}:${LIVE_ALIAS}`,
          ]),
      ),
    };
    for (const fn of service.functions) {
      this.functions.set(
        functionKey(fn),
        new ServiceFunction(this.scopeOf(service.name), pascal(fn.id), {
          stage: this.stage,
          repoRoot,
          fn,
          environment: functionEnvironment(service, fn, bindings),
        }),
      );
    }
  }

  /** Least privilege: each function gets what its triggers and declarations need, nothing more. */
  private grantAccess(
    service: ServiceDefinition,
    services: readonly ServiceDefinition[],
    queueOf: (fn: ResolvedFunction) => SubscriptionQueue,
  ): void {
    const table = this.tables.get(service.name)?.table;
    const stateMachineArns = Object.keys(service.stateMachines ?? {}).map((name) =>
      stateMachineArnOf(this, physicalName(this.stage, 'stateMachine', stateMachineNameOf(service, name))),
    );
    for (const fn of service.functions) {
      const created = this.functionOf(fn);
      const types = new Set(fn.triggers.map((t) => t.type));
      const isRelayOnly = types.size === 1 && types.has('stream');
      // The relay only reads the stream (granted with its event source); everyone else uses the table.
      if (table && !isRelayOnly) {
        created.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: [...TABLE_DATA_ACTIONS],
            resources: [
              table.tableArn,
              ...(service.table?.globalSecondaryIndexes ?? []).map(
                (index) => `${table.tableArn}/index/${index.indexName}`,
              ),
            ],
          }),
        );
      }
      if (types.has('stream')) {
        // Exactly the queues its EVENT_ROUTES name.
        const routed = new Map<string, ResolvedFunction>();
        eventRoutesOf(service, services, (subscriber) => {
          routed.set(functionKey(subscriber), subscriber);
          return functionKey(subscriber);
        });
        for (const subscriber of routed.values()) queueOf(subscriber).queue.grantSendMessages(created.role);
      }
      // Starting a saga is what HTTP requests, events and reconcilers do; saga tasks and relays never start one.
      if (stateMachineArns.length > 0 && (types.has('http') || types.has('sqs') || types.has('schedule'))) {
        created.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['states:StartExecution'], resources: stateMachineArns }),
        );
      }
      // A reconciler looks up its service's executions by name (and lists the unsuccessful ones) and
      // redrives the ones that failed.
      if (stateMachineArns.length > 0 && types.has('schedule')) {
        created.role.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['states:ListExecutions'], resources: stateMachineArns }),
        );
        const machines = Object.keys(service.stateMachines ?? {}).map((name) =>
          physicalName(this.stage, 'stateMachine', stateMachineNameOf(service, name)),
        );
        created.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['states:DescribeExecution', 'states:RedriveExecution'],
            resources: machines.map((machine) =>
              // Region and account as pseudo parameters, whatever the stack's env: the wildcard's
              // acknowledgement below names this exact ARN.
              Stack.of(this).formatArn({
                service: 'states',
                region: Aws.REGION,
                account: Aws.ACCOUNT_ID,
                resource: 'execution',
                resourceName: `${machine}:*`,
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              }),
            ),
          }),
        );
        for (const machine of machines) {
          acknowledgeNag(
            created.role,
            `IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${machine}:*]`,
            "Executions are named per order at run time; the wildcard is confined to the executions of this service's own state machine.",
          );
        }
      }
      if (fn.sendsEmail && this.email) created.role.addToPrincipalPolicy(this.email.sendStatement());
      const bucket = this.buckets.get(service.name)?.bucket;
      if (bucket) {
        // The HTTP function presigns uploads (a presigned URL carries its signer's permission) and
        // deletes images; a notified function reads what arrived and deletes what it refuses.
        const actions = [
          ...(types.has('http') ? ['s3:PutObject', 's3:DeleteObject'] : []),
          ...(types.has('s3') ? ['s3:GetObject', 's3:DeleteObject'] : []),
        ];
        if (actions.length > 0) {
          created.role.addToPrincipalPolicy(
            new PolicyStatement({ actions: [...new Set(actions)], resources: [bucket.arnForObjects('*')] }),
          );
          const bucketId = Stack.of(bucket).getLogicalId(bucket.node.defaultChild as CfnBucket);
          acknowledgeNag(
            created.role,
            `IAM5[Resource::<${bucketId}.Arn>/*]`,
            "Objects of the service's own bucket, whose keys are generated per upload; the actions are the few this function needs.",
          );
        }
        // Without ListBucket, HeadObject of a missing key is a 403, not the 404 the function expects.
        if (types.has('s3')) {
          created.role.addToPrincipalPolicy(
            new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn] }),
          );
        }
      }
      if (fn.invokes.length > 0) {
        created.role.addToPrincipalPolicy(
          new PolicyStatement({
            actions: ['lambda:InvokeFunction'],
            resources: fn.invokes.map((ref) =>
              liveAliasArnOf(
                this,
                physicalName(this.stage, 'function', resolveInvokedFunction(services, ref).name),
              ),
            ),
          }),
        );
      }
    }
  }

  private connectEventSources(
    services: readonly ServiceDefinition[],
    queueOf: (fn: ResolvedFunction) => SubscriptionQueue,
  ): void {
    for (const { function: fn, trigger } of subscriptionsOfAll(services)) {
      this.functionOf(fn).alias.addEventSource(
        new SqsEventSource(queueOf(fn).queue, {
          batchSize: trigger.batchSize ?? SQS_EVENT_SOURCE_DEFAULTS.batchSize,
          ...(trigger.maxBatchingWindowSeconds
            ? { maxBatchingWindow: Duration.seconds(trigger.maxBatchingWindowSeconds) }
            : {}),
          maxConcurrency: trigger.maxConcurrency ?? SQS_EVENT_SOURCE_DEFAULTS.maxConcurrency,
          reportBatchItemFailures: true,
        }),
      );
    }
    for (const service of services) {
      const table = this.tables.get(service.name)?.table;
      for (const fn of service.functions) {
        const trigger = fn.triggers.find((t) => t.type === 'stream');
        if (!trigger || !table) continue;
        const deadLetters = new DeadLetterQueue(this.scopeOf(service.name), pascal(fn.id, 'StreamFailures'), {
          queueName: physicalName(this.stage, 'queue', streamDeadLetterQueueNameOf(fn)),
          purpose: `table stream records ${fn.name} failed to relay after ${STREAM_RETRY_ATTEMPTS} retries`,
        });
        acknowledgeNag(
          deadLetters.queue,
          'SQS3',
          'This queue is itself the on-failure destination of the table stream event source; a DLQ behind it would only move failures further from the alarm that watches it.',
        );
        this.relayDeadLetterQueues.set(functionKey(fn), deadLetters);
        this.functionOf(fn).alias.addEventSource(
          new DynamoEventSource(table, {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: trigger.batchSize ?? STREAM_EVENT_SOURCE_BATCH_SIZE,
            retryAttempts: STREAM_RETRY_ATTEMPTS,
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            onFailure: new SqsDlq(deadLetters.queue),
          }),
        );
      }
    }
  }

  /**
   * An EventBridge Scheduler schedule per scheduled function, invoking its live alias asynchronously
   * with the event the local scheduler sends too; a run that fails Lambda's two retries, or that the
   * scheduler cannot deliver, lands in the function's schedule DLQ (alarmed).
   */
  private createSchedules(services: readonly ServiceDefinition[]): void {
    for (const service of services) {
      for (const fn of service.functions) {
        const trigger = fn.triggers.find((t) => t.type === 'schedule');
        if (!trigger) continue;
        const scope = this.scopeOf(service.name);
        const created = this.functionOf(fn);
        const deadLetters = new DeadLetterQueue(scope, pascal(fn.id, 'ScheduleFailures'), {
          queueName: physicalName(this.stage, 'queue', scheduleDeadLetterQueueNameOf(fn)),
          purpose: `runs of ${fn.name} that failed after their retries, or that the schedule could not deliver`,
        });
        acknowledgeNag(
          deadLetters.queue,
          'SQS3',
          'This queue is itself the dead-letter queue of a schedule and the on-failure destination of its function; a DLQ behind it would only move failures further from the alarm that watches it.',
        );
        this.scheduleDeadLetterQueues.set(functionKey(fn), deadLetters);
        created.alias.configureAsyncInvoke({
          retryAttempts: 2,
          onFailure: new SqsDestination(deadLetters.queue),
        });
        const seconds = scheduleSecondsOf(trigger.rate);
        new Schedule(scope, pascal(fn.id, 'Schedule'), {
          scheduleName: physicalName(this.stage, 'function', fn.name),
          description: `${fn.name}: ${trigger.rate}`,
          schedule: ScheduleExpression.rate(Duration.seconds(seconds)),
          target: new LambdaInvoke(created.alias, {
            input: ScheduleTargetInput.fromObject({
              source: SCHEDULE_SOURCE,
              schedule: fn.name,
              scheduledAt: '<aws.scheduler.scheduled-time>',
            }),
            deadLetterQueue: deadLetters.queue,
            retryAttempts: 2,
          }),
        });
      }
    }
  }

  /** S3 notifies each function with an `s3` trigger, through its live alias (so canaries see it). */
  private connectBucketNotifications(services: readonly ServiceDefinition[]): void {
    for (const service of services) {
      const bucket = this.buckets.get(service.name);
      if (!bucket) continue;
      for (const { function: fn, trigger } of s3SubscriptionsOf(service)) {
        bucket.notifyOnObjectCreated(this.functionOf(fn).alias, {
          ...(trigger.prefix ? { prefix: trigger.prefix } : {}),
          ...(trigger.suffix ? { suffix: trigger.suffix } : {}),
        });
      }
    }
  }

  private createStateMachines(services: readonly ServiceDefinition[]): void {
    // Placeholder -> physical name of the task function, exactly as the local runtime substitutes ARNs.
    const tasks = new Map(
      Object.entries(taskSubstitutionsOf(services, (fn) => physicalName(this.stage, 'function', fn.name))),
    );
    const sagas = new Construct(this, 'Sagas');
    for (const service of services) {
      for (const [name, machine] of Object.entries(service.stateMachines ?? {})) {
        const saga = new SagaStateMachine(sagas, pascal(service.name, name), {
          stage: this.stage,
          stateMachineName: physicalName(this.stage, 'stateMachine', stateMachineNameOf(service, name)),
          definition: machine,
          aslPath: join(service.root, machine.definitionFile),
          tasks,
        });
        Tags.of(saga).add('service', service.name);
        this.stateMachines.set(`${service.name}.${name}`, saga);
      }
    }
  }

  /** A CodeDeploy canary per function; saga tasks also roll back when a saga they run in fails. */
  private enableCanaries(services: readonly ServiceDefinition[]): void {
    const role = new Role(this, 'CanaryDeploymentRole', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      description: 'CodeDeploy: shifts traffic between versions of the live aliases',
    });
    acknowledgeNag(
      role,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      'LambdaDeploymentGroup always attaches AWSCodeDeployRoleForLambdaLimited, the AWS-maintained minimum for shifting Lambda alias traffic (UpdateAlias, GetAlias, invoking only hook functions named CodeDeployHook_*).',
    );
    for (const service of services) {
      const application = new LambdaApplication(this.scopeOf(service.name), 'Deployments', {
        applicationName: `${this.stage.name}-${service.name}`,
      });
      for (const fn of service.functions) {
        const created = this.functionOf(fn);
        const sagaAlarms = [...this.stateMachines.values()]
          .filter((machine) => machine.taskFunctionNames.includes(created.functionName))
          .flatMap((machine) => machine.alarms);
        created.enableCanary(application, role, sagaAlarms);
      }
    }
  }
}
