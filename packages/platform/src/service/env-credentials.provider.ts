import { fromEnv } from '@aws-sdk/credential-provider-env';
import { memoize } from '@smithy/core/config';

/** Refreshed five minutes before they expire, as the default chain does; without an expiry, kept. */
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60_000;

/**
 * Stands in for `@aws-sdk/credential-provider-node` in the Lambda bundles (see
 * `LAMBDA_BUNDLING.alias`): every SDK client's runtime config imports that package's `defaultProvider`
 * statically, and with it the whole default chain (ini files, SSO, web identity, ECS, IMDS, and the
 * STS and SSO clients they bring), parsed at every cold start. A function reads its credentials
 * from the environment only, which is the chain's first link and the one Lambda serves: the
 * execution role's credentials are always there, as the local runtime's are. A function moved
 * somewhere without them fails its first call with the SDK's `CredentialsProviderError`.
 *
 * Memoized like the default chain: the SDK asks for credentials on every request.
 */
export const defaultProvider: typeof fromEnv = (init) =>
  memoize(
    fromEnv(init),
    (credentials) =>
      credentials.expiration !== undefined &&
      credentials.expiration.getTime() - Date.now() < REFRESH_BEFORE_EXPIRY_MS,
    (credentials) => credentials.expiration !== undefined,
  );
