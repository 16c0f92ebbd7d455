import { useMemo, useState } from 'preact/hooks';

/** A span as `/_local/traces` gives it (see `TraceSpan` in src/traces). */
export interface TimelineSpan {
  readonly id: string;
  readonly parentId: string | null;
  readonly name: string;
  readonly kind: string;
  readonly service: string | null;
  readonly start: string;
  readonly durationMs: number | null;
  readonly status: string;
  readonly error?: string;
  readonly correlationId: string | null;
  readonly attributes: Record<string, string | number | boolean>;
}

interface Row {
  readonly span: TimelineSpan;
  readonly depth: number;
  readonly offsetMs: number;
}

/**
 * Depth-first, children by start time: the order a waterfall reads in. A span whose parent is hidden
 * (an AWS call, when they are not shown) hangs under the nearest ancestor that is shown.
 */
const rowsOf = (
  all: readonly TimelineSpan[],
  shown: (span: TimelineSpan) => boolean,
): { rows: Row[]; totalMs: number } => {
  const spans = all.filter(shown);
  if (spans.length === 0) return { rows: [], totalMs: 0 };
  const byId = new Map(all.map((span) => [span.id, span]));
  const visibleParentOf = (span: TimelineSpan): string | null => {
    let parent = span.parentId === null ? undefined : byId.get(span.parentId);
    for (let hops = 0; parent && !shown(parent) && hops < all.length; hops++) {
      parent = parent.parentId === null ? undefined : byId.get(parent.parentId);
    }
    return parent ? parent.id : null;
  };
  const children = new Map<string | null, TimelineSpan[]>();
  for (const span of spans) {
    const parent = visibleParentOf(span);
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const origin = Math.min(...spans.map((span) => Date.parse(span.start)));
  const end = Math.max(...spans.map((span) => Date.parse(span.start) + (span.durationMs ?? 0)));
  const rows: Row[] = [];
  const walk = (parent: string | null, depth: number) => {
    const list = [...(children.get(parent) ?? [])].sort((a, b) => Date.parse(a.start) - Date.parse(b.start));
    for (const span of list) {
      rows.push({ span, depth, offsetMs: Date.parse(span.start) - origin });
      walk(span.id, depth + 1);
    }
  };
  walk(null, 0);
  return { rows, totalMs: Math.max(1, end - origin) };
};

const flagsOf = (span: TimelineSpan): string[] => {
  const flags: string[] = [];
  if (span.attributes.coldStart === true) flags.push('cold');
  const retries = span.attributes.retries;
  if (typeof retries === 'number' && retries > 0)
    flags.push(`${retries} ${retries === 1 ? 'retry' : 'retries'}`);
  const receiveCount = span.attributes.receiveCount;
  if (typeof receiveCount === 'number' && receiveCount > 1) flags.push(`delivery ${receiveCount}`);
  if (span.attributes.throttled === true) flags.push('throttled');
  if (span.attributes.caught === true) flags.push('caught');
  return flags;
};

const KINDS = ['request', 'invocation', 'execution', 'state', 'api-call', 'queue', 'stream'] as const;

/**
 * The order's trace as a waterfall: one row per span (gateway request, invocations, the saga and its
 * states, AWS calls, queue and stream hops), indented under the span that started it, its bar placed
 * at its start offset. AWS calls are hidden until asked for: they are most of the rows.
 */
export const TraceTimeline = ({ spans }: { spans: readonly TimelineSpan[] }) => {
  const [showCalls, setShowCalls] = useState(false);
  const { rows, totalMs } = useMemo(
    () => rowsOf(spans, (span) => showCalls || span.kind !== 'api-call'),
    [spans, showCalls],
  );
  const services = [...new Set(spans.map((span) => span.service).filter((s) => s !== null))];
  return (
    <div class="trace" data-testid="trace" data-span-count={spans.length}>
      <h2>Trace</h2>
      {spans.length === 0 && <p class="empty">No spans for this order (yet).</p>}
      {spans.length > 0 && (
        <>
          <p class="muted">
            {spans.length} spans over {Math.round(totalMs)} ms across {services.join(', ')}
            {spans[0]?.correlationId ? `; correlation id ${spans[0].correlationId}` : ''}{' '}
            <label>
              <input
                type="checkbox"
                checked={showCalls}
                onChange={(event) => setShowCalls((event.target as HTMLInputElement).checked)}
              />{' '}
              show AWS calls
            </label>
          </p>
          <div class="trace-legend">
            {KINDS.map((kind) => (
              <span key={kind} class={`trace-key kind-${kind}`}>
                {kind}
              </span>
            ))}
          </div>
          <div class="trace-rows">
            {rows.map(({ span, depth, offsetMs }) => {
              const flags = flagsOf(span);
              const left = (offsetMs / totalMs) * 100;
              const width = Math.max(0.3, ((span.durationMs ?? 0) / totalMs) * 100);
              return (
                <div
                  key={span.id}
                  class={`trace-row status-${span.status}`}
                  data-span-kind={span.kind}
                  data-span-name={span.name}
                  data-span-status={span.status}
                  title={`${span.kind} ${span.name}\n+${offsetMs.toFixed(0)} ms, ${span.durationMs ?? '…'} ms${span.error ? `\n${span.error}` : ''}`}
                >
                  <div class="trace-label" style={{ paddingLeft: `${depth * 12}px` }}>
                    <span class={`trace-kind kind-${span.kind}`}>{span.kind}</span> {span.name}
                    {span.service && <span class="muted"> {span.service}</span>}
                    {flags.map((flag) => (
                      <span key={flag} class="trace-flag">
                        {flag}
                      </span>
                    ))}
                    {span.status === 'error' && (
                      <span class="trace-flag trace-error">{span.error ?? 'error'}</span>
                    )}
                  </div>
                  <div class="trace-track">
                    <div
                      class={`trace-bar kind-${span.kind}`}
                      style={{ left: `${left}%`, width: `${width}%` }}
                    />
                    <span class="trace-ms" style={{ left: `${Math.min(left + width, 92)}%` }}>
                      {span.durationMs === null ? '…' : `${span.durationMs.toFixed(1)} ms`}
                    </span>
                  </div>
                </div>
              );
            })}
          </div>
        </>
      )}
    </div>
  );
};
