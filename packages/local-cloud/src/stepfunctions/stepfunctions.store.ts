import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { isRecord } from './asl-definition.util.ts';
import type { ExecutionOutcome } from './execution-history.recorder.ts';
import type { HistoryEventRecord, StateMachineType } from './stepfunctions.types.ts';

/** One definition of a state machine: the first, or one set by UpdateStateMachine. */
export interface StoredRevision {
  /** Internal and unique across machines; executions point at it. */
  readonly key: string;
  readonly stateMachineArn: string;
  /** AWS's `revisionId`: none for the definition the machine was created with. */
  readonly revisionId?: string;
  readonly definition: string;
  readonly roleArn: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
}

export interface StoredMachine {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly creationDate: number;
  readonly updateDate?: number;
  readonly revisionKey: string;
  readonly loggingConfiguration: Readonly<Record<string, unknown>>;
  readonly tracingConfiguration: Readonly<Record<string, unknown>>;
  readonly encryptionConfiguration: Readonly<Record<string, unknown>>;
  readonly tags: Readonly<Record<string, string>>;
}

export interface StoredMachines {
  readonly machines: readonly StoredMachine[];
  /** Every revision a machine or an execution may still use, those of deleted machines included. */
  readonly revisions: readonly StoredRevision[];
}

export interface StartedRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly revisionKey: string;
  readonly name: string;
  readonly input: string;
  readonly startDate: number;
}

export interface StoredExecution extends StartedRecord {
  readonly events: HistoryEventRecord[];
  outcome: ExecutionOutcome | undefined;
}

type JournalLine =
  | { readonly kind: 'started'; readonly execution: StartedRecord }
  | { readonly kind: 'event'; readonly executionArn: string; readonly event: HistoryEventRecord }
  | { readonly kind: 'outcome'; readonly executionArn: string; readonly outcome: ExecutionOutcome };

const MACHINES_FILE = 'state-machines.json';
const JOURNAL_FILE = 'executions.jsonl';
/** AWS keeps a closed Standard execution's history for 90 days. */
const RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

const writeAtomically = (path: string, text: string): void => {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
};

/**
 * The durable part of the local Step Functions (`--persist`): state machines with their revisions in
 * one JSON file rewritten on every change (rare), and an append-only journal of executions: one line
 * when an execution starts, one per history event as it is recorded, one per outcome. Each line is
 * one `write(2)` on a file opened for appending, so a killed process loses nothing it had recorded; no
 * fsync, so a power cut may. On open the journal is replayed (a torn last line is dropped) and
 * executions closed for more than 90 days are compacted away.
 */
export class StepFunctionsStore {
  readonly machines: StoredMachines;
  readonly executions: readonly StoredExecution[];
  readonly #dir: string;
  #journal: number | undefined;

  private constructor(dir: string, machines: StoredMachines, executions: StoredExecution[], journal: number) {
    this.#dir = dir;
    this.machines = machines;
    this.executions = executions;
    this.#journal = journal;
  }

  static open(dir: string): StepFunctionsStore {
    mkdirSync(dir, { recursive: true });
    const machinesPath = join(dir, MACHINES_FILE);
    const machines: StoredMachines = existsSync(machinesPath)
      ? (JSON.parse(readFileSync(machinesPath, 'utf8')) as StoredMachines)
      : { machines: [], revisions: [] };
    const journalPath = join(dir, JOURNAL_FILE);
    const { executions, clean } = existsSync(journalPath)
      ? replay(readFileSync(journalPath, 'utf8'))
      : { executions: [], clean: true };
    const now = Date.now();
    const kept = executions.filter((e) => !e.outcome || now - e.outcome.at < RETENTION_MS);
    if (!clean || kept.length < executions.length) writeAtomically(journalPath, kept.map(serialise).join(''));
    return new StepFunctionsStore(dir, machines, kept, openSync(journalPath, 'a'));
  }

  saveMachines(machines: StoredMachines): void {
    writeAtomically(join(this.#dir, MACHINES_FILE), `${JSON.stringify(machines)}\n`);
  }

  #append(line: JournalLine): void {
    if (this.#journal === undefined) return;
    writeSync(this.#journal, `${JSON.stringify(line)}\n`);
  }

  started(execution: StartedRecord): void {
    this.#append({ kind: 'started', execution });
  }

  event(executionArn: string, event: HistoryEventRecord): void {
    this.#append({ kind: 'event', executionArn, event });
  }

  outcome(executionArn: string, outcome: ExecutionOutcome): void {
    this.#append({ kind: 'outcome', executionArn, outcome });
  }

  close(): void {
    if (this.#journal === undefined) return;
    closeSync(this.#journal);
    this.#journal = undefined;
  }
}

const isLine = (value: unknown): value is JournalLine =>
  isRecord(value) && (value.kind === 'started' || value.kind === 'event' || value.kind === 'outcome');

const replay = (text: string): { executions: StoredExecution[]; clean: boolean } => {
  const byArn = new Map<string, StoredExecution>();
  let clean = true;
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      // The last write of a killed process may be incomplete; nothing after it was written.
      clean = false;
      continue;
    }
    if (!isLine(line)) {
      clean = false;
      continue;
    }
    if (line.kind === 'started') {
      byArn.set(line.execution.executionArn, { ...line.execution, events: [], outcome: undefined });
      continue;
    }
    const execution = byArn.get(line.executionArn);
    if (!execution) continue;
    if (line.kind === 'outcome') {
      execution.outcome = line.outcome;
    } else {
      execution.events.push(line.event);
      // A redrive reopens the execution; the next outcome line closes it again.
      if (line.event.type === 'ExecutionRedriven') execution.outcome = undefined;
    }
  }
  return { executions: [...byArn.values()], clean };
};

const serialise = (execution: StoredExecution): string => {
  const { events, outcome, ...started } = execution;
  const lines: JournalLine[] = [
    { kind: 'started', execution: started },
    ...events.map((event): JournalLine => ({ kind: 'event', executionArn: execution.executionArn, event })),
    ...(outcome ? [{ kind: 'outcome', executionArn: execution.executionArn, outcome } as const] : []),
  ];
  return lines.map((line) => `${JSON.stringify(line)}\n`).join('');
};
