import { join } from 'node:path';
import {
  LAMBDA_ARCHITECTURE,
  LAMBDA_BUNDLING,
  LAMBDA_RUNTIME,
  LAMBDA_RUNTIME_ENVIRONMENT,
  type ResolvedFunction,
} from '@shop/platform/service';
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IAlarm,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import {
  type ILambdaApplication,
  LambdaDeploymentConfig,
  LambdaDeploymentGroup,
} from 'aws-cdk-lib/aws-codedeploy';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Alias, Architecture, LoggingFormat, Runtime, RuntimeFamily, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';
import { LIVE_ALIAS, physicalName } from '../naming.ts';
import type { StageConfig } from '../stage.config.ts';

/** The platform's runtime and architecture, spelled for CDK (so `bundling.ts` stays the one place they are set). */
const RUNTIME = new Runtime(LAMBDA_RUNTIME, RuntimeFamily.NODEJS, { supportsInlineCode: true });
const ARCHITECTURE = LAMBDA_ARCHITECTURE === 'arm64' ? Architecture.ARM_64 : Architecture.X86_64;

/**
 * Error-rate thresholds (percent of invocations) of the version being deployed. Saga tasks report
 * domain outcomes (`OutOfStock`, `PaymentDeclined`) as function errors, so only a much higher rate
 * means the code is broken.
 */
const ERROR_RATE_PERCENT = { task: 50, other: 5 } as const;
/** p99 duration alarm: this share of the timeout means the function is about to time out. */
const DURATION_SHARE_OF_TIMEOUT = 0.8;

export interface ServiceFunctionProps {
  readonly stage: StageConfig;
  readonly repoRoot: string;
  readonly fn: ResolvedFunction;
  /** What `functionEnvironment(...)` returned, with CDK tokens. */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * One function of a service definition: a `NodejsFunction` bundled by local esbuild exactly like the
 * local runtime bundles it, its own role and log group, a `live` alias that everything invokes, the
 * alarms on the version behind it, and (with {@link ServiceFunction.enableCanary}) a CodeDeploy canary.
 */
export class ServiceFunction extends Construct {
  readonly definition: ResolvedFunction;
  /** `<stage>-<service>-<fn>`, as a plain string: other stacks reference the function by it. */
  readonly functionName: string;
  readonly function: NodejsFunction;
  readonly alias: Alias;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** Errors, p99 duration and throttles: the alarms a deployment rolls back on. */
  readonly alarms: readonly IAlarm[];

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const { stage, fn } = props;
    this.definition = fn;
    const functionName = physicalName(stage, 'function', fn.name);
    this.functionName = functionName;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    // An own role instead of the AWS-managed basic execution policy: logs go to this log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${functionName}: execution role`,
    });
    this.logGroup.grantWrite(this.role);

    this.function = new NodejsFunction(this, 'Function', {
      functionName,
      description: `${fn.service}.${fn.id}`,
      entry: fn.entry,
      handler: fn.handler,
      runtime: RUNTIME,
      architecture: ARCHITECTURE,
      memorySize: fn.memoryMb,
      timeout: Duration.seconds(fn.timeoutSeconds),
      ...(fn.reservedConcurrency === undefined
        ? {}
        : { reservedConcurrentExecutions: fn.reservedConcurrency }),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      tracing: Tracing.ACTIVE,
      // No NODE_OPTIONS=--enable-source-maps by default: parsing the map costs every cold start (see
      // LAMBDA_RUNTIME_ENVIRONMENT). The map ships in the asset; set the variable on a function to debug.
      // Powertools Tracer on beside X-Ray active tracing (the local runtime sets it to false).
      environment: { ...LAMBDA_RUNTIME_ENVIRONMENT, ...props.environment, POWERTOOLS_TRACE_ENABLED: 'true' },
      projectRoot: props.repoRoot,
      depsLockFilePath: join(props.repoRoot, 'package-lock.json'),
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLING.target,
        minify: LAMBDA_BUNDLING.minify,
        keepNames: LAMBDA_BUNDLING.keepNames,
        sourceMap: LAMBDA_BUNDLING.sourcemap,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: LAMBDA_BUNDLING.banner,
        // NodejsFunction has no `alias` option; esbuild takes it as `--alias:<from>=<to>`.
        esbuildArgs: Object.fromEntries(
          Object.entries(LAMBDA_BUNDLING.alias).map(([from, to]) => [`--alias:${from}`, to]),
        ),
        // Bundled like the local runtime does: the SDK version the code was tested with ships with it.
        externalModules: [],
      },
    });
    // X-Ray's PutTraceSegments/PutTelemetryRecords have no resource-level permissions.
    acknowledgeNag(
      this.role,
      'IAM5[Resource::*]',
      'X-Ray tracing (PutTraceSegments, PutTelemetryRecords) supports no resource-level permissions; no other statement of this role uses a wildcard resource.',
    );

    this.alias = new Alias(this, 'Live', { aliasName: LIVE_ALIAS, version: this.function.currentVersion });
    this.alarms = this.createAlarms(fn);
  }

  /**
   * Shifts traffic to each new version through CodeDeploy (10% for 5 minutes, then all), rolling back
   * when any of this function's alarms or `extraAlarms` (e.g. those of the sagas it is a task of) fire.
   */
  enableCanary(application: ILambdaApplication, role: IRole, extraAlarms: readonly IAlarm[] = []): void {
    new LambdaDeploymentGroup(this, 'Deployment', {
      application,
      alias: this.alias,
      role,
      deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms: [...this.alarms, ...extraAlarms],
      autoRollback: { failedDeployment: true, stoppedDeployment: true, deploymentInAlarm: true },
    });
  }

  private createAlarms(fn: ResolvedFunction): IAlarm[] {
    // Measured on the version executing behind the alias: during a canary, the new one.
    const versionDimensions = {
      FunctionName: this.function.functionName,
      Resource: `${this.function.functionName}:${LIVE_ALIAS}`,
      ExecutedVersion: this.function.currentVersion.version,
    };
    const versionMetric = (metricName: string, statistic: string) =>
      new Metric({
        namespace: 'AWS/Lambda',
        metricName,
        dimensionsMap: versionDimensions,
        statistic,
        period: Duration.minutes(1),
      });
    const isTask = fn.triggers.some((t) => t.type === 'task');
    const errorRate = new MathExpression({
      expression: 'IF(invocations > 0, 100 * errors / invocations, 0)',
      usingMetrics: {
        errors: versionMetric('Errors', 'Sum'),
        invocations: versionMetric('Invocations', 'Sum'),
      },
      period: Duration.minutes(1),
      label: 'error rate (%)',
    });
    const errors = new Alarm(this, 'ErrorsAlarm', {
      alarmDescription: `${this.function.functionName}: error rate of the live version above threshold`,
      metric: errorRate,
      threshold: isTask ? ERROR_RATE_PERCENT.task : ERROR_RATE_PERCENT.other,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const duration = new Alarm(this, 'DurationAlarm', {
      alarmDescription: `${this.function.functionName}: p99 duration close to the ${fn.timeoutSeconds} s timeout`,
      metric: versionMetric('Duration', 'p99'),
      threshold: fn.timeoutSeconds * 1000 * DURATION_SHARE_OF_TIMEOUT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const throttles = new Alarm(this, 'ThrottlesAlarm', {
      alarmDescription: `${this.function.functionName}: invocations throttled`,
      metric: this.function.metricThrottles({ period: Duration.minutes(1), statistic: 'Sum' }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    return [errors, duration, throttles];
  }
}
