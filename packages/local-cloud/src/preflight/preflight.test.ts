import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeShopState } from '../cli/shop-state.file.mjs';
import { isAtLeast, portProblem, requiredNodeVersion } from './preflight.checks.mjs';

const preflight = new URL('./preflight.mjs', import.meta.url).pathname;
const repoRoot = new URL('../../../..', import.meta.url).pathname;

interface Run {
  readonly code: number | null;
  readonly stderr: string;
}

const run = (mode: string, env: NodeJS.ProcessEnv): Promise<Run> =>
  new Promise((resolve) => {
    execFile(process.execPath, [preflight, mode], { env, timeout: 10_000 }, (error, _stdout, stderr) =>
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    );
  });

/** A PATH holding only `node` and the given fake commands (shell scripts). */
const pathWith = (dir: string, fakes: Record<string, string> = {}): string => {
  symlinkSync(process.execPath, join(dir, 'node'));
  for (const [name, script] of Object.entries(fakes)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${script}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
};

const listenOn = (port: number): Promise<Server> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

const portOf = (server: Server): number => {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : 0;
};

describe('preflight', () => {
  const dirs: string[] = [];
  const servers: Server[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'shop-preflight-'));
    dirs.push(dir);
    return dir;
  };
  let held: Server;

  beforeAll(async () => {
    held = await listenOn(0);
    servers.push(held);
  });

  afterAll(async () => {
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('names the Node it needs, the one it found and how to switch, and exits 1', async () => {
    const result = await run('start', { ...process.env, SHOP_PREFLIGHT_NODE_VERSION: '20.11.1' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Shop needs Node ${requiredNodeVersion(repoRoot)} or newer`);
    expect(result.stderr).toContain('this is Node 20.11.1');
    expect(result.stderr).toContain('nvm use');
    expect(result.stderr).toContain('.nvmrc');
    // One message: nothing about Java or ports when Node itself is the problem.
    expect(result.stderr).not.toMatch(/Java|Port/);
  });

  it('reads the required Node from engines.node of the root package.json', () => {
    expect(requiredNodeVersion(repoRoot)).toBe('22.18');
    expect(isAtLeast('22.18.0', '22.18')).toBe(true);
    expect(isAtLeast('22.9.0', '22.18')).toBe(false);
    expect(isAtLeast('24.0.0', '22.18')).toBe(true);
    expect(isAtLeast('v20.20.2', '22.18')).toBe(false);
  });

  it('passes with this Node, Java and free ports', async () => {
    const result = await run('start', { ...process.env, PORT: '0', EDGE_PORT: '0' });
    expect(result).toEqual({ code: 0, stderr: '' });
  });

  it('says how to install Java when there is none on PATH', async () => {
    const result = await run('test', { ...process.env, PATH: pathWith(tempDir()) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('DynamoDB Local needs Java 17 or newer (`java` was not found on PATH)');
    expect(result.stderr).toContain('openjdk-17-jre-headless');
  });

  it('names the Java it found when it is too old', async () => {
    const PATH = pathWith(tempDir(), { java: `echo 'openjdk version "11.0.21" 2023-10-17' >&2` });
    const result = await run('start', { ...process.env, PATH, PORT: '0', EDGE_PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('found openjdk version "11.0.21"');
  });

  it('does not need Java for the inspection commands', async () => {
    const result = await run('local', { ...process.env, PATH: pathWith(tempDir()) });
    expect(result).toEqual({ code: 0, stderr: '' });
  });

  it('names the variable of a port in use, what holds it and how to choose another', async () => {
    const port = portOf(held);
    const result = await run('start', { ...process.env, PORT: String(port), EDGE_PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Port ${port} (PORT, the API) is in use by`);
    expect(result.stderr).toContain(`PORT=${port + 1} npm start`);
  });

  it('checks EDGE_PORT as well', async () => {
    const port = portOf(held);
    const result = await run('start', { ...process.env, PORT: '0', EDGE_PORT: String(port) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Port ${port} (EDGE_PORT, the AWS edge) is in use by`);
    expect(result.stderr).toContain(`EDGE_PORT=${port + 1} npm start`);
  });

  it('refuses a PORT that is not a port number', async () => {
    const result = await run('start', { ...process.env, PORT: 'http://localhost:3000', EDGE_PORT: '0' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'PORT must be a port number from 0 to 65535, got "http://localhost:3000"',
    );
  });

  it('says when the port belongs to another Shop of the same checkout, from its state file', async () => {
    const root = tempDir();
    const port = portOf(held);
    writeShopState(root, {
      pid: process.pid,
      port,
      edgePort: 4566,
      apiUrl: `http://localhost:${port}`,
      edgeUrl: 'http://localhost:4566',
      startedAt: '2026-12-01T10:00:00.000Z',
      persist: false,
    });
    const problem = await portProblem({ root, port, variable: 'PORT', role: 'the API' });
    expect(problem).toContain(
      `in use by another Shop (pid ${process.pid}, started 2026-12-01T10:00:00.000Z, API http://localhost:${port})`,
    );
    expect(problem).toContain(`kill ${process.pid}`);
  });

  it('names the process that holds a port when ss or lsof can tell', async () => {
    // Both ship with the images this repository runs on; the message falls back to "another process".
    const problem = await portProblem({
      root: tempDir(),
      port: portOf(held),
      variable: 'PORT',
      role: 'the API',
    });
    expect(problem).toMatch(new RegExp(`in use by (\\S+ \\(pid ${process.pid}\\)|another process)`));
  });
});
