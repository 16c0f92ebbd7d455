import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { freePort, isProcessAlive } from '@shop/local-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NAME = 'zz-generated';
const BIN = (tool: string) => join(REPO, 'node_modules', '.bin', tool);

/**
 * A copy of the repository's tracked files, sharing its installed packages, where `@shop/*` resolve
 * to the copy's own workspaces: the generator writes there, and the checks run there, so the real
 * repository (and any stack running from it) never sees the generated service.
 */
const copyRepository = (): string => {
  const copy = mkdtempSync(join(tmpdir(), 'shop-new-service-'));
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: REPO, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(REPO, file))) continue;
    mkdirSync(dirname(join(copy, file)), { recursive: true });
    cpSync(join(REPO, file), join(copy, file));
  }
  mkdirSync(join(copy, 'node_modules', '@shop'), { recursive: true });
  for (const entry of readdirSync(join(REPO, 'node_modules'))) {
    if (entry !== '@shop') symlinkSync(join(REPO, 'node_modules', entry), join(copy, 'node_modules', entry));
  }
  for (const workspace of ['packages', 'services']) {
    for (const name of readdirSync(join(copy, workspace))) {
      symlinkSync(join(copy, workspace, name), join(copy, 'node_modules', '@shop', name));
    }
  }
  for (const name of ['infra', 'e2e'])
    symlinkSync(join(copy, name), join(copy, 'node_modules', '@shop', name));
  return copy;
};

const run = (tool: string, args: readonly string[], cwd: string, timeout = 240_000) =>
  execFileSync(tool, args, {
    cwd,
    encoding: 'utf8',
    timeout,
    stdio: 'pipe',
    env: { ...process.env, CI: 'true' },
  });

let copy: string;
let service: string;

beforeAll(() => {
  copy = copyRepository();
  service = join(copy, 'services', NAME);
  run(BIN('plop'), ['--plopfile', 'generators/plopfile.mjs', '--dest', '.', 'service', NAME], copy);
}, 240_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

describe('npm run new:service', () => {
  it('refuses a name that is taken, at once', () => {
    expect(() =>
      run(BIN('plop'), ['--plopfile', 'generators/plopfile.mjs', '--dest', '.', 'service', 'payment'], copy),
    ).toThrow(/services\/payment exists already/);
  });

  it('writes a service in the anatomy, with its contracts exported', () => {
    for (const path of [
      'src/service.ts',
      'src/composition-root.ts',
      `src/domain/${NAME}.entity.ts`,
      `src/application/${NAME}.use-cases.ts`,
      'src/api/routes.ts',
      `src/infrastructure/${NAME}-table.keys.ts`,
      'src/infrastructure/stored-item.schemas.ts',
      'src/handlers/get-entry.function.ts',
      'src/handlers/outbox-relay.ts',
      'README.md',
    ]) {
      expect(existsSync(join(service, path)), path).toBe(true);
    }
    const contracts = JSON.parse(readFileSync(join(copy, 'packages/contracts/package.json'), 'utf8'));
    expect(contracts.exports[`./${NAME}`]).toBe(`./src/${NAME}/index.ts`);
  });

  it('typechecks, lints (Biome and the anatomy rules) and passes its own tests', () => {
    run(BIN('tsc'), ['-p', 'tsconfig.json'], service);
    run(BIN('tsc'), ['-p', 'tsconfig.json'], join(copy, 'packages/contracts'));
    run(BIN('biome'), ['check', '.'], copy);
    run(BIN('depcruise'), ['services', '--config', '.dependency-cruiser.cjs', '--output-type', 'err'], copy);
    // execFileSync throws when vitest fails; the summary says how many ran.
    const tests = stripVTControlCharacters(run(BIN('vitest'), ['run'], service));
    expect(tests).toMatch(/Tests\s+\d+ passed/);
  }, 300_000);

  it('loads with the other services, no name clashing', async () => {
    const { loadServiceDefinitions } = (await import(
      pathToFileURL(join(copy, 'packages/platform/src/service/index.ts')).href
    )) as typeof import('@shop/platform/service');
    const names = (await loadServiceDefinitions(copy)).map((definition) => definition.name);
    expect(names).toEqual(expect.arrayContaining(['cart', 'catalog', 'order', 'payment', NAME]));
  });

  it('synthesizes its own nested stack, cdk-nag clean (npm run synth)', () => {
    run(BIN('cdk'), ['synth', '--quiet'], join(copy, 'infra'), 300_000);
    const out = join(copy, 'infra', 'cdk.out');
    const templates = readdirSync(out).filter((file) => file.endsWith('.template.json'));
    const nested = templates.filter((file) => readFileSync(join(out, file), 'utf8').includes(`${NAME}-http`));
    expect(nested.length).toBeGreaterThan(0);
    expect(nested.some((file) => file.includes('ZzGenerated'))).toBe(true);
  }, 300_000);

  describe('npm start', () => {
    let child: ChildProcess | undefined;
    let output = '';
    let port = 0;

    beforeAll(async () => {
      [port] = [await freePort()];
      const edgePort = await freePort();
      child = spawn(process.execPath, ['packages/local-cloud/src/cli/main.ts', 'start'], {
        cwd: copy,
        env: { ...process.env, PORT: String(port), EDGE_PORT: String(edgePort) },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      await new Promise<void>((ready, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready after 120 s:\n${output}`)), 120_000);
        const onData = (chunk: Buffer) => {
          output += chunk.toString();
          if (/ready in \d+ ms/.test(output)) {
            clearTimeout(timer);
            ready();
          }
        };
        child?.stdout?.on('data', onData);
        child?.stderr?.on('data', onData);
        child?.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`npm start exited with ${code}:\n${output}`));
        });
      });
    }, 150_000);

    afterAll(async () => {
      const pid = child?.pid;
      if (!pid || !isProcessAlive(pid)) return;
      const exited = new Promise((done) => child?.once('exit', done));
      process.kill(-pid, 'SIGTERM');
      await Promise.race([exited, new Promise((done) => setTimeout(done, 15_000))]);
      if (isProcessAlive(pid)) process.kill(-pid, 'SIGKILL');
    }, 30_000);

    it('lists the service in its banner and its route in /openapi.json', async () => {
      expect(output).toContain(NAME);
      const document = (await (await fetch(`http://127.0.0.1:${port}/openapi.json`)).json()) as {
        paths: Record<string, unknown>;
      };
      expect(Object.keys(document.paths)).toContain(`/${NAME}`);
    });

    it('serves the route: 201 for a signed-in customer', async () => {
      const token = (await (
        await fetch(`http://127.0.0.1:${port}/dev/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ sub: 'alice', roles: ['customer'] }),
        })
      ).json()) as { token: string };
      const response = await fetch(`http://127.0.0.1:${port}/${NAME}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token.token}` },
        body: JSON.stringify({ text: 'hello' }),
      });
      expect(response.status).toBe(201);
    });
  });
});
