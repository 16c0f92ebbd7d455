import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { type AuthError, AuthUnavailableError, InvalidTokenError } from '../errors/auth.errors.ts';
import { type Role, rolesFromClaims } from '../roles/role.schema.ts';
import { VerifiedTokenCache } from './verified-token.cache.ts';

/** Signature algorithms a verifier may accept. Symmetric (HS*) and `none` are not representable. */
export type JwtAlgorithm = 'RS256' | 'ES256';

/** Options of {@link createJwtVerifier}. */
export type JwtVerifierOptions = {
  /** Exact `iss` the tokens must carry (a Cognito pool: `https://cognito-idp.<region>.amazonaws.com/<poolId>`). */
  issuer: string;
  /** Expected `aud`, or for tokens without `aud` (Cognito access tokens) the expected `client_id`. */
  audience: string;
  /** A JWKS URL (fetched and cached by jose), or the key set itself. */
  jwks: string | URL | JSONWebKeySet;
  /** Accepted algorithms; default both. Anything else is refused at construction. */
  algorithms?: JwtAlgorithm[];
  /**
   * Leeway against clock skew for `exp`, `nbf` and `iat` (a token issued further in the future than
   * this is refused, as API Gateway's JWT authorizer does); default 5 s, at most 300 s.
   */
  clockToleranceSeconds?: number;
  /** Verified tokens remembered until their `exp`; default 1000, 0 disables the cache. */
  cacheSize?: number;
};

/** The authenticated caller, as verified from a token. Shared between requests: never mutate it. */
export type AuthUser = Readonly<{
  sub: string;
  roles: readonly Role[];
  /**
   * The `email` claim, when the token carries a well-formed address that its issuer has not marked
   * unverified (`email_verified: false`): Cognito's ID tokens and local dev tokens carry one.
   */
  email?: string;
  claims: Readonly<JWTPayload>;
}>;

// zod's `z.email()` pattern, so that what the verifier accepts the contracts accept too.
const EMAIL =
  /^(?!\.)(?!.*\.\.)([A-Za-z0-9_'+\-.]*)[A-Za-z0-9_+-]@([A-Za-z0-9][A-Za-z0-9-]*\.)+[A-Za-z]{2,}$/;

/** The caller's address from a token's claims, or undefined; see {@link AuthUser.email}. */
export const emailOf = (claims: JWTPayload): string | undefined => {
  const { email } = claims;
  if (typeof email !== 'string' || email.length > 254 || !EMAIL.test(email)) return undefined;
  return claims.email_verified === false || claims.email_verified === 'false' ? undefined : email;
};

/** Verifies bearer tokens; see {@link createJwtVerifier}. */
export type JwtVerifier = {
  /** The caller the token proves, or an `InvalidTokenError` (401) / `AuthUnavailableError` (503). */
  verify(token: string): Promise<AuthUser>;
};

const ALLOWED_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'ES256'];
const DEFAULT_CLOCK_TOLERANCE_SECONDS = 5;
const MAX_CLOCK_TOLERANCE_SECONDS = 300;
const DEFAULT_CACHE_SIZE = 1000;
const MAX_CACHE_SIZE = 100_000;
// Far above any real access or ID token; bounds the work (and cache memory) an attacker can cause.
const MAX_TOKEN_LENGTH = 8192;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Marks a failure to obtain signing keys, as opposed to a fault of the token. */
class SigningKeysUnavailableError extends Error {}

const fail = (option: string, requirement: string): never => {
  throw new Error(`createJwtVerifier: "${option}" ${requirement}`);
};

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

const remoteKeySet = (url: URL): JWTVerifyGetKey => {
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    fail('jwks', 'must be an https URL (plain http only on localhost)');
  }
  // Created at the first verification, not with the verifier: jose's key set builds a `Headers`,
  // which makes Node load its fetch implementation (undici). An HTTP function loads it at its first
  // request anyway (the Lambda adapter's `Request`), as the cold-start reference does; built with the
  // verifier, it would be loaded while the function's module is imported, before any request.
  let remote: JWTVerifyGetKey | undefined;
  return async (header, token) => {
    try {
      remote ??= createRemoteJWKSet(url);
      return await remote(header, token);
    } catch (error) {
      // Key selection errors are about the token; everything else (network, timeout, non-200,
      // unparsable JSON) means the key source is down.
      if (
        error instanceof errors.JWKSNoMatchingKey ||
        error instanceof errors.JWKSMultipleMatchingKeys ||
        error instanceof errors.JOSENotSupported
      ) {
        throw error;
      }
      throw new SigningKeysUnavailableError('JWKS unavailable', { cause: error });
    }
  };
};

