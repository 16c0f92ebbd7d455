import { DLQ_RETENTION_SECONDS } from '@shop/platform/service';
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** How long a failed message waits in a DLQ for someone to look at it: the SQS maximum, as locally. */
export const DLQ_RETENTION = Duration.seconds(DLQ_RETENTION_SECONDS);

export interface DeadLetterQueueProps {
  readonly queueName: string;
  /** What ends up here, for the alarm's description. */
  readonly purpose: string;
}

/** An encrypted, TLS-only dead-letter queue with an alarm as soon as one message lands in it. */
export class DeadLetterQueue extends Construct {
  readonly queue: Queue;
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    this.queue = new Queue(this, 'Queue', {
      queueName: props.queueName,
      retentionPeriod: DLQ_RETENTION,
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.alarm = new Alarm(this, 'DepthAlarm', {
      alarmDescription: `${props.queueName}: ${props.purpose}`,
      metric: this.queue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }
}
