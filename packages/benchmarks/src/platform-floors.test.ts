import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleFunctions } from '@shop/local-cloud';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { referenceEnvironment } from './bench-environment.ts';

const run = promisify(execFile);

const RESULT = 'FLOOR-RESULT ';

// Imports a bundle in its own process, as the cold start section does, and invokes its handler once.
// The handler's log lines go to stdout too, so the answer is the line marked RESULT.
const INVOKE = `
const { handler } = await import(process.argv[1]);
const event = JSON.parse(process.argv[2]);
let answer;
try { answer = { result: await handler(event, { awsRequestId: 'floor-1', functionName: 'floor', getRemainingTimeInMillis: () => 3000 }) }; }
catch (error) { answer = { error: { name: error.name, message: error.message } }; }
process.stdout.write('\\n${RESULT}' + JSON.stringify(answer) + '\\n');
`;

const invoke = async (bundle: string, name: string, event: unknown) => {
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', INVOKE, pathToFileURL(bundle).href, JSON.stringify(event)],
    { env: referenceEnvironment(name), timeout: 20_000 },
  );
  const line = stdout.split('\n').find((l) => l.startsWith(RESULT));
  if (!line) throw new Error(`no answer from ${name}: ${stdout}`);
  return JSON.parse(line.slice(RESULT.length)) as {
    result?: { statusCode: number; headers: Record<string, string>; body: string };
    error?: { name: string; message: string };
  };
};

const httpEvent = (path: string, headers: Record<string, string> = {}) => ({
  version: '2.0',
  routeKey: '$default',
  rawPath: path,
  rawQueryString: '',
  headers: { host: 'api.floor', ...headers },
  requestContext: {
    accountId: '000000000000',
    apiId: 'floor',
    domainName: 'api.floor',
    http: { method: 'GET', path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'floor' },
    requestId: 'floor-request',
    routeKey: '$default',
    stage: '$default',
    time: '04/Dec/2026:00:00:00 +0000',
    timeEpoch: 0,
  },
  isBase64Encoded: false,
});

// The cold start section's floors are only a floor if they are working functions of the platform:
// each is bundled as deployed and answers through the platform's own paths.
describe("the platform's floors", () => {
  let outDir = '';
  let bundles: Record<string, string> = {};

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'shop-floors-'));
    const specOf = (name: string) => ({
      name,
      entry: join(import.meta.dirname, `${name}.handler.ts`),
      handler: 'handler',
      memoryMb: 512,
      timeoutSeconds: 10,
      environment: {},
    });
    ({ bundles } = await bundleFunctions([specOf('task-floor'), specOf('http-floor')], outDir));
  }, 120_000);

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('the least HTTP function refuses a request without a bearer token with a 401 problem', async () => {
    const answer = await invoke(bundles['http-floor'] ?? '', 'http-floor', httpEvent('/items/abc'));
    expect(answer.result?.statusCode).toBe(401);
    expect(answer.result?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.result?.headers['x-request-id']).toBe('floor-request');
  }, 30_000);

  it('the least HTTP function answers an unknown path with a 404 problem', async () => {
    const answer = await invoke(bundles['http-floor'] ?? '', 'http-floor', httpEvent('/nothing'));
    expect(answer.result?.statusCode).toBe(404);
    expect(JSON.parse(answer.result?.body ?? '{}')).toMatchObject({ status: 404 });
  }, 30_000);

  it('the least saga task refuses an input without its order as TaskInputInvalid', async () => {
    const answer = await invoke(bundles['task-floor'] ?? '', 'task-floor', { notAnOrder: true });
    expect(answer.error?.name).toBe('TaskInputInvalid');
    expect(answer.error?.message).toContain('/orderId');
  }, 30_000);
});
