import { describe, expect, it } from 'vitest';
import {
  AWS_PRICES,
  costPer1000Orders,
  estimatedDurationMs,
  expressGbSeconds,
  LAMBDA_DURATION_ASSUMPTIONS,
  lambdaGbSeconds,
  type OrderUsage,
  requestUnits,
} from './cost.model.ts';

const usage: OrderUsage = {
  lambda: [
    { name: 'order-http', invocations: 1, memoryMb: 1769, cpuMs: 9.2, awsCalls: 2 },
    { name: 'catalog-reserve-stock', invocations: 2, memoryMb: 3538, cpuMs: 5, awsCalls: 1 },
  ],
  dynamodbReadUnits: 4,
  dynamodbWriteUnits: 10,
  sqsRequests: 6,
  apiRequests: 2,
  stateTransitions: 8,
  workflowExecutions: 1,
  workflowDurationMs: 120,
};

describe('billing units', () => {
  it('bills Lambda by the started millisecond at the configured memory', () => {
    expect(lambdaGbSeconds(512, 19.2)).toBeCloseTo(0.5 * 0.02, 12);
    expect(lambdaGbSeconds(1024, 1)).toBeCloseTo(0.001, 12);
  });

  it('bills Express by the started 100 ms and 64 MB chunk', () => {
    expect(expressGbSeconds(64, 120)).toBeCloseTo(0.0625 * 0.2, 12);
    expect(expressGbSeconds(65, 100)).toBeCloseTo(0.125 * 0.1, 12);
    expect(expressGbSeconds(64, 0)).toBeCloseTo(0.0625 * 0.1, 12);
  });

  it('counts request units per started KB written and 4 KB read, doubled in transactions', () => {
    expect(requestUnits('write', [100, 1024, 1025])).toBe(4);
    expect(requestUnits('write', [100, 100], { transactional: true })).toBe(4);
    expect(requestUnits('read', [5000])).toBe(1);
    expect(requestUnits('read', [100], { consistent: true })).toBe(1);
    expect(requestUnits('read', [100, 100], { transactional: true })).toBe(4);
    expect(requestUnits('read', [3000, 3000], { aggregate: true })).toBe(1);
  });
});

describe('estimatedDurationMs', () => {
  it('adds the AWS calls round trips to the computation', () => {
    expect(estimatedDurationMs({ memoryMb: 1769, cpuMs: 10, awsCalls: 3 })).toBeCloseTo(10 + 3 * 5, 9);
  });

  it('stretches the computation by the share of a vCPU the memory buys, never below one vCPU', () => {
    expect(estimatedDurationMs({ memoryMb: 442.25, cpuMs: 10, awsCalls: 0 })).toBeCloseTo(40, 9);
    expect(estimatedDurationMs({ memoryMb: 3538, cpuMs: 10, awsCalls: 0 })).toBeCloseTo(10, 9);
  });

  it('takes other assumptions', () => {
    const slowNetwork = { ...LAMBDA_DURATION_ASSUMPTIONS, awsCallMs: 20 };
    expect(estimatedDurationMs({ memoryMb: 1769, cpuMs: 1, awsCalls: 2 }, slowNetwork)).toBeCloseTo(41, 9);
  });
});

describe('costPer1000Orders', () => {
  const cost = costPer1000Orders(usage);
  const line = (item: string) => cost.common.find((l) => l.item === item);

  it('multiplies each counted quantity by its price for 1,000 orders', () => {
    expect(line('Lambda requests')?.quantity).toBe(3000);
    expect(line('Lambda requests')?.usd).toBeCloseTo(3000 * 0.2e-6, 12);
    // order-http: 9.2 + 2 × 5 = 19.2 ms, billed 20 ms at 1769 MB; reserve-stock: 5 + 5 = 10 ms at 3538 MB.
    const gbS = (1769 / 1024) * 0.02 + 2 * (3538 / 1024) * 0.01;
    expect(line('Lambda duration')?.quantity).toBeCloseTo(gbS * 1000, 9);
    expect(line('Lambda duration')?.usd).toBeCloseTo(gbS * 1000 * AWS_PRICES.lambda.gbSecondUsd, 12);
    expect(line('DynamoDB writes')?.usd).toBeCloseTo(10_000 * 0.625e-6, 12);
    expect(line('DynamoDB reads')?.usd).toBeCloseTo(4000 * 0.125e-6, 12);
    expect(line('SQS requests')?.usd).toBeCloseTo(6000 * 0.4e-6, 12);
    expect(line('API Gateway (HTTP API)')?.usd).toBeCloseTo(2000 * 1e-6, 12);
  });

  it('prices the workflow per transition (Standard) or per request and GB-s (Express)', () => {
    expect(cost.standardWorkflow.usd).toBeCloseTo(8000 * (0.025 / 1000), 12);
    const [requests, duration] = cost.expressWorkflow;
    expect(requests?.usd).toBeCloseTo(1000 * 1e-6, 12);
    expect(duration?.quantity).toBeCloseTo(1000 * 0.0625 * 0.2, 9);
    expect(cost.totalWithStandardUsd - cost.totalWithExpressUsd).toBeCloseTo(
      cost.standardWorkflow.usd - (requests?.usd ?? 0) - (duration?.usd ?? 0),
      12,
    );
  });

  it('states the date of its prices', () => {
    expect(AWS_PRICES.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
