import type { Fault, FaultInjector, FaultSpec, FunctionFault, FunctionFaults } from './fault.types.ts';

/** The names a fault may target; anything else is refused when the fault is added. */
export interface FaultTargets {
  functions(): readonly string[];
  tables(): readonly string[];
  queues(): readonly string[];
}

export class UnknownFaultTargetError extends Error {
  override readonly name = 'UnknownFaultTargetError';
  readonly known: readonly string[];

  constructor(what: string, name: string, known: readonly string[]) {
    super(`no ${what} named "${name}"; known: ${known.join(', ') || 'none'}`);
    this.known = known;
  }
}

type MutableFault = FaultSpec & { id: string; createdAt: string; checks: number; hits: number };

const targetOf = (spec: FaultSpec): { what: 'function' | 'table' | 'queue'; name: string } => {
  switch (spec.kind) {
    case 'function-error':
    case 'function-latency':
    case 'function-timeout':
      return { what: 'function', name: spec.function };
    case 'table-throttle':
      return { what: 'table', name: spec.table };
    case 'queue-duplicate':
    case 'queue-redeliver':
      return { what: 'queue', name: spec.queue };
  }
};

/**
 * The active faults of a local stack, and the one place the runtime asks whether one strikes. Each
 * matching call rolls against the fault's rate; the counts show what a fault actually did.
 */
export class FaultRegistry implements FaultInjector {
  readonly #faults = new Map<string, MutableFault>();
  readonly #random: () => number;
  readonly #targets: FaultTargets | undefined;
  #sequence = 0;

  constructor(options: { readonly random?: () => number; readonly targets?: FaultTargets } = {}) {
    this.#random = options.random ?? Math.random;
    this.#targets = options.targets;
  }

  /** Adds a fault (already parsed with `FaultSpec`); refuses a target the stack does not have. */
  add(spec: FaultSpec): Fault {
    const target = targetOf(spec);
    if (this.#targets) {
      const known =
        target.what === 'function'
          ? this.#targets.functions()
          : target.what === 'table'
            ? this.#targets.tables()
            : this.#targets.queues();
      if (!known.includes(target.name)) throw new UnknownFaultTargetError(target.what, target.name, known);
    }
    this.#sequence += 1;
    const fault: MutableFault = {
      ...spec,
      id: `fault-${this.#sequence}`,
      createdAt: new Date().toISOString(),
      checks: 0,
      hits: 0,
    };
    this.#faults.set(fault.id, fault);
    return { ...fault };
  }

  list(): Fault[] {
    return [...this.#faults.values()].map((fault) => ({ ...fault }));
  }

  remove(id: string): boolean {
    return this.#faults.delete(id);
  }

  /** Removes every fault; returns how many there were. */
  clear(): number {
    const count = this.#faults.size;
    this.#faults.clear();
    return count;
  }

  #strikes(fault: MutableFault): boolean {
    fault.checks += 1;
    const hit = fault.rate >= 1 || this.#random() < fault.rate;
    if (hit) fault.hits += 1;
    return hit;
  }

  #matching<K extends FaultSpec['kind']>(kind: K, name: string): (MutableFault & { kind: K })[] {
    const found: (MutableFault & { kind: K })[] = [];
    for (const fault of this.#faults.values()) {
      if (fault.kind === kind && targetOf(fault).name === name)
        found.push(fault as MutableFault & { kind: K });
    }
    return found;
  }

  forFunction(functionName: string): FunctionFaults {
    if (this.#faults.size === 0) return { latencyMs: 0 };
    let latencyMs = 0;
    for (const fault of this.#matching('function-latency', functionName)) {
      if (this.#strikes(fault)) latencyMs += fault.latencyMs;
    }
    let outcome: FunctionFault | undefined;
    for (const fault of this.#matching('function-error', functionName)) {
      if (!outcome && this.#strikes(fault)) {
        outcome = {
          kind: 'error',
          errorType: fault.errorType,
          errorMessage: fault.errorMessage,
          faultId: fault.id,
        };
      }
    }
    for (const fault of this.#matching('function-timeout', functionName)) {
      if (!outcome && this.#strikes(fault)) outcome = { kind: 'timeout', faultId: fault.id };
    }
    return outcome ? { latencyMs, outcome } : { latencyMs };
  }

  #any(kind: 'table-throttle' | 'queue-duplicate' | 'queue-redeliver', name: string): boolean {
    if (this.#faults.size === 0) return false;
    let hit = false;
    for (const fault of this.#matching(kind, name)) if (this.#strikes(fault)) hit = true;
    return hit;
  }

  throttlesTable(tableName: string): boolean {
    return this.#any('table-throttle', tableName);
  }

  duplicatesDelivery(queueName: string): boolean {
    return this.#any('queue-duplicate', queueName);
  }

  redeliversHandled(queueName: string): boolean {
    return this.#any('queue-redeliver', queueName);
  }
}
