/**
 * us-east-1 list prices used by the cost estimate, with the date they were read. Free tiers are left
 * out (they do not scale with orders). Update `asOf` together with any figure.
 */
export const AWS_PRICES = {
  region: 'us-east-1',
  asOf: '2026-11-26',
  lambda: {
    /** Per request. */
    requestUsd: 0.2 / 1e6,
    /** arm64 (the functions' architecture), first 6 billion GB-s per month. */
    gbSecondUsd: 0.0000133334,
  },
  dynamodb: {
    /** On-demand, Standard table class (prices since 2024-11-01). */
    writeRequestUnitUsd: 0.625 / 1e6,
    readRequestUnitUsd: 0.125 / 1e6,
  },
  sqs: {
    /** Standard queue, per request (each 64 KB chunk of a payload counts as one request). */
    requestUsd: 0.4 / 1e6,
  },
  stepFunctions: {
    standardTransitionUsd: 0.025 / 1000,
    expressRequestUsd: 1 / 1e6,
    /** First 1,000 h of GB-s per month; billed per 100 ms and in 64 MB chunks. */
    expressGbSecondUsd: 0.00001667,
  },
  apiGateway: {
    /** HTTP API, first 300 million requests per month, per 512 KB. */
    httpRequestUsd: 1 / 1e6,
  },
} as const;

export type AwsPrices = typeof AWS_PRICES;

/**
 * How a Lambda invocation's billed duration is estimated from what the local stack measures. Lambda
 * bills wall time, from the handler's start to its answer, I/O waits included; locally the wall time
 * of a loaded two-core machine says more about the machine than about the code, so the estimate is
 * built from two figures that do not depend on the load: the CPU time the invocation computed (the
 * environment thread's clock) and the AWS calls it waited for.
 */
export interface LambdaDurationAssumptions {
  readonly fullVcpuMemoryMb: number;
  readonly awsCallMs: number;
}

export const LAMBDA_DURATION_ASSUMPTIONS: LambdaDurationAssumptions = {
  /**
   * Lambda gives a function CPU in proportion to its memory, one full vCPU at 1,769 MB: below that,
   * the same computation takes `1769 / memoryMb` times as long (a local core counted as one vCPU).
   */
  fullVcpuMemoryMb: 1769,
  /** Each AWS call (DynamoDB, SQS, Step Functions, the card network) waits this long in-region. */
  awsCallMs: 5,
};

/** Invocations of one function for one order, with its configured memory and what one invocation does. */
export interface FunctionUsage {
  readonly name: string;
  readonly invocations: number;
  readonly memoryMb: number;
  /** CPU milliseconds one warm invocation computes (median, measured on the environment thread). */
  readonly cpuMs: number;
  /** AWS calls one invocation makes and waits for. */
  readonly awsCalls: number;
}

/**
 * The wall time Lambda would bill for one invocation: its computation, slowed by the share of a vCPU
 * its memory buys, plus its AWS calls' round trips. A lower bound where the function waits for more
 * than its calls (a synchronous invocation of another function also waits for that one's work).
 */
export const estimatedDurationMs = (
  fn: Pick<FunctionUsage, 'memoryMb' | 'cpuMs' | 'awsCalls'>,
  assumptions: LambdaDurationAssumptions = LAMBDA_DURATION_ASSUMPTIONS,
): number =>
  fn.cpuMs * Math.max(1, assumptions.fullVcpuMemoryMb / fn.memoryMb) + fn.awsCalls * assumptions.awsCallMs;

/** What one order consumes; counted on the local stack. */
export interface OrderUsage {
  readonly lambda: readonly FunctionUsage[];
  readonly dynamodbReadUnits: number;
  readonly dynamodbWriteUnits: number;
  readonly sqsRequests: number;
  readonly apiRequests: number;
  /** State transitions of the saga's execution(s) for one order. */
  readonly stateTransitions: number;
  readonly workflowExecutions: number;
  readonly workflowDurationMs: number;
  /** Memory an Express execution is billed for; a small definition and payload fit in the first 64 MB. */
  readonly workflowMemoryMb?: number;
}

export interface CostLine {
  readonly item: string;
  /** Quantity per 1,000 orders, in `unit`. */
  readonly quantity: number;
  readonly unit: string;
  readonly usd: number;
}

export interface OrderCost {
  /** Everything but the workflow, per 1,000 orders. */
  readonly common: readonly CostLine[];
  readonly standardWorkflow: CostLine;
  readonly expressWorkflow: readonly CostLine[];
  readonly totalWithStandardUsd: number;
  readonly totalWithExpressUsd: number;
}

const ORDERS = 1000;

/** Lambda bills each invocation's duration rounded up to the millisecond, at the configured memory. */
export const lambdaGbSeconds = (memoryMb: number, durationMs: number): number =>
  (memoryMb / 1024) * (Math.ceil(durationMs) / 1000);