const keySet = (jwks: unknown): JWTVerifyGetKey => {
  if (jwks instanceof URL) return remoteKeySet(jwks);
  if (typeof jwks === 'string') {
    if (!URL.canParse(jwks)) fail('jwks', 'must be a URL or a JSON Web Key Set');
    return remoteKeySet(new URL(jwks));
  }
  if (typeof jwks === 'object' && jwks !== null && Array.isArray((jwks as { keys?: unknown }).keys)) {
    // jose imports keys lazily; catch an unusable set now rather than as a 401 on every request.
    const keys: unknown[] = (jwks as { keys: unknown[] }).keys;
    const ktyOf = (key: unknown): unknown =>
      typeof key === 'object' && key !== null ? (key as JWK).kty : undefined;
    if (!keys.some((key) => ktyOf(key) === 'RSA' || ktyOf(key) === 'EC')) {
      fail('jwks', 'holds no RSA or EC key');
    }
    try {
      return createLocalJWKSet(jwks as JSONWebKeySet);
    } catch {
      fail('jwks', 'is not a valid JSON Web Key Set');
    }
  }
  return fail('jwks', 'must be a URL or a JSON Web Key Set');
};

const algorithmsOf = (algorithms: unknown): JwtAlgorithm[] => {
  if (algorithms === undefined) return [...ALLOWED_ALGORITHMS];
  if (!Array.isArray(algorithms) || algorithms.length === 0) fail('algorithms', 'must be a non-empty array');
  const chosen = new Set<JwtAlgorithm>();
  for (const alg of algorithms as unknown[]) {
    const allowed = ALLOWED_ALGORITHMS.find((candidate) => candidate === alg);
    if (allowed === undefined) fail('algorithms', `may only contain ${ALLOWED_ALGORITHMS.join(', ')}`);
    else chosen.add(allowed);
  }
  return [...chosen];
};

const numberOption = (
  option: string,
  value: unknown,
  fallback: number,
  max: number,
  integer: boolean,
): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > max) {
    fail(option, `must be a number from 0 to ${max}`);
  }
  if (integer && !Number.isInteger(value)) fail(option, 'must be an integer');
  return value as number;
};

/**
 * Cognito access tokens carry no `aud`: the app client id is in `client_id` instead (ID tokens do
 * carry `aud`). API Gateway's JWT authorizer accepts either, so we do too; a token that does carry
 * `aud` must match it, whatever its `client_id`.
 */
const audienceMatches = (payload: JWTPayload, audience: string): boolean => {
  const { aud } = payload;
  if (aud !== undefined) return typeof aud === 'string' ? aud === audience : aud.includes(audience);
  return payload.client_id === audience;
};

const CLAIM_FAILURES: Readonly<Record<string, string>> = {
  iss: 'wrong issuer',
  nbf: 'token not yet valid',
  exp: 'token expired',
  iat: 'invalid issued-at time',
};

