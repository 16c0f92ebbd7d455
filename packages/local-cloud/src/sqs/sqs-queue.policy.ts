import { invalidParameter, missingParameter, SqsApiError } from './sqs.errors.ts';

/** What AddPermission grants: `actions` of the queue to the root principal of each account, under `label`. */
export interface PermissionGrant {
  readonly label: string;
  readonly accountIds: readonly string[];
  readonly actions: readonly string[];
}

interface PolicyStatement {
  readonly Sid?: unknown;
  readonly [key: string]: unknown;
}

interface PolicyDocument {
  readonly Version?: unknown;
  readonly Id?: unknown;
  readonly Statement?: unknown;
  readonly [key: string]: unknown;
}

const LABEL = /^[A-Za-z0-9_-]{1,80}$/;
const MAX_ACTIONS = 7;

/** The actions another account can be allowed on a queue (the batch actions come with their single forms). */
const GRANTABLE_ACTIONS: ReadonlySet<string> = new Set([
  '*',
  'ChangeMessageVisibility',
  'DeleteMessage',
  'GetQueueAttributes',
  'GetQueueUrl',
  'ListDeadLetterSourceQueues',
  'PurgeQueue',
  'ReceiveMessage',
  'SendMessage',
]);

const OWNER_ONLY_ACTIONS: ReadonlySet<string> = new Set([
  'AddPermission',
  'CancelMessageMoveTask',
  'CreateQueue',
  'DeleteQueue',
  'ListMessageMoveTasks',
  'ListQueueTags',
  'ListQueues',
  'RemovePermission',
  'SetQueueAttributes',
  'StartMessageMoveTask',
  'TagQueue',
  'UntagQueue',
]);

const parsePolicy = (
  policyJson: string | undefined,
  queueArn: string,
): PolicyDocument & { Statement: PolicyStatement[] } => {
  const parsed: PolicyDocument = policyJson ? (JSON.parse(policyJson) as PolicyDocument) : {};
  const statements = Array.isArray(parsed.Statement)
    ? (parsed.Statement as PolicyStatement[])
    : parsed.Statement && typeof parsed.Statement === 'object'
      ? [parsed.Statement as PolicyStatement]
      : [];
  // The document AWS starts when the first permission is added to a queue without a policy.
  return { Version: '2008-10-17', Id: `${queueArn}/SQSDefaultPolicy`, ...parsed, Statement: statements };
};

const oneOrMany = (values: readonly string[]): string | string[] =>
  values.length === 1 ? (values[0] ?? '') : [...values];

const assertLabel = (label: string): void => {
  if (!LABEL.test(label)) {
    throw invalidParameter(
      'Label',
      label,
      'Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.',
    );
  }
};

/**
 * The queue's `Policy` after AddPermission, shaped as AWS writes it (recorded responses of AWS): one
 * statement per label, `Principal.AWS` and `Action` a string for one value and a list for several.
 */
export const policyWithPermission = (
  policyJson: string | undefined,
  queueArn: string,
  grant: PermissionGrant,
): string => {
  assertLabel(grant.label);
  if (grant.actions.length === 0) throw missingParameter('Actions');
  if (grant.accountIds.length === 0) {
    throw new SqsApiError(
      'InvalidParameterValue',
      'Value [] for parameter PrincipalId is invalid. Reason: Unable to verify.',
    );
  }
  if (grant.actions.length > MAX_ACTIONS) {
    throw new SqsApiError(
      'OverLimit',
      `${grant.actions.length} Actions were found, maximum allowed is ${MAX_ACTIONS}.`,
    );
  }
  for (const action of grant.actions) {
    if (GRANTABLE_ACTIONS.has(action)) continue;
    throw invalidParameter(
      'ActionName',
      `SQS:${action}`,
      OWNER_ONLY_ACTIONS.has(action)
        ? 'Only the queue owner is allowed to invoke this action.'
        : 'Please refer to the appropriate WSDL for a list of valid actions.',
    );
  }
  for (const accountId of grant.accountIds) {
    if (!/^\d{12}$/.test(accountId)) {
      throw invalidParameter('AWSAccountIds', accountId, 'Unable to verify.');
    }
  }
  const policy = parsePolicy(policyJson, queueArn);
  if (policy.Statement.some((statement) => statement.Sid === grant.label)) {
    throw invalidParameter('Label', grant.label, 'Already exists.');
  }
  const statement = {
    Sid: grant.label,
    Effect: 'Allow',
    Principal: { AWS: oneOrMany(grant.accountIds.map((id) => `arn:aws:iam::${id}:root`)) },
    Action: oneOrMany(grant.actions.map((action) => `SQS:${action}`)),
    Resource: queueArn,
  };
  return JSON.stringify({ ...policy, Statement: [...policy.Statement, statement] });
};

/** The queue's `Policy` after RemovePermission; undefined once no statement is left (AWS then drops the attribute). */
export const policyWithoutPermission = (
  policyJson: string | undefined,
  queueArn: string,
  label: string,
): string | undefined => {
  if (label === '') throw missingParameter('Label');
  const policy = parsePolicy(policyJson, queueArn);
  const remaining = policy.Statement.filter((statement) => statement.Sid !== label);
  if (remaining.length === policy.Statement.length) {
    throw invalidParameter('Label', label, "can't find label.");
  }
  return remaining.length === 0 ? undefined : JSON.stringify({ ...policy, Statement: remaining });
};
