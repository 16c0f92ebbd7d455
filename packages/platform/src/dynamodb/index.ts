export {
  CONDITION_FAILED,
  cancellationCodesOf,
  failedConditions,
  isConditionFailure,
  isLostRace,
  isTransactionConflict,
  TRANSACTION_CONFLICT,
} from './write-conflicts.ts';
