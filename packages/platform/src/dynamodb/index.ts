export {
  type CancellationReason,
  type ConditionalWrite,
  cancellationReasonsOf,
  conditionalPut,
  conditionalTransaction,
  conditionalUpdate,
  putIfAbsent,
} from './conditional-write.ts';
export { createDocumentClient } from './document-client.factory.ts';
export { putVersioned, VERSION_ATTRIBUTE, type VersionedWrite } from './versioned-write.ts';
export {
  CONDITION_FAILED,
  cancellationCodesOf,
  failedConditions,
  isConditionFailure,
  isLostRace,
  isTransactionConflict,
  TRANSACTION_CONFLICT,
} from './write-conflicts.ts';
