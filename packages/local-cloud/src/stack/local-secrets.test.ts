import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineService } from '@shop/platform/service';
import { afterAll, describe, expect, it } from 'vitest';
import { localSecretsOf } from './local-secrets.ts';

const service = defineService({
  name: 'vault',
  root: '/srv/vault',
  functions: {
    http: { entry: 'src/http.ts', secrets: ['SIGNING_SECRET'], triggers: [{ type: 'invoke' }] },
    worker: { entry: 'src/worker.ts', secrets: ['SIGNING_SECRET'], triggers: [{ type: 'invoke' }] },
  },
});

describe('localSecretsOf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shop-secrets-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('draws one random value per secret of a service, shared by its functions', async () => {
    const first = await localSecretsOf([service]);
    const second = await localSecretsOf([service]);
    expect(first.vault?.SIGNING_SECRET).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second.vault?.SIGNING_SECRET).not.toBe(first.vault?.SIGNING_SECRET);
  });

  it('keeps the values in a private file across restarts when asked to', async () => {
    const file = join(dir, 'data', 'secrets.json');
    const first = await localSecretsOf([service], file);
    const again = await localSecretsOf([service], file);
    expect(again).toEqual(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });
});

describe('secrets in a definition', () => {
  it('cannot be given a value', () => {
    expect(() =>
      defineService({
        name: 'vault',
        root: '/srv/vault',
        functions: {
          http: {
            entry: 'src/http.ts',
            secrets: ['SIGNING_SECRET'],
            environment: { SIGNING_SECRET: 'in the repository' },
            triggers: [{ type: 'invoke' }],
          },
        },
      }),
    ).toThrowError(/is a secret/);
  });
});
