import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose';
import { isRole, type Role } from '../roles/role.schema.ts';

/** Options of {@link createDevIssuer}. */
export type DevIssuerOptions = {
  issuer: string;
  audience: string;
  /** Where the private JWK is kept (mode 0600) so tokens stay valid across restarts. */
  keyFile?: string;
};

/** What to put in a dev token. */
export type DevMintInput = {
  sub: string;
  /** Default `['customer']`. */
  roles?: Role[];
  /** Default 3600, at most 86400. */
  expiresInSeconds?: number;
  /** Extra claims; the registered ones (`iss`, `sub`, `aud`, `iat`, `exp`, `jti`) and `roles` always come from the issuer. */
  claims?: Record<string, unknown>;
};

/** A signed token and its lifetime in seconds, the body of `POST /dev/token`. */
export type DevToken = { token: string; expiresIn: number };

/** A local token issuer; see {@link createDevIssuer}. */
export type DevIssuer = {
  issuer: string;
  audience: string;
  /** The public key set to serve at `/.well-known/jwks.json`. */
  jwks: JSONWebKeySet;
  mint(input: DevMintInput): Promise<DevToken>;
};

const ALG = 'RS256';
const DEFAULT_EXPIRES_IN_SECONDS = 3600;
const MAX_EXPIRES_IN_SECONDS = 86_400;

type SigningKey = { privateKey: CryptoKey; publicJwk: JWK };

type RsaPrivateJwk = JWK & { kty: 'RSA'; n: string; e: string; d: string; kid: string };

const isRsaPrivateJwk = (value: unknown): value is RsaPrivateJwk => {
  if (typeof value !== 'object' || value === null) return false;
  const jwk = value as Record<string, unknown>;
  return (
    jwk.kty === 'RSA' &&
    ['n', 'e', 'd', 'kid'].every((member) => typeof jwk[member] === 'string' && jwk[member] !== '')
  );
};

const publicJwkOf = (jwk: RsaPrivateJwk): JWK => ({
  kty: 'RSA',
  n: jwk.n,
  e: jwk.e,
  kid: jwk.kid,
  alg: ALG,
  use: 'sig',
});

const importPrivateKey = async (jwk: RsaPrivateJwk): Promise<CryptoKey> => {
  const key = await importJWK(jwk, ALG, { extractable: true });
  if (key instanceof Uint8Array) throw new Error('createDevIssuer: the stored key is not an RSA key');
  return key;
};

const generatePrivateJwk = async (): Promise<RsaPrivateJwk> => {
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({ kty: 'RSA', n: jwk.n, e: jwk.e });
  const stored = { ...jwk, kid, alg: ALG, use: 'sig' };
  if (!isRsaPrivateJwk(stored)) throw new Error('createDevIssuer: key generation produced no RSA JWK');
  return stored;
};

const hasCode = (error: unknown, code: string): boolean =>
  error instanceof Error && (error as NodeJS.ErrnoException).code === code;

const readPrivateJwk = async (keyFile: string): Promise<RsaPrivateJwk | undefined> => {
  let text: string;
  try {
    text = await readFile(keyFile, 'utf8');
  } catch (error) {
    if (hasCode(error, 'ENOENT')) return undefined;
    throw new Error(`createDevIssuer: cannot read keyFile ${keyFile}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`createDevIssuer: keyFile ${keyFile} is not JSON; delete it to get a new key`, {
      cause: error,
    });
  }
  if (!isRsaPrivateJwk(parsed)) {
    throw new Error(
      `createDevIssuer: keyFile ${keyFile} holds no RSA private JWK; delete it to get a new key`,
    );
  }
  return parsed;
};

/** The stored key, or a new one written with `wx` so that two processes starting at once agree on one key. */
const loadOrCreatePrivateJwk = async (keyFile: string): Promise<RsaPrivateJwk> => {
  const existing = await readPrivateJwk(keyFile);
  if (existing !== undefined) return existing;
  const created = await generatePrivateJwk();
  await mkdir(dirname(keyFile), { recursive: true, mode: 0o700 });
  try {
    await writeFile(keyFile, `${JSON.stringify(created)}\n`, { mode: 0o600, flag: 'wx' });
    return created;
  } catch (error) {
    if (!hasCode(error, 'EEXIST')) {
      throw new Error(`createDevIssuer: cannot write keyFile ${keyFile}`, { cause: error });
    }
    const winner = await readPrivateJwk(keyFile);
    if (winner === undefined) {
      throw new Error(`createDevIssuer: keyFile ${keyFile} vanished`, { cause: error });
    }
    return winner;
  }
};

const signingKey = async (keyFile: string | undefined): Promise<SigningKey> => {
  const privateJwk =
    keyFile === undefined ? await generatePrivateJwk() : await loadOrCreatePrivateJwk(keyFile);
  return { privateKey: await importPrivateKey(privateJwk), publicJwk: publicJwkOf(privateJwk) };
};

const isNonEmptyString = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/**
 * A local stand-in for the Cognito user pool: an RS256 key pair and a `mint` that signs tokens the
 * verifier of this package accepts. For the local runtime and tests only; nothing deployed uses it.
 * With `keyFile`, the private key is kept on disk and reused, so tokens survive a restart.
 *
 * @example
 * const dev = await createDevIssuer({ issuer: 'http://localhost:3000', audience: 'shop' });
 * const { token } = await dev.mint({ sub: 'alice', roles: ['customer'] });
 * const verifier = createJwtVerifier({ issuer: dev.issuer, audience: dev.audience, jwks: dev.jwks });
 */
export const createDevIssuer = async (options: DevIssuerOptions): Promise<DevIssuer> => {
  if (typeof options !== 'object' || options === null) {
    throw new Error('createDevIssuer: options are required');
  }
  const { issuer, audience, keyFile } = options;
  if (!isNonEmptyString(issuer)) throw new Error('createDevIssuer: "issuer" must be a non-empty string');
  if (!isNonEmptyString(audience)) throw new Error('createDevIssuer: "audience" must be a non-empty string');
  if (keyFile !== undefined && !isNonEmptyString(keyFile)) {
    throw new Error('createDevIssuer: "keyFile" must be a non-empty path');
  }
  const { privateKey, publicJwk } = await signingKey(keyFile);
  const jwks: JSONWebKeySet = { keys: [publicJwk] };

  return {
    issuer,
    audience,
    jwks,
    async mint(input) {
      if (!isNonEmptyString(input.sub)) throw new Error('mint: "sub" must be a non-empty string');
      const roles = input.roles ?? ['customer'];
      for (const role of roles) if (!isRole(role)) throw new Error(`mint: unknown role "${String(role)}"`);
      const expiresIn = input.expiresInSeconds ?? DEFAULT_EXPIRES_IN_SECONDS;
      if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN_SECONDS) {
        throw new Error(`mint: "expiresInSeconds" must be an integer from 1 to ${MAX_EXPIRES_IN_SECONDS}`);
      }
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ ...input.claims, roles: [...new Set(roles)] })
        .setProtectedHeader({ alg: ALG, kid: publicJwk.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(input.sub)
        .setIssuedAt(now)
        .setExpirationTime(now + expiresIn)
        .setJti(randomUUID())
        .sign(privateKey);
      return { token, expiresIn };
    },
  };
};
