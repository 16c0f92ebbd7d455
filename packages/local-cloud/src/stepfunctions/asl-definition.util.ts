/** Helpers over raw ASL documents (parsed JSON), independent of the execution engine. */

export type JsonRecord = Record<string, unknown>;

export const isRecord = (value: unknown): value is JsonRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/**
 * Replaces CDK-style `${Key}` placeholders in every string of an ASL document (as CDK's
 * `definitionSubstitutions` do at deploy time). Working on parsed strings, not on the raw text, keeps
 * values with quotes or backslashes from breaking the JSON. Returns the names no substitution provides.
 */
export const substitutePlaceholders = (
  document: unknown,
  substitutions: Readonly<Record<string, string>>,
): { readonly document: unknown; readonly unknown: readonly string[] } => {
  const missing = new Set<string>();
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return value.replace(PLACEHOLDER, (whole, key: string) => {
        const replacement = substitutions[key];
        if (replacement === undefined) {
          missing.add(key);
          return whole;
        }
        return replacement;
      });
    }
    if (Array.isArray(value)) return value.map(visit);
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, visit(v)]));
    return value;
  };
  const result = visit(document);
  return { document: result, unknown: [...missing] };
};

export interface StateEntry {
  readonly name: string;
  readonly state: JsonRecord;
}

/** The nested state machines of a Parallel (Branches) or Map (ItemProcessor, or the older Iterator) state. */
const childMachines = (state: JsonRecord): readonly unknown[] => {
  if (state.Type === 'Parallel' && Array.isArray(state.Branches)) return state.Branches;
  if (state.Type === 'Map') return [state.ItemProcessor ?? state.Iterator];
  return [];
};

/** Every state of the document, nested Parallel branches and Map processors included, outer first. */
export const collectStates = (machine: unknown): StateEntry[] => {
  const entries: StateEntry[] = [];
  const visit = (node: unknown): void => {
    if (!isRecord(node) || !isRecord(node.States)) return;
    for (const [name, state] of Object.entries(node.States)) {
      if (!isRecord(state)) continue;
      entries.push({ name, state });
      for (const child of childMachines(state)) visit(child);
    }
  };
  visit(machine);
  return entries;
};

export type LambdaTaskStyle = 'function' | 'invoke';

