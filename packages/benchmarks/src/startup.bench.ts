import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '@shop/local-cloud';
import type { BenchContext } from './bench.context.ts';
import { sleep } from './bench.util.ts';
import { fixed, type ResultRow, rangeOf, type SectionResult } from './report.ts';
import { summarize } from './stats.ts';

const STARTUP_BUDGET_MS = 5000;
const GIVE_UP_MS = 60_000;

const groupAlive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM to the whole process group (npm, node, and what they started), SIGKILL if it lingers. */
const stopGroup = async (child: ChildProcess): Promise<void> => {
  const pid = child.pid;
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = performance.now() + 15_000;
  while (groupAlive(pid) && performance.now() < deadline) await sleep(50);
  if (groupAlive(pid)) process.kill(-pid, 'SIGKILL');
};

/** One `npm start` on free ports: milliseconds from spawn until /health answers 200 and until the ready line. */
export const timeStart = async (root: string): Promise<{ healthyMs: number; readyMs?: number }> => {
  const [port, edgePort] = [await freePort(), await freePort()];
  const started = performance.now();
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), EDGE_PORT: String(edgePort) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let readyMs: number | undefined;
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
    if (readyMs === undefined && /ready in \d+ ms/.test(output)) readyMs = performance.now() - started;
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  });
  try {
    while (performance.now() - started < GIVE_UP_MS) {
      if (child.exitCode !== null)
        throw new Error(`npm start exited with ${child.exitCode}: ${output.trim().slice(-500)}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/health`);
        if (response.status === 200) {
          const healthyMs = performance.now() - started;
          // The gateway answers before the seed has run; the ready line comes after it.
          const waitForLine = performance.now() + 30_000;
          while (readyMs === undefined && performance.now() < waitForLine) await sleep(10);
          return { healthyMs, ...(readyMs !== undefined ? { readyMs } : {}) };
        }
      } catch {
        // not listening yet
      }
      await sleep(20);
    }
    throw new Error(`npm start was not healthy within ${GIVE_UP_MS} ms: ${output.trim().slice(-500)}`);
  } finally {
    await stopGroup(child);
  }
};

/** Section 5: `npm start` to a healthy gateway, a few times. */
export const runStartupSection = async (ctx: BenchContext): Promise<SectionResult> => {
  const runs = ctx.quick ? 2 : 4;
  const healthy: number[] = [];
  const ready: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    ctx.progress(`startup: npm start ${i + 1}/${runs}`);
    const result = await timeStart(ctx.root);
    healthy.push(result.healthyMs);
    if (result.readyMs !== undefined) ready.push(result.readyMs);
  }
  const rows: ResultRow[] = [];
  const findings: string[] = [];
  const seconds = (label: string, samples: readonly number[], notes: string) => {
    const summary = summarize(samples);
    const over = summary.median >= STARTUP_BUDGET_MS;
    rows.push({
      section: '5',
      figure: label,
      median: `${fixed(summary.median / 1000, 2)} s`,
      spread: rangeOf({ ...summary, min: summary.min / 1000, max: summary.max / 1000 }, 2),
      budget: `< ${STARTUP_BUDGET_MS / 1000} s`,
      verdict: over ? 'OVER' : 'ok',
      notes,
    });
    if (over)
      findings.push(`${label}: ${fixed(summary.median / 1000, 2)} s (budget ${STARTUP_BUDGET_MS / 1000} s).`);
  };
  seconds('npm start to /health 200', healthy, `${runs} runs; the gateway listens before the seed runs`);
  if (ready.length > 0)
    seconds('npm start to its ready line', ready, 'after tables, queues, state machines and the seed');
  return {
    rows,
    findings,
    explanation: `**5. Start-up.** The real \`npm start\` is spawned in its own process group with \`PORT\` and \`EDGE_PORT\` set to free ports; the clock runs from spawn until \`GET /health\` answers 200 (polled every 20 ms), then the whole group is stopped with SIGTERM. ${runs} runs, one after another, with no stack of the benchmark running; the spread is min–max. It includes npm itself, Node, esbuild bundling every function, DynamoDB Local's JVM start and table creation. The gateway answers \`/health\` as soon as it listens, before the seed; the second figure runs until the ready line that \`npm start\` prints once everything, the seed included, is done.`,
  };
};