/** Express bills duration rounded up to 100 ms, and memory in 64 MB chunks. */
export const expressGbSeconds = (memoryMb: number, durationMs: number): number =>
  ((Math.ceil(memoryMb / 64) * 64) / 1024) * ((Math.max(1, Math.ceil(durationMs / 100)) * 100) / 1000);

const sum = (lines: readonly CostLine[]): number => lines.reduce((total, line) => total + line.usd, 0);

/** The cost of 1,000 orders, line by line, with a Standard or an Express checkout workflow. */
export const costPer1000Orders = (
  usage: OrderUsage,
  prices: AwsPrices = AWS_PRICES,
  assumptions: LambdaDurationAssumptions = LAMBDA_DURATION_ASSUMPTIONS,
): OrderCost => {
  const invocations = usage.lambda.reduce((total, fn) => total + fn.invocations, 0) * ORDERS;
  const gbSeconds =
    usage.lambda.reduce(
      (total, fn) =>
        total + fn.invocations * lambdaGbSeconds(fn.memoryMb, estimatedDurationMs(fn, assumptions)),
      0,
    ) * ORDERS;
  const common: CostLine[] = [
    {
      item: 'Lambda requests',
      quantity: invocations,
      unit: 'invocations',
      usd: invocations * prices.lambda.requestUsd,
    },
    {
      item: 'Lambda duration',
      quantity: gbSeconds,
      unit: 'GB-s',
      usd: gbSeconds * prices.lambda.gbSecondUsd,
    },
    {
      item: 'DynamoDB writes',
      quantity: usage.dynamodbWriteUnits * ORDERS,
      unit: 'WRU',
      usd: usage.dynamodbWriteUnits * ORDERS * prices.dynamodb.writeRequestUnitUsd,
    },
    {
      item: 'DynamoDB reads',
      quantity: usage.dynamodbReadUnits * ORDERS,
      unit: 'RRU',
      usd: usage.dynamodbReadUnits * ORDERS * prices.dynamodb.readRequestUnitUsd,
    },
    {
      item: 'SQS requests',
      quantity: usage.sqsRequests * ORDERS,
      unit: 'requests',
      usd: usage.sqsRequests * ORDERS * prices.sqs.requestUsd,
    },
    {
      item: 'API Gateway (HTTP API)',
      quantity: usage.apiRequests * ORDERS,
      unit: 'requests',
      usd: usage.apiRequests * ORDERS * prices.apiGateway.httpRequestUsd,
    },
  ];
  const transitions = usage.stateTransitions * ORDERS;
  const standardWorkflow: CostLine = {
    item: 'Step Functions Standard',
    quantity: transitions,
    unit: 'state transitions',
    usd: transitions * prices.stepFunctions.standardTransitionUsd,
  };
  const executions = usage.workflowExecutions * ORDERS;
  const expressGbS =
    expressGbSeconds(usage.workflowMemoryMb ?? 64, usage.workflowDurationMs) *
    usage.workflowExecutions *
    ORDERS;
  const expressWorkflow: CostLine[] = [
    {
      item: 'Step Functions Express requests',
      quantity: executions,
      unit: 'executions',
      usd: executions * prices.stepFunctions.expressRequestUsd,
    },
    {
      item: 'Step Functions Express duration',
      quantity: expressGbS,
      unit: 'GB-s',
      usd: expressGbS * prices.stepFunctions.expressGbSecondUsd,
    },
  ];
  return {
    common,
    standardWorkflow,
    expressWorkflow,
    totalWithStandardUsd: sum(common) + standardWorkflow.usd,
    totalWithExpressUsd: sum(common) + sum(expressWorkflow),
  };
};

/**
 * DynamoDB request units of one call, approximated from item sizes: writes 1 WRU per started KB of
 * each written item; reads 1 RRU per started 4 KB (half for eventually consistent reads) of each item,
 * or of the items together for a Query (`aggregate`); both doubled inside transactions.
 */
export const requestUnits = (
  kind: 'read' | 'write',
  itemBytes: readonly number[],
  options: {
    readonly transactional?: boolean;
    readonly consistent?: boolean;
    readonly aggregate?: boolean;
  } = {},
): number => {
  const factor = options.transactional ? 2 : 1;
  if (kind === 'write') {
    return factor * itemBytes.reduce((total, bytes) => total + Math.max(1, Math.ceil(bytes / 1024)), 0);
  }
  const perUnit = options.transactional || options.consistent ? 1 : 0.5;
  const sizes = options.aggregate ? [itemBytes.reduce((t, b) => t + b, 0)] : itemBytes;
  return factor * perUnit * sizes.reduce((total, bytes) => total + Math.max(1, Math.ceil(bytes / 4096)), 0);
};