const LAMBDA_FUNCTION_ARN = /^arn:aws[\w-]*:lambda:[\w-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/;
const LAMBDA_INVOKE_ARN = /^arn:aws[\w-]*:states:::lambda:invoke$/;

/** `function`: a function ARN as Resource (payload = input, result = output); `invoke`: the optimized integration. */
export const lambdaTaskStyle = (resource: unknown): LambdaTaskStyle | undefined => {
  if (typeof resource !== 'string') return undefined;
  if (LAMBDA_FUNCTION_ARN.test(resource)) return 'function';
  if (LAMBDA_INVOKE_ARN.test(resource)) return 'invoke';
  return undefined;
};

export type DynamoDbTaskAction = 'getItem' | 'putItem' | 'updateItem' | 'deleteItem';

/** What a Task state's Resource calls, as the local runtime runs it. */
export type TaskIntegration =
  | { readonly service: 'lambda'; readonly style: LambdaTaskStyle; readonly waitForTaskToken: boolean }
  | { readonly service: 'sqs'; readonly action: 'sendMessage'; readonly waitForTaskToken: boolean }
  | { readonly service: 'dynamodb'; readonly action: DynamoDbTaskAction; readonly waitForTaskToken: false };

const OPTIMIZED_INTEGRATION =
  /^arn:aws[\w-]*:states:::(lambda:invoke|sqs:sendMessage|dynamodb:(?:getItem|putItem|updateItem|deleteItem))(\.waitForTaskToken)?$/;

/**
 * The integration behind a Task `Resource`: Lambda function ARNs, and the optimized integrations
 * `lambda:invoke`, `sqs:sendMessage` (both also as `.waitForTaskToken`) and `dynamodb:getItem|putItem|
 * updateItem|deleteItem` (request-response only, as in AWS). `undefined` for anything else.
 */
export const taskIntegrationOf = (resource: unknown): TaskIntegration | undefined => {
  if (typeof resource !== 'string') return undefined;
  if (LAMBDA_FUNCTION_ARN.test(resource))
    return { service: 'lambda', style: 'function', waitForTaskToken: false };
  const match = OPTIMIZED_INTEGRATION.exec(resource);
  if (!match) return undefined;
  const [, api = '', suffix] = match;
  const waitForTaskToken = suffix !== undefined;
  if (api === 'lambda:invoke') return { service: 'lambda', style: 'invoke', waitForTaskToken };
  if (api === 'sqs:sendMessage') return { service: 'sqs', action: 'sendMessage', waitForTaskToken };
  if (waitForTaskToken) return undefined;
  return {
    service: 'dynamodb',
    action: api.slice('dynamodb:'.length) as DynamoDbTaskAction,
    waitForTaskToken,
  };
};

/** The `resource` that history events name: `invoke`, `sendMessage.waitForTaskToken`, `getItem` ... */
export const historyResourceOf = (integration: TaskIntegration): string => {
  const action = integration.service === 'lambda' ? 'invoke' : integration.action;
  return integration.waitForTaskToken ? `${action}.waitForTaskToken` : action;
};

/**
 * What the local engine cannot run faithfully. Rejected at creation, because the engine would accept
 * them and then silently do something else (ignore JSONata and Assign, call real AWS for other resources).
 */
export const unsupportedFeatures = (machine: unknown): string[] => {
  const problems: string[] = [];
  if (isRecord(machine) && machine.QueryLanguage === 'JSONata') {
    problems.push('QueryLanguage JSONata is not executed by the local engine; use JSONPath');
  }
  const seen = new Set<string>();
  for (const { name, state } of collectStates(machine)) {
    if (seen.has(name)) problems.push(`state name "${name}" is used more than once`);
    seen.add(name);
    if (state.QueryLanguage === 'JSONata') {
      problems.push(
        `state "${name}": QueryLanguage JSONata is not executed by the local engine; use JSONPath`,
      );
    }
    if ('Assign' in state)
      problems.push(`state "${name}": Assign (variables) is not executed by the local engine`);
    if ('HeartbeatSecondsPath' in state)
      problems.push(`state "${name}": HeartbeatSecondsPath is not read locally; use HeartbeatSeconds`);
    if (state.Type === 'Task' && taskIntegrationOf(state.Resource) === undefined) {
      problems.push(
        `state "${name}": Resource ${JSON.stringify(state.Resource)} is not supported locally ` +
          '(only Lambda function ARNs, arn:aws:states:::lambda:invoke and sqs:sendMessage, both also ' +
          '.waitForTaskToken, and dynamodb:getItem|putItem|updateItem|deleteItem)',
      );
    }
  }
  return problems;
};

const scaleSeconds = (value: unknown, scale: number): unknown =>
  typeof value === 'number' ? value * scale : value;

/**
 * A copy of the document with `Wait.Seconds` and Retry `IntervalSeconds`/`MaxDelaySeconds` multiplied by
 * `scale`. Scaling the definition (rather than the engine's fixed per-state overrides) keeps the backoff rate.
 */
export const scaleWaitTimes = (machine: unknown, scale: number): unknown => {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isRecord(node)) return node;
    const copy: JsonRecord = {};
    for (const [key, value] of Object.entries(node)) copy[key] = visit(value);
    if (copy.Type === 'Wait' && 'Seconds' in copy) copy.Seconds = scaleSeconds(copy.Seconds, scale);
    if (Array.isArray(copy.Retry)) {
      copy.Retry = copy.Retry.map((retrier: unknown) =>
        isRecord(retrier)
          ? {
              ...retrier,
              // The engine's default interval is 1 s; make it explicit so that it is scaled too.
              IntervalSeconds: ((retrier.IntervalSeconds as number | undefined) ?? 1) * scale,
              ...('MaxDelaySeconds' in retrier
                ? { MaxDelaySeconds: scaleSeconds(retrier.MaxDelaySeconds, scale) }
                : {}),
            }
          : retrier,
      );
    }
    return copy;
  };
  return visit(machine);
};

const PATH_SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\[(\d+)\]|\['([^']*)'\]|\["([^"]*)"\])/;