/** A short public reason per failure; the library's own message stays in `cause`. */
const toAuthError = (error: unknown): AuthError => {
  if (error instanceof SigningKeysUnavailableError) return new AuthUnavailableError({ cause: error.cause });
  if (error instanceof errors.JWTExpired) return new InvalidTokenError('token expired', { cause: error });
  if (error instanceof errors.JWTClaimValidationFailed) {
    const reason =
      error.reason === 'missing'
        ? `missing "${error.claim}" claim`
        : (CLAIM_FAILURES[error.claim] ?? 'invalid token claims');
    return new InvalidTokenError(reason, { cause: error });
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new InvalidTokenError('signature verification failed', { cause: error });
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return new InvalidTokenError('algorithm not allowed', { cause: error });
  }
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
    return new InvalidTokenError('no matching signing key', { cause: error });
  }
  if (
    error instanceof errors.JWSInvalid ||
    error instanceof errors.JWTInvalid ||
    error instanceof errors.JOSENotSupported
  ) {
    return new InvalidTokenError('malformed token', { cause: error });
  }
  return new InvalidTokenError('invalid token', { cause: error });
};

/**
 * Creates a verifier of RS256/ES256 JWTs against a JWKS: signature, algorithm allow-list, `iss`,
 * audience (`aud`, or Cognito's `client_id`), `exp` (required), `nbf`, `iat` (not in the future),
 * and a non-empty `sub`.
 * Roles come from the `roles` and `cognito:groups` claims; unknown ones are dropped.
 *
 * Verified tokens are cached (bounded, LRU) until their own `exp` and never beyond, because a
 * signature check (~100 µs for RS256) would otherwise eat the whole per-request budget.
 * Options are checked here, once; a bad one throws a plain `Error` naming it.
 *
 * @example
 * const verifier = createJwtVerifier({ issuer, audience: clientId, jwks: `${issuer}/.well-known/jwks.json` });
 * const user = await verifier.verify(token); // { sub, roles, claims }
 */
export const createJwtVerifier = (options: JwtVerifierOptions): JwtVerifier => {
  if (typeof options !== 'object' || options === null) {
    throw new Error('createJwtVerifier: options are required');
  }
  const { issuer, audience } = options;
  if (!isNonEmptyString(issuer)) fail('issuer', 'must be a non-empty string');
  if (!isNonEmptyString(audience)) fail('audience', 'must be a non-empty string');
  const algorithms = algorithmsOf(options.algorithms);
  const clockTolerance = numberOption(
    'clockToleranceSeconds',
    options.clockToleranceSeconds,
    DEFAULT_CLOCK_TOLERANCE_SECONDS,
    MAX_CLOCK_TOLERANCE_SECONDS,
    false,
  );
  const cacheSize = numberOption('cacheSize', options.cacheSize, DEFAULT_CACHE_SIZE, MAX_CACHE_SIZE, true);
  const getKey = keySet(options.jwks);
  const cache = new VerifiedTokenCache<AuthUser>(cacheSize);
  const verifyOptions = { issuer, algorithms, clockTolerance, requiredClaims: ['sub', 'exp'] };

  return {
    async verify(token) {
      if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
        throw new InvalidTokenError('malformed token');
      }
      const cached = cache.get(token, Date.now());
      if (cached !== undefined) return cached;

      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, verifyOptions));
      } catch (error) {
        throw toAuthError(error);
      }
      const { sub, exp, iat } = payload;
      if (!isNonEmptyString(sub)) throw new InvalidTokenError('missing "sub" claim');
      if (typeof exp !== 'number') throw new InvalidTokenError('missing "exp" claim');
      // jose checks `iat` only against a maximum age; a token from the future is refused here.
      if (typeof iat === 'number' && iat > Date.now() / 1000 + clockTolerance) {
        throw new InvalidTokenError('token issued in the future');
      }
      if (!audienceMatches(payload, audience)) throw new InvalidTokenError('wrong audience');

      const email = emailOf(payload);
      const user: AuthUser = Object.freeze({
        sub,
        roles: Object.freeze(rolesFromClaims(payload.roles, payload['cognito:groups'])),
        ...(email ? { email } : {}),
        claims: Object.freeze(payload),
      });
      const expiresAtMs = exp * 1000;
      // A token accepted only thanks to the clock tolerance is not worth remembering.
      if (expiresAtMs > Date.now()) cache.set(token, user, expiresAtMs);
      return user;
    },
  };
};
