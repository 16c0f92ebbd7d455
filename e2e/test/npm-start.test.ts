import { type ChildProcess, execFile, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
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

interface StartedShop {
  readonly child: ChildProcess;
  readonly port: number;
  readonly edgePort: number;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/** `npm start` on free ports, in a process group of its own (as a terminal runs it), once ready. */
const startShop = async (): Promise<StartedShop> => {
  const [port, edgePort] = [await freePort(), await freePort()];
  let output = '';
  const child = spawn('npm', ['start', '--silent'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), EDGE_PORT: String(edgePort) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  await new Promise<void>((resolveReady, reject) => {
    const timer = setInterval(() => {
      if (/ready in \d+ ms/.test(output)) {
        clearInterval(timer);
        resolveReady();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
  return { child, port, edgePort, output: () => output };
};

const kill = (shop: StartedShop | undefined) => {
  const pid = shop?.child.pid;
  if (pid && isProcessAlive(pid)) process.kill(-pid, 'SIGKILL');
};

/** The environment of a second terminal: nothing exported about the running shop. */
const secondTerminal = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const name of ['PORT', 'EDGE_PORT', 'AWS_ENDPOINT_URL']) delete env[name];
  return env;
};

const javaBelow = (rows: readonly ProcessRow[], pid: number) =>
  descendantsOf(rows, pid).filter((row) => row.comm === 'java');

describe('npm start', () => {
  let shop: StartedShop;
  let child: ChildProcess;
  let output = '';
  let port: number;
  let edgePort: number;
  let readyAfterMs = 0;

  beforeAll(async () => {
    const started = Date.now();
    shop = await startShop();
    readyAfterMs = Date.now() - started;
    ({ child, port, edgePort } = shop);
    output = shop.output();
  }, 90_000);

  afterAll(() => kill(shop));

  it('prints the URLs, a curl example with a token and the start-up time', () => {
    expect(output).toContain(`http://localhost:${port}`);
    expect(output).toContain(`http://localhost:${edgePort}`);
    expect(output).toMatch(/Authorization: Bearer ey/);
    expect(output).toMatch(/services\s+.*\bpromotions\b/);
    expect(readyAfterMs).toBeGreaterThan(0);
  });

  it('shows its start-up phases as they happen, and the banner and ready line last', () => {
    for (const phase of [
      'dynamodb, bundles, keys, state machines',
      'edge, tables',
      'gateway',
      'functions, event sources',
      'seeds',
    ]) {
      expect(output).toMatch(new RegExp(`^  ${phase}\\s+\\d+ ms`, 'm'));
    }
    const banner = output.indexOf('Shop is running locally');
    expect(banner).toBeGreaterThan(output.indexOf('  seeds'));
    // Nothing the functions logged comes between the banner and the ready line.
    expect(output.slice(banner)).not.toMatch(/^\d\d:\d\d:\d\d\.\d{3} /m);
    expect(output.trimEnd()).toMatch(/ready in \d+ ms[^\n]*$/);
  });

  it('prints one compact line per log event once running', async () => {
    expect((await fetch(`http://127.0.0.1:${port}/health?compact-line`)).status).toBe(200);
    await expect
      .poll(() => shop?.output() ?? '', { timeout: 10_000, interval: 100 })
      .toMatch(/^\d\d:\d\d:\d\d\.\d{3} gateway\s+GET \/health 200 \d+ ms$/m);
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
    for (const service of ['catalog', 'cart', 'order', 'payment', 'promotions']) {
      expect(TableNames).toEqual(expect.arrayContaining([expect.stringContaining(service)]));
    }
  });

  it("keeps Node's compile cache of its own modules in .shop/node-compile-cache", () => {
    const cache = join(root, '.shop', 'node-compile-cache');
    // One folder per Node version (and V8 flags), with an entry per module compiled.
    const folders = readdirSync(cache).filter((name) => name.startsWith(`v${process.versions.node}-`));
    expect(folders.length).toBeGreaterThan(0);
    expect(folders.some((folder) => readdirSync(join(cache, folder)).length > 10)).toBe(true);
  });

  it('records its ports in .shop/state.json for a second terminal', () => {
    const state = JSON.parse(readFileSync(join(root, '.shop', 'state.json'), 'utf8'));
    expect(state).toMatchObject({
      port,
      edgePort,
      apiUrl: `http://localhost:${port}`,
      edgeUrl: `http://localhost:${edgePort}`,
      persist: false,
    });
    expect(isProcessAlive(state.pid)).toBe(true);
    expect(Number.isNaN(Date.parse(state.startedAt))).toBe(false);
  });

  it('is found by `npm run local` in a second terminal with nothing exported', async () => {
    const { stdout } = await promisify(execFile)('npm', ['run', '--silent', 'local', '--', 'queues'], {
      cwd: root,
      env: secondTerminal(),
    });
    expect(stdout).toMatch(/^queue\s+visible/m);
    expect(stdout).toMatch(/cart-order-confirmed/);
  });

  it('is found by `npm run aws` in a second terminal, with test credentials and a region', async () => {
    const bin = mkdtempSync(join(tmpdir(), 'shop-fake-aws-'));
    try {
      // A stand-in for the aws CLI that prints what it was run with.
      writeFileSync(
        join(bin, 'aws'),
        '#!/bin/sh\necho "args: $*"\necho "env: $AWS_ENDPOINT_URL $AWS_DEFAULT_REGION $AWS_ACCESS_KEY_ID"\n',
      );
      chmodSync(join(bin, 'aws'), 0o755);
      const env = secondTerminal();
      const { stdout } = await promisify(execFile)(
        'npm',
        ['run', '--silent', 'aws', '--', 'dynamodb', 'list-tables'],
        { cwd: root, env: { ...env, PATH: `${bin}:${env.PATH ?? ''}` } },
      );
      expect(stdout).toContain(`args: --endpoint-url http://localhost:${edgePort} dynamodb list-tables`);
      expect(stdout).toContain(`env: http://localhost:${edgePort} us-east-1 local`);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });

  it('stops every child process, Java included, on SIGTERM', async () => {
    const pid = child.pid ?? 0;
    // npm -> sh -> node (the runner) -> java: the runner is the java process's parent. (Node 24 names
    // its main thread, so `ps` shows the runner's comm as "MainThread", not "node".)
    const rows = await processTable();
    const descendants = descendantsOf(rows, pid);
    const java = javaBelow(rows, pid);
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
    expect(existsSync(join(root, '.shop', 'state.json'))).toBe(false);
  });
});

describe('npm start stopped with Ctrl-C', () => {
  let shop: StartedShop | undefined;
  afterAll(() => kill(shop));

  it('stops everything in order: no error line, no stack trace, no Java left, no state file', async () => {
    shop = await startShop();
    const pid = shop.child.pid ?? 0;
    const java = javaBelow(await processTable(), pid).map((row) => row.pid);
    expect(java).toHaveLength(1);
    const exited = new Promise((r) => shop?.child.once('exit', r));
    // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
    process.kill(-pid, 'SIGINT');
    await exited;
    const deadline = Date.now() + 10_000;
    while (java.some(isProcessAlive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(java.filter(isProcessAlive)).toEqual([]);
    const afterStop = shop.output().slice(shop.output().indexOf('stopping Shop...'));
    expect(afterStop).toContain('stopping Shop...');
    const troubles = afterStop
      .split('\n')
      .filter((line) => /error|ECONN|^\s+at /i.test(line) && !/"level":"(INFO|DEBUG)"/.test(line));
    expect(troubles).toEqual([]);
    expect(existsSync(join(root, '.shop', 'state.json'))).toBe(false);
  }, 90_000);
});