/**
 * Evaluates a plain reference path (`$`, `$.a.b`, `$.a[0]`, `$['a b']`); `undefined` for anything else.
 * Enough to report a Map state's item count in its `MapStateStarted` event.
 */
export const evaluateSimplePath = (value: unknown, path: string): unknown => {
  if (!path.startsWith('$') || path.startsWith('$$')) return undefined;
  let rest = path.slice(1);
  let current = value;
  while (rest.length > 0) {
    const match = PATH_SEGMENT.exec(rest);
    if (!match) return undefined;
    const key = match[1] ?? match[3] ?? match[4];
    if (key !== undefined) {
      if (!isRecord(current)) return undefined;
      current = current[key];
    } else {
      if (!Array.isArray(current)) return undefined;
      current = current[Number(match[2])];
    }
    rest = rest.slice(match[0].length);
  }
  return current;
};

/** The longest delay `setTimeout` honours (larger ones fire at once); about 24.8 days. */
const MAX_TIMER_SECONDS = 2_147_483;

/**
 * A copy of the document in which Task states without `TimeoutSeconds`/`TimeoutSecondsPath` get the
 * longest timer the engine can set. The engine otherwise fails such tasks after 60 s, while AWS lets a
 * Lambda task run as long as the function's own timeout allows.
 */
export const withoutEngineTaskTimeout = (machine: unknown): unknown => {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isRecord(node)) return node;
    const copy: JsonRecord = {};
    for (const [key, value] of Object.entries(node)) copy[key] = visit(value);
    if (copy.Type === 'Task' && !('TimeoutSeconds' in copy) && !('TimeoutSecondsPath' in copy)) {
      copy.TimeoutSeconds = MAX_TIMER_SECONDS;
    }
    return copy;
  };
  return visit(machine);
};

/**
 * A copy of the document in which every `ErrorEquals` of a Task state with `HeartbeatSeconds` that
 * names `States.Timeout` also names `States.HeartbeatTimeout`. AWS matches a heartbeat timeout with
 * either name; the engine matches one name, and the local heartbeat raises `States.HeartbeatTimeout`.
 */
export const withHeartbeatTimeoutMatching = (machine: unknown): unknown => {
  const visit = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(visit);
    if (!isRecord(node)) return node;
    const copy: JsonRecord = {};
    for (const [key, value] of Object.entries(node)) copy[key] = visit(value);
    if (copy.Type !== 'Task' || copy.HeartbeatSeconds === undefined) return copy;
    for (const field of ['Retry', 'Catch'] as const) {
      const rules = copy[field];
      if (!Array.isArray(rules)) continue;
      copy[field] = rules.map((rule: unknown) =>
        isRecord(rule) &&
        Array.isArray(rule.ErrorEquals) &&
        rule.ErrorEquals.includes('States.Timeout') &&
        !rule.ErrorEquals.includes('States.HeartbeatTimeout')
          ? { ...rule, ErrorEquals: [...rule.ErrorEquals, 'States.HeartbeatTimeout'] }
          : rule,
      );
    }
    return copy;
  };
  return visit(machine);
};

/** The name of the Pass state a resumed run starts with; the history recorder leaves it out. */
export const RESUME_STATE = '\u0000Resume';

/**
 * A copy of the (top-level) document that starts at `stateName` with `input`: a Pass state handing the
 * input over is put first, so the engine's `$$.Execution.Input` stays the execution's input.
 */
export const resumedAt = (machine: JsonRecord, stateName: string, input: unknown): JsonRecord => {
  const states = isRecord(machine.States) ? machine.States : {};
  return {
    ...machine,
    StartAt: RESUME_STATE,
    States: {
      ...states,
      // Wrapped because the engine's Pass state ignores a falsy Result.
      [RESUME_STATE]: { Type: 'Pass', Result: { input }, OutputPath: '$.input', Next: stateName },
    },
  };
};

/** The names of the document's top-level states (not those of Parallel branches or Map processors). */
export const topLevelStateNames = (machine: unknown): ReadonlySet<string> =>
  new Set(isRecord(machine) && isRecord(machine.States) ? Object.keys(machine.States) : []);
