import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../src/service/env-credentials.provider.ts';

// What LAMBDA_BUNDLING.alias puts in every bundle in place of the SDK's default credential chain.
describe('the env-only credential provider', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  const stubCredentials = (accessKeyId: string, expiration?: Date) => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', `secret-of-${accessKeyId}`);
    vi.stubEnv('AWS_SESSION_TOKEN', `token-of-${accessKeyId}`);
    vi.stubEnv('AWS_CREDENTIAL_EXPIRATION', expiration ? expiration.toISOString() : '');
  };

  it("reads the function's credentials from the environment, as Lambda sets them", async () => {
    stubCredentials('AKIAFIRST');
    await expect(defaultProvider()()).resolves.toMatchObject({
      accessKeyId: 'AKIAFIRST',
      secretAccessKey: 'secret-of-AKIAFIRST',
      sessionToken: 'token-of-AKIAFIRST',
    });
  });

  it('reads them once: later requests reuse them, as the default chain does', async () => {
    stubCredentials('AKIAFIRST');
    const provider = defaultProvider();
    const first = await provider();
    stubCredentials('AKIASECOND');
    const second = await provider();
    expect(second).toBe(first);
    expect(second.accessKeyId).toBe('AKIAFIRST');
  });

  it('reads them again when they expire within five minutes', async () => {
    stubCredentials('AKIAFIRST', new Date(Date.now() + 60_000));
    const provider = defaultProvider();
    expect((await provider()).accessKeyId).toBe('AKIAFIRST');
    stubCredentials('AKIASECOND', new Date(Date.now() + 3_600_000));
    expect((await provider()).accessKeyId).toBe('AKIASECOND');
  });

  it("fails with the SDK's CredentialsProviderError when the environment has none", async () => {
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', '');
    await expect(defaultProvider()()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });
});
