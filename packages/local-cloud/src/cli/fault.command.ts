import { parseArgs } from 'node:util';
import type { Fault, FaultSpecInput } from '../faults/fault.types.ts';
import { LOCAL_API_PREFIX, localTableName } from '../stack/local-defaults.ts';
import { edgeEndpointOf } from './edge-endpoint.ts';

export const FAULT_USAGE = `usage:
  npm run local -- fault add --function <name> (--error <ErrorType> | --latency <ms> | --timeout) [--rate 0..1]
  npm run local -- fault add --throttle-table <service or table> [--rate 0..1]
  npm run local -- fault add (--duplicate-queue | --redeliver-queue) <queue> [--rate 0..1]
  npm run local -- fault kill --function <name>     terminate its execution environments now
  npm run local -- fault list                       the active faults and how often each struck
  npm run local -- fault clear [<fault id>]         remove one fault, or all`;

export class FaultUsageError extends Error {
  override readonly name = 'FaultUsageError';
}

const numberOption = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new FaultUsageError(`--${name} must be a number, got "${value}"`);
  return parsed;
};

/** The fault `fault add` asks for, from its flags (the API checks the values). */
export const faultSpecOf = (args: readonly string[]): FaultSpecInput => {
  const { values } = parseArgs({
    args: [...args],
    options: {
      function: { type: 'string' },
      error: { type: 'string' },
      message: { type: 'string' },
      latency: { type: 'string' },
      timeout: { type: 'boolean' },
      rate: { type: 'string' },
      'throttle-table': { type: 'string' },
      'duplicate-queue': { type: 'string' },
      'redeliver-queue': { type: 'string' },
    },
    strict: true,
  });
  const rate = numberOption('rate', values.rate);
  const withRate = <T extends object>(spec: T) => (rate === undefined ? spec : { ...spec, rate });
  const table = values['throttle-table'];
  if (table) {
    return withRate({
      kind: 'table-throttle' as const,
      table: table.startsWith('shop-') ? table : localTableName(table),
    });
  }
  const duplicate = values['duplicate-queue'];
  if (duplicate) return withRate({ kind: 'queue-duplicate' as const, queue: duplicate });
  const redeliver = values['redeliver-queue'];
  if (redeliver) return withRate({ kind: 'queue-redeliver' as const, queue: redeliver });
  const fn = values.function;
  if (!fn)
    throw new FaultUsageError(
      'say what to break: --function, --throttle-table, --duplicate-queue or --redeliver-queue',
    );
  const chosen = [values.error !== undefined, values.latency !== undefined, values.timeout === true].filter(
    Boolean,
  );
  if (chosen.length !== 1) throw new FaultUsageError('give exactly one of --error, --latency, --timeout');
  if (values.error !== undefined) {
    return withRate({
      kind: 'function-error' as const,
      function: fn,
      errorType: values.error,
      ...(values.message ? { errorMessage: values.message } : {}),
    });
  }
  const latencyMs = numberOption('latency', values.latency);
  if (latencyMs !== undefined)
    return withRate({ kind: 'function-latency' as const, function: fn, latencyMs });
  return withRate({ kind: 'function-timeout' as const, function: fn });
};

const describeFault = (fault: Fault): string => {
  switch (fault.kind) {
    case 'function-error':
      return `${fault.function}: fails with ${fault.errorType}`;
    case 'function-latency':
      return `${fault.function}: ${fault.latencyMs} ms slower`;
    case 'function-timeout':
      return `${fault.function}: times out (the handler runs, its answer is lost)`;
    case 'table-throttle':
      return `${fault.table}: ProvisionedThroughputExceededException`;
    case 'queue-duplicate':
      return `${fault.queue}: delivers messages twice`;
    case 'queue-redeliver':
      return `${fault.queue}: redelivers handled messages once`;
  }
};

const call = async (edgeUrl: string, method: string, path: string, body?: unknown): Promise<unknown> => {
  const url = `${edgeUrl}${LOCAL_API_PREFIX}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
  } catch {
    throw new Error(`no running shop answers at ${edgeUrl} (start it with npm start, or set EDGE_PORT)`);
  }
  const text = await response.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!response.ok) {
    const detail = (parsed as { detail?: unknown } | undefined)?.detail;
    throw new Error(typeof detail === 'string' ? detail : `${method} ${path}: HTTP ${response.status}`);
  }
  return parsed;
};

/** `npm run local -- fault <add|list|clear|kill> ...` against the running shop's edge. */
export const runFault = async (args: readonly string[], root: string): Promise<void> => {
  const [action, ...rest] = args;
  const edge = edgeEndpointOf(root).url;
  switch (action) {
    case 'add': {
      const { fault } = (await call(edge, 'POST', '/faults', faultSpecOf(rest))) as { fault: Fault };
      console.log(`${fault.id}  ${describeFault(fault)}  (rate ${fault.rate})`);
      return;
    }
    case 'list': {
      const { items } = (await call(edge, 'GET', '/faults')) as { items: Fault[] };
      if (items.length === 0) {
        console.log('no faults');
        return;
      }
      for (const fault of items) {
        console.log(
          `${fault.id}  ${describeFault(fault)}  rate ${fault.rate}, struck ${fault.hits} of ${fault.checks}`,
        );
      }
      return;
    }
    case 'clear': {
      const [id] = rest;
      if (id) {
        await call(edge, 'DELETE', `/faults/${encodeURIComponent(id)}`);
        console.log(`removed ${id}`);
      } else {
        const { cleared } = (await call(edge, 'DELETE', '/faults')) as { cleared: number };
        console.log(`removed ${cleared} fault${cleared === 1 ? '' : 's'}`);
      }
      return;
    }
    case 'kill': {
      const { values } = parseArgs({
        args: [...rest],
        options: { function: { type: 'string' } },
        strict: true,
      });
      if (!values.function) throw new FaultUsageError('fault kill needs --function <name>');
      const { killed } = (await call(
        edge,
        'POST',
        `/functions/${encodeURIComponent(values.function)}/kill`,
      )) as {
        killed: number;
      };
      console.log(`${values.function}: ${killed} execution environment${killed === 1 ? '' : 's'} terminated`);
      return;
    }
    default:
      throw new FaultUsageError(FAULT_USAGE);
  }
};
