import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export const STAGE_NAMES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** What differs between the deployed stages; everything else is the same code path. */
export interface StageConfig {
  readonly name: StageName;
  /** `Shop-Dev`, `Shop-Prod`. */
  readonly stackName: string;
  /** Tables, user pool and log groups: kept when the stack goes away in prod, deleted with it in dev. */
  readonly removalPolicy: RemovalPolicy;
  /** DynamoDB and Cognito deletion protection. */
  readonly deletionProtection: boolean;
  readonly logRetention: RetentionDays;
  /** HTTP API default stage throttling (requests per second, and the token bucket size). */
  readonly throttle: { readonly rateLimit: number; readonly burstLimit: number };
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Whether state machine logs carry execution input and output (addresses, amounts): not in prod. */
  readonly logSagaPayloads: boolean;
}

const STAGES: Readonly<Record<StageName, StageConfig>> = {
  dev: {
    name: 'dev',
    stackName: 'Shop-Dev',
    removalPolicy: RemovalPolicy.DESTROY,
    deletionProtection: false,
    logRetention: RetentionDays.TWO_WEEKS,
    throttle: { rateLimit: 50, burstLimit: 100 },
    logLevel: 'DEBUG',
    logSagaPayloads: true,
  },
  prod: {
    name: 'prod',
    stackName: 'Shop-Prod',
    removalPolicy: RemovalPolicy.RETAIN,
    deletionProtection: true,
    logRetention: RetentionDays.THREE_MONTHS,
    throttle: { rateLimit: 500, burstLimit: 1000 },
    logLevel: 'INFO',
    logSagaPayloads: false,
  },
};

const isStageName = (value: string): value is StageName => (STAGE_NAMES as readonly string[]).includes(value);

/** The configuration of a stage by name (`-c stage=prod`); an unknown name is an error, never a silent dev. */
export const stageConfigOf = (name: unknown = 'dev'): StageConfig => {
  if (typeof name !== 'string' || !isStageName(name)) {
    throw new Error(
      `unknown stage "${String(name)}": use one of ${STAGE_NAMES.join(', ')} (-c stage=<name>)`,
    );
  }
  return STAGES[name];
};
