import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** CPU milliseconds used so far by the benchmark's own Node process and by another process. */
export interface CpuReading {
  /** This process (main thread, Lambda worker threads, libuv and GC threads) and its child processes. */
  readonly nodeMs: number;
  /** Of which the calling thread's own (the main thread, when called from it). */
  readonly threadMs: number;
  /** The other process (DynamoDB Local's JVM); undefined when it cannot be read. */
  readonly otherMs: number | undefined;
}

let clockTicks: number | undefined;

/** `sysconf(_SC_CLK_TCK)`: the unit of /proc's utime and stime. */
const ticksPerSecond = (): number => {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
};

/** The fields of /proc/<pid>/stat after the command name (which may itself hold spaces or parentheses). */
const statFields = (pid: number | string): string[] | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
};

/** utime + stime of a process (all its threads), in ms; undefined when /proc cannot tell (not Linux, gone). */
export const processCpuMs = (pid: number | string): number | undefined => {
  const fields = statFields(pid);
  // After the name: state (3), ppid (4), ... utime (14), stime (15), counted from 1 in proc(5).
  const utime = Number(fields?.[11]);
  const stime = Number(fields?.[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return undefined;
  return ((utime + stime) * 1000) / ticksPerSecond();
};

/** Child processes of `parent` still running, `except` left out. */
const childrenOf = (parent: number, except: number | undefined): number[] => {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  return entries
    .filter((name) => /^\d+$/.test(name) && Number(name) !== except)
    .filter((name) => Number(statFields(name)?.[1]) === parent)
    .map(Number);
};

/**
 * Reads the CPU time of this process (`process.cpuUsage()`: every thread, so the Lambda workers too)
 * plus its running children, and of `otherPid` (read from /proc/<pid>/stat), separately.
 */
export const readCpu = (otherPid: number | undefined): CpuReading => {
  const own = process.cpuUsage();
  const thread = process.threadCpuUsage();
  const children = childrenOf(process.pid, otherPid).reduce(
    (total, pid) => total + (processCpuMs(pid) ?? 0),
    0,
  );
  return {
    nodeMs: (own.user + own.system) / 1000 + children,
    threadMs: (thread.user + thread.system) / 1000,
    otherMs: otherPid === undefined ? undefined : processCpuMs(otherPid),
  };
};
