import { readFileSync } from 'node:fs';
import type { StateMachineDefinition } from '@shop/platform/service';
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  MathExpression,
  Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { acknowledgeNag } from '../nag.ts';
import { liveAliasArnOf, stateMachineArnOf } from '../naming.ts';
import type { StageConfig } from '../stage.config.ts';

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The `${Name}` placeholders of an ASL file, in order of first use (CDK substitutes them at deploy time). */
export const placeholdersOf = (aslPath: string): string[] => {
  const found = new Set<string>();
  for (const match of readFileSync(aslPath, 'utf8').matchAll(PLACEHOLDER)) {
    if (match[1] !== undefined) found.add(match[1]);
  }
  return [...found];
};

/** Share of failed executions that is no longer business as usual (rejected orders end in Fail too). */
const FAILED_EXECUTIONS_PERCENT = 50;

export interface SagaStateMachineProps {
  readonly stage: StageConfig;
  /** Physical name: `<stage>-<service>-<name>`. */
  readonly stateMachineName: string;
  readonly definition: StateMachineDefinition;
  readonly aslPath: string;
  /** Physical names of the saga task functions by placeholder (`ReserveStockFunctionArn`), from `taskSubstitutionsOf`. */
  readonly tasks: ReadonlyMap<string, string>;
}

/**
 * A state machine from its ASL file: placeholders resolved to the task functions' `live` aliases, a
 * role that may invoke exactly those, all events logged, X-Ray on, and alarms on failed and timed-out
 * executions. Tasks are bound by ARN built from their names, so the state machine and its alarms
 * depend on no service's stack (while the tasks' canaries depend on these alarms).
 */
export class SagaStateMachine extends Construct {
  readonly stateMachine: StateMachine;
  /** The physical name, `<stage>-<service>-<machine>`. */
  readonly stateMachineName: string;
  /** Physical names of the functions this state machine invokes (the ASL's placeholders). */
  readonly taskFunctionNames: readonly string[];
  /** Failed and timed-out executions: the tasks' canaries roll back on them too. */
  readonly alarms: readonly Alarm[];

  constructor(scope: Construct, id: string, props: SagaStateMachineProps) {
    super(scope, id);
    const { stage } = props;
    this.stateMachineName = props.stateMachineName;
    const placeholders = placeholdersOf(props.aslPath);
    const unknown = placeholders.filter((name) => !props.tasks.has(name));
    if (unknown.length > 0) {
      throw new Error(
        `${props.aslPath}: no saga task provides ${unknown.map((n) => `\${${n}}`).join(', ')} ` +
          '(declare a function with a { type: "task", name } trigger whose name matches)',
      );
    }
    const taskArns = new Map(
      placeholders.flatMap((name) => {
        const task = props.tasks.get(name);
        return task ? [[name, liveAliasArnOf(this, task)] as const] : [];
      }),
    );
    this.taskFunctionNames = placeholders.flatMap((name) => {
      const task = props.tasks.get(name);
      return task ? [task] : [];
    });

    const logGroup = new LogGroup(this, 'Logs', {
      retention: stage.logRetention,
      removalPolicy: stage.removalPolicy,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: props.stateMachineName,
      stateMachineType:
        props.definition.type === 'EXPRESS' ? StateMachineType.EXPRESS : StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromFile(props.aslPath),
      definitionSubstitutions: Object.fromEntries(taskArns),
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: stage.logSagaPayloads },
      tracingEnabled: true,
    });
    if (taskArns.size > 0) {
      this.stateMachine.addToRolePolicy(
        new PolicyStatement({
          actions: ['lambda:InvokeFunction'],
          resources: [...new Set(taskArns.values())],
        }),
      );
    }
    acknowledgeNag(
      this.stateMachine.role,
      'IAM5[Resource::*]',
      'Step Functions log delivery (logs:CreateLogDelivery, PutResourcePolicy, DescribeLogGroups, ...) and X-Ray (PutTraceSegments, GetSamplingRules, ...) support no resource-level permissions; Lambda invocation is limited to the live aliases of the tasks the ASL references.',
    );

    // Metrics by the ARN built from the name, like everything here: the tasks' canaries depend on these
    // alarms, so the alarms must not depend on anything of the tasks' stacks.
    const arn = stateMachineArnOf(this, props.stateMachineName);
    const metric = (metricName: string) =>
      new Metric({
        namespace: 'AWS/States',
        metricName,
        dimensionsMap: { StateMachineArn: arn },
        statistic: 'Sum',
        period: Duration.minutes(5),
      });
    const failed = new Alarm(this, 'FailedAlarm', {
      alarmName: `${props.stateMachineName}-failed-executions`,
      alarmDescription: `${props.stateMachineName}: more than ${FAILED_EXECUTIONS_PERCENT}% of executions failed`,
      metric: new MathExpression({
        expression: 'IF(started > 0, 100 * failed / started, 0)',
        usingMetrics: { failed: metric('ExecutionsFailed'), started: metric('ExecutionsStarted') },
        period: Duration.minutes(5),
        label: 'failed executions (%)',
      }),
      threshold: FAILED_EXECUTIONS_PERCENT,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const timedOut = new Alarm(this, 'TimedOutAlarm', {
      alarmName: `${props.stateMachineName}-timed-out-executions`,
      alarmDescription: `${props.stateMachineName}: an execution timed out`,
      metric: metric('ExecutionsTimedOut'),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    this.alarms = [failed, timedOut];
  }
}
