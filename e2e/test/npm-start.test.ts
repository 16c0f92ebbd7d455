import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort, isProcessAlive } from '@shop/local-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface ProcessRow {
  readonly pid: number;
  readonly ppid: number;
  readonly comm: string;
}

const processTable = async (): Promise<ProcessRow[]> => {
  const { execFileSync } = await import('node:child_process');
  const out = execFileSync('ps', ['-eo', 'pid,ppid,comm'], { encoding: 'utf8' });
  return out
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((cols) => cols.length >= 3)
    .map(([pid, ppid, comm]) => ({ pid: Number(pid), ppid: Number(ppid), comm: comm ?? '' }));
};

/** Every process below `rootPid`: npm runs the script through a shell (`sh -c node ...`), which runs java. */
const descendantsOf = (rows: readonly ProcessRow[], rootPid: number): ProcessRow[] => {
  const found: ProcessRow[] = [];
  let parents = new Set([rootPid]);
  while (parents.size > 0) {
    const children = rows.filter((row) => parents.has(row.ppid));
    found.push(...children);
    parents = new Set(children.map((row) => row.pid));
  }
  return found;
};

describe('npm start', () => {
  let child: ChildProcess;
  let output = '';
  let port: number;
  let edgePort: number;
  let readyAfterMs = 0;

  beforeAll(async () => {
    [port, edgePort] = [await freePort(), await freePort()];
    const started = Date.now();
    child = spawn('npm', ['start', '--silent'], {
      cwd: root,
      env: { ...process.env, PORT: String(port), EDGE_PORT: String(edgePort) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    await new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready after 60 s:\n${output}`)), 60_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/ready in \d+ ms/.test(output)) {
          clearTimeout(timer);
          readyAfterMs = Date.now() - started;
          resolveReady();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`npm start exited with ${code}:\n${output}`));
      });
    });
  }, 90_000);

  afterAll(() => {
    if (child?.pid && isProcessAlive(child.pid)) process.kill(-child.pid, 'SIGKILL');
  });

  it('prints the URLs, a curl example with a token and the start-up time', () => {
    expect(output).toContain(`http://localhost:${port}`);
    expect(output).toContain(`http://localhost:${edgePort}`);
    expect(output).toMatch(/Authorization: Bearer ey/);
    expect(readyAfterMs).toBeGreaterThan(0);
  });

  it('is healthy and serves the API document', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/openapi.json`)).status).toBe(200);
  });

  it('answers DynamoDB on the edge, as `aws --endpoint-url ... dynamodb list-tables` would', async () => {
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${edgePort}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'any', secretAccessKey: 'any' },
    });
    const { TableNames } = await client.send(new ListTablesCommand({}));
    client.destroy();
    // One table per service, created by the stack before it reports ready.
    for (const service of ['catalog', 'cart', 'order', 'payment']) {
      expect(TableNames).toEqual(expect.arrayContaining([expect.stringContaining(service)]));
    }
  });

  it('stops every child process, Java included, on SIGTERM', async () => {
    const pid = child.pid ?? 0;
    // npm -> sh -> node (the runner) -> java: the runner is the java process's parent. (Node 24 names
    // its main thread, so `ps` shows the runner's comm as "MainThread", not "node".)
    const rows = await processTable();
    const descendants = descendantsOf(rows, pid);
    const java = descendants.filter((row) => row.comm === 'java');
    expect(java.length).toBe(1);
    const runner = descendants.find((row) => row.pid === java[0]?.ppid);
    expect(runner).toBeDefined();
    expect(runner?.comm).not.toMatch(/^(sh|dash|bash|npm)$/);
    const runnerPid = runner?.pid ?? pid;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    process.kill(runnerPid, 'SIGTERM');
    await exited;
    const javaPids = java.map((row) => row.pid);
    await expect.poll(() => javaPids.filter(isProcessAlive), { timeout: 10_000, interval: 100 }).toEqual([]);
    expect(javaPids.filter(isProcessAlive)).toEqual([]);
  });
});
