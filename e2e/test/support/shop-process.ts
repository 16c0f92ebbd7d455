import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { freePort, isProcessAlive } from '@shop/local-cloud';
import { REPO_ROOT } from './shop-stack.ts';

/** `npm start` as a terminal runs it: its own process group, on ports and a data folder of its own. */
export interface ShopProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly edgePort: number;
  readonly apiUrl: string;
  readonly edgeUrl: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

export interface ShopProcessOptions {
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly port?: number;
  readonly edgePort?: number;
  readonly readyTimeoutMs?: number;
}

const MAIN = `${REPO_ROOT}/packages/local-cloud/src/cli/main.ts`;

/** Starts the shop's CLI (`main.ts start`) and resolves once it prints its ready line. */
export const startShopProcess = async (options: ShopProcessOptions = {}): Promise<ShopProcess> => {
  const port = options.port ?? (await freePort());
  const edgePort = options.edgePort ?? (await freePort());
  let output = '';
  const child = spawn(process.execPath, [MAIN, 'start', ...(options.args ?? [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: String(port), EDGE_PORT: String(edgePort), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const onData = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
    const timer = setInterval(() => {
      if (/ready in \d+ ms/.test(output)) {
        clearInterval(timer);
        resolve();
      } else if (Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`the shop was not ready in time:\n${output.slice(-4000)}`));
      }
    }, 50);
    child.once('exit', (code, signal) => {
      clearInterval(timer);
      reject(new Error(`the shop exited (${code ?? signal}) before it was ready:\n${output.slice(-4000)}`));
    });
  });
  if (!child.pid) throw new Error('the shop has no pid');
  return {
    child,
    pid: child.pid,
    port,
    edgePort,
    apiUrl: `http://127.0.0.1:${port}`,
    edgeUrl: `http://127.0.0.1:${edgePort}`,
    output: () => output,
  };
};

/** The pids of DynamoDB Local processes that keep their data under `dataDir`. */
export const dynamoDbLocalPids = (dataDir: string): number[] =>
  execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes('DynamoDBLocal') && line.includes(dataDir))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((pid) => Number.isInteger(pid) && pid > 0);

const waitUntil = async (condition: () => boolean, timeoutMs: number): Promise<boolean> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return true;
};

/** A crash: SIGKILL to the whole process group, nothing runs its shutdown. Resolves once it is gone. */
export const crash = async (shop: ShopProcess): Promise<void> => {
  if (isProcessAlive(shop.pid)) process.kill(-shop.pid, 'SIGKILL');
  await waitUntil(() => !isProcessAlive(shop.pid), 10_000);
};

/** Ctrl-C as a terminal sends it; resolves once the process has exited (SIGKILL after `graceMs`). */
export const stopShopProcess = async (shop: ShopProcess, graceMs = 20_000): Promise<void> => {
  if (shop.child.exitCode !== null || shop.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => shop.child.once('exit', () => resolve()));
  process.kill(-shop.pid, 'SIGINT');
  const timer = setTimeout(() => {
    if (isProcessAlive(shop.pid)) process.kill(-shop.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
};

/** Makes sure no DynamoDB Local of this data folder outlives the test: waits for it, then kills it. */
export const reapDynamoDbLocal = async (dataDir: string, timeoutMs = 15_000): Promise<number[]> => {
  await waitUntil(() => dynamoDbLocalPids(dataDir).length === 0, timeoutMs);
  const left = dynamoDbLocalPids(dataDir);
  for (const pid of left) process.kill(pid, 'SIGKILL');
  return left;
};
