/** What became of a state in one execution, as the Step Functions console colours it. */
export type StateStatus = 'succeeded' | 'failed' | 'caught' | 'running' | 'not-run';

export interface StateVisit {
  readonly name: string;
  readonly status: Exclude<StateStatus, 'not-run'>;
  /** Calls of the task's resource: 1 without retries. */
  readonly attempts: number;
  readonly input?: unknown;
  readonly output?: unknown;
  readonly error?: { readonly error: string; readonly cause?: string };
  readonly enteredAt: string;
  readonly exitedAt?: string;
}

export interface ExecutionView {
  /** Every state entered, in order (a state entered twice appears twice). */
  readonly visits: readonly StateVisit[];
  /** The last visit of each state: what its node shows. */
  readonly states: ReadonlyMap<string, StateVisit>;
  /** `from->to` of each transition taken, catches included. */
  readonly taken: ReadonlySet<string>;
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
}

/** The history event fields the view reads (the SDK's `HistoryEvent`, JSON-decoded). */
export interface HistoryEventLike {
  readonly type?: string;
  readonly timestamp?: string | number | Date;
  readonly stateEnteredEventDetails?: { readonly name?: string; readonly input?: string };
  readonly stateExitedEventDetails?: { readonly name?: string; readonly output?: string };
  readonly [details: string]: unknown;
}

const parse = (text: string | undefined): unknown => {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

const timeOf = (event: HistoryEventLike): string =>
  event.timestamp === undefined ? '' : new Date(event.timestamp).toISOString();

const ATTEMPT = /^(LambdaFunction|Task)Scheduled$/;
const FAILURE = /^(LambdaFunction|Task)(Failed|TimedOut|StartFailed|ScheduleFailed|SubmitFailed)$/;
const END_STATUS: Record<string, ExecutionView['status']> = {
  ExecutionSucceeded: 'SUCCEEDED',
  ExecutionFailed: 'FAILED',
  ExecutionTimedOut: 'TIMED_OUT',
  ExecutionAborted: 'ABORTED',
};

const failureOf = (event: HistoryEventLike): { error: string; cause?: string } | undefined => {
  for (const value of Object.values(event)) {
    if (typeof value === 'object' && value !== null && 'error' in value) {
      const { error, cause } = value as { error?: unknown; cause?: unknown };
      if (typeof error === 'string') return { error, ...(typeof cause === 'string' ? { cause } : {}) };
    }
  }
  return undefined;
};

interface OpenVisit {
  name: string;
  attempts: number;
  input: unknown;
  enteredAt: string;
  error?: { error: string; cause?: string };
  /** The latest attempt failed (and none succeeded since): leaving the state then means a Catch. */
  failing: boolean;
}

const SUCCESS = /^(LambdaFunction|Task)Succeeded$/;

/**
 * Reads an execution's history into what its graph shows: each state succeeded (exited), caught
 * (failed and left through a Catch: the next state was entered without an exit), failed (the
 * execution ended there), or running; how many attempts its task took; its input, output, error.
 */
export const executionViewOf = (events: readonly HistoryEventLike[]): ExecutionView => {
  const visits: StateVisit[] = [];
  const taken = new Set<string>();
  let open: OpenVisit | undefined;
  let previous: string | undefined;
  let status: ExecutionView['status'] = 'RUNNING';

  const close = (visitStatus: StateVisit['status'], exitedAt?: string, output?: unknown) => {
    if (!open) return;
    visits.push({
      name: open.name,
      // An exit after a failed last attempt is a Catch taking over (some histories record one).
      status: visitStatus === 'succeeded' && open.failing ? 'caught' : visitStatus,
      attempts: Math.max(open.attempts, 1),
      input: open.input,
      ...(output === undefined ? {} : { output }),
      ...(open.error ? { error: open.error } : {}),
      enteredAt: open.enteredAt,
      ...(exitedAt ? { exitedAt } : {}),
    });
    previous = open.name;
    open = undefined;
  };

  for (const event of events) {
    const type = event.type ?? '';
    if (type.endsWith('StateEntered')) {
      const name = event.stateEnteredEventDetails?.name ?? '?';
      // Entered without the previous one having exited: that one failed and was caught.
      if (open) close('caught');
      if (previous) taken.add(`${previous}->${name}`);
      open = {
        name,
        attempts: 0,
        input: parse(event.stateEnteredEventDetails?.input),
        enteredAt: timeOf(event),
        failing: false,
      };
      if (type === 'FailStateEntered') {
        close('failed', timeOf(event));
      } else if (type === 'SucceedStateEntered') {
        close('succeeded', timeOf(event));
      }
    } else if (type.endsWith('StateExited') && open) {
      close('succeeded', timeOf(event), parse(event.stateExitedEventDetails?.output));
    } else if (ATTEMPT.test(type) && open) {
      open.attempts += 1;
    } else if (FAILURE.test(type) && open) {
      const failure = failureOf(event);
      if (failure) open.error = failure;
      open.failing = true;
    } else if (SUCCESS.test(type) && open) {
      open.failing = false;
    } else if (type in END_STATUS) {
      status = END_STATUS[type] ?? status;
      if (open) close(status === 'SUCCEEDED' ? 'succeeded' : 'failed', timeOf(event));
    }
  }
  if (open) close('running');
  const states = new Map<string, StateVisit>();
  for (const visit of visits) states.set(visit.name, visit);
  return { visits, states, taken, status };
};
