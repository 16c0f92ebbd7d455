export {
  type ConditionalWrite,
  conditionalPut,
  conditionalTransaction,
  conditionalUpdate,
  putIfAbsent,
} from './conditional-write.ts';
export { createDocumentClient } from './document-client.factory.ts';
export { putVersioned, VERSION_ATTRIBUTE, type VersionedWrite } from './versioned-write.ts';
export {
  type CancellationReason,
  CONDITION_FAILED,
  cancellationCodesOf,
  cancellationReasonsOf,
  failedConditions,
  isConditionFailure,
  isLostRace,
  isTransactionConflict,
  TRANSACTION_CONFLICT,
} from './write-conflicts.ts';
