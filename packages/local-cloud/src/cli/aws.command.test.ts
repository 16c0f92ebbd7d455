import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { awsCliEnvironment } from './aws.command.ts';

const main = new URL('./main.ts', import.meta.url).pathname;

const runMain = (args: readonly string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [main, ...args], { env, timeout: 20_000 }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('npm run aws', () => {
  const bin = mkdtempSync(join(tmpdir(), 'shop-aws-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  afterAll(() => rmSync(bin, { recursive: true, force: true }));

  it('sets the edge, test credentials and the region, and drops a real profile or session', () => {
    const env = awsCliEnvironment('http://localhost:4566', {
      HOME: '/home/alice',
      AWS_PROFILE: 'prod',
      AWS_SESSION_TOKEN: 'secret',
      AWS_ACCESS_KEY_ID: 'AKIAREAL',
      AWS_REGION: 'eu-west-1',
    });
    expect(env).toEqual({
      HOME: '/home/alice',
      AWS_ENDPOINT_URL: 'http://localhost:4566',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_PAGER: '',
    });
  });

  it('runs the aws CLI with the endpoint and the arguments it was given, and returns its exit code', async () => {
    // A stand-in `aws` that reports what it was run with.
    writeFileSync(
      join(bin, 'aws'),
      '#!/bin/sh\necho "args: $*"\necho "endpoint: $AWS_ENDPOINT_URL region: $AWS_DEFAULT_REGION key: $AWS_ACCESS_KEY_ID"\nexit 3\n',
    );
    chmodSync(join(bin, 'aws'), 0o755);
    const result = await runMain(['aws', 'dynamodb', 'list-tables'], {
      PATH: bin,
      EDGE_PORT: '4999',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    expect(result.stdout).toContain('args: --endpoint-url http://127.0.0.1:4999 dynamodb list-tables');
    expect(result.stdout).toContain('endpoint: http://127.0.0.1:4999 region: us-east-1 key: local');
    expect(result.code).toBe(3);
  });

  it('says how to install the aws CLI when there is none', async () => {
    rmSync(join(bin, 'aws'), { force: true });
    const result = await runMain(['aws', 'sqs', 'list-queues'], {
      PATH: bin,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The `aws` CLI is not installed');
    expect(result.stderr).toContain('getting-started-install');
  });
});
