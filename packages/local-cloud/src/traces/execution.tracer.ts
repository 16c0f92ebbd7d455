import type { ActiveSpan, SpanRecorder } from './span.recorder.ts';
import { idsInText } from './span.recorder.ts';
import type { TraceParent } from './trace-header.ts';
import { parseTraceHeader } from './trace-header.ts';

/** The engine's events this tracer reads (a subset of aws-local-stepfunctions' event log). */
export type TracedEngineEvent = {
  readonly type: string;
  readonly timestamp: number;
  readonly state?: { readonly name: string; readonly type: string };
  readonly index?: number;
  readonly Error?: string;
};

const stateKey = (name: string, index: number | undefined) =>
  index === undefined ? name : `${name}#${index}`;

/**
 * The spans of one execution attempt: the execution under the StartExecution call that started it,
 * a span per state entered under it (retries counted, the error of a failed or caught attempt kept),
 * and the header a Task's invocation runs under.
 */
export class ExecutionTracer {
  readonly #spans: SpanRecorder;
  readonly #execution: ActiveSpan;
  readonly #open = new Map<string, ActiveSpan>();
  /** The latest span of each state name: the parent of the Task's calls (retries included). */
  readonly #latest = new Map<string, ActiveSpan>();

  constructor(
    spans: SpanRecorder,
    execution: {
      readonly name: string;
      readonly machine: string;
      readonly input: string;
      readonly traceHeader?: string | undefined;
    },
  ) {
    this.#spans = spans;
    const parent: TraceParent | undefined = parseTraceHeader(execution.traceHeader);
    this.#execution = spans.start({
      name: `${execution.machine} ${execution.name}`,
      kind: 'execution',
      parent,
      service: execution.machine.split('-')[0],
      ...idsInText(execution.input),
      attributes: { stateMachine: execution.machine, execution: execution.name },
    });
  }

  /** The X-Ray header a Task state's service call runs under. */
  headerFor(stateName: string): string {
    return (this.#latest.get(stateName) ?? this.#execution).header;
  }

  onEvent(event: TracedEngineEvent): void {
    const state = event.state;
    if (!state) return;
    const key = stateKey(state.name, event.index);
    switch (event.type) {
      case 'StateEntered': {
        this.#open.get(key)?.end({ endMs: event.timestamp });
        const span = this.#spans.start({
          name: state.name,
          kind: 'state',
          parent: this.#execution.context,
          startMs: event.timestamp,
          attributes: { stateType: state.type, retries: 0 },
        });
        this.#open.set(key, span);
        this.#latest.set(state.name, span);
        return;
      }
      case 'StateFailed': {
        this.#open.get(key)?.set({ lastError: event.Error ?? 'States.TaskFailed' });
        return;
      }
      case 'StateRetried': {
        const span = this.#open.get(key);
        if (span) span.set({ retries: Number(span.record.attributes.retries ?? 0) + 1 });
        return;
      }
      case 'StateCaught': {
        const span = this.#open.get(key);
        if (!span) return;
        span.set({ caught: true });
        span.end({
          endMs: event.timestamp,
          status: 'error',
          error: String(span.record.attributes.lastError ?? 'States.TaskFailed'),
        });
        this.#open.delete(key);
        return;
      }
      case 'StateExited': {
        this.#open.get(key)?.end({ endMs: event.timestamp });
        this.#open.delete(key);
        return;
      }
    }
  }

  /** Ends the execution (and any state an uncaught failure left open) with its outcome. */
  finish(status: string | undefined, error?: string): void {
    const failed = status !== 'SUCCEEDED';
    for (const span of this.#open.values()) {
      span.end({
        status: 'error',
        error: String(span.record.attributes.lastError ?? error ?? status ?? 'Aborted'),
      });
    }
    this.#open.clear();
    this.#execution.set({ executionStatus: status ?? 'UNKNOWN' });
    this.#execution.end(failed ? { status: 'error', error: error ?? status ?? 'Failed' } : {});
  }
}
