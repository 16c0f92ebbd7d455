import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  failedConditions,
  isConditionFailure,
  isLostRace,
  isTransactionConflict,
} from '../src/dynamodb/write-conflicts.ts';

const cancelled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
const conditionFailed = new ConditionalCheckFailedException({
  message: 'The conditional request failed',
  $metadata: {},
});

describe('write conflicts', () => {
  it('names the items whose condition failed', () => {
    expect(
      failedConditions(cancelled('None', 'ConditionalCheckFailed', 'None', 'ConditionalCheckFailed')),
    ).toEqual([1, 3]);
    expect(failedConditions(cancelled('None', 'TransactionConflict'))).toBeUndefined();
    expect(failedConditions(new Error('boom'))).toBeUndefined();
  });

  it('tells a failed condition from a conflicting transaction', () => {
    expect(isConditionFailure(conditionFailed)).toBe(true);
    expect(isConditionFailure(cancelled('ConditionalCheckFailed'))).toBe(true);
    expect(isConditionFailure(cancelled('TransactionConflict'))).toBe(false);
    expect(isTransactionConflict(cancelled('None', 'TransactionConflict'))).toBe(true);
  });

  it('counts both as a lost race, and nothing else', () => {
    expect(isLostRace(conditionFailed)).toBe(true);
    expect(isLostRace(cancelled('TransactionConflict'))).toBe(true);
    expect(isLostRace(cancelled('ThrottlingError'))).toBe(false);
    expect(isLostRace(new Error('network'))).toBe(false);
  });
});
