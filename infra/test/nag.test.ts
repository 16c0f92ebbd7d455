import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { acknowledgeNag, addNagChecks } from '../src/nag.ts';

const outdirs: string[] = [];
afterEach(() => {
  for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const appWithQueue = (acknowledge: boolean) => {
  const outdir = mkdtempSync(join(tmpdir(), 'shop-nag-'));
  outdirs.push(outdir);
  const app = new App({ outdir });
  const stack = new Stack(app, 'NagProbe');
  // Encrypted and TLS-only, but without a DLQ: AwsSolutions-SQS3.
  const queue = new Queue(stack, 'Orphan', { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true });
  if (acknowledge)
    acknowledgeNag(queue, 'SQS3', 'A probe queue of this test, acknowledged to prove acknowledgements work.');
  addNagChecks(app);
  return { app, outdir };
};

describe('cdk-nag checks', () => {
  it('fail synthesis on an unacknowledged AwsSolutions finding and name the rule in the report', () => {
    const { app, outdir } = appWithQueue(false);
    expect(() => app.synth()).toThrow(expect.objectContaining({ name: 'ValidationFailed' }));
    const report = readFileSync(join(outdir, 'validation-report.json'), 'utf8');
    expect(report).toContain('AwsSolutions-SQS3');
    expect(report).toContain('NagProbe/Orphan/Resource');
  });

  it('let an acknowledged finding through and record its reason', () => {
    const { app, outdir } = appWithQueue(true);
    expect(() => app.synth()).not.toThrow();
    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { suppressedViolations: { ruleName: string; reason: string }[] }[];
    };
    expect(report.pluginReports[0]?.suppressedViolations).toEqual([
      expect.objectContaining({
        ruleName: 'AwsSolutions-SQS3',
        reason: 'A probe queue of this test, acknowledged to prove acknowledgements work.',
      }),
    ]);
  });
});
