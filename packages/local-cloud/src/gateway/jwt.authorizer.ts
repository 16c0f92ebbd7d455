import type { HttpApiJwtAuthorizerContext, JwtAuthorize } from './gateway.types.ts';

/**
 * The token from an `Authorization` header. Like HTTP API's JWT authorizer, a `Bearer ` prefix is
 * optional; anything else with a space in it is not a token.
 */
export const bearerToken = (authorization: string | undefined): string | undefined => {
  if (!authorization) return undefined;
  const trimmed = authorization.trim();
  const match = /^bearer\s+(\S+)$/i.exec(trimmed);
  if (match) return match[1];
  return /\s/.test(trimmed) || trimmed === '' ? undefined : trimmed;
};

const flattenClaim = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(flattenClaim).join(' ')}]`;
  if (value !== null && typeof value === 'object') return JSON.stringify(value);
  return String(value);
};

/** Claims as AWS hands them to the function: every value a string, arrays as `[a b]`. */
export const flattenClaims = (claims: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, flattenClaim(value)]));

const scopesOf = (claims: Record<string, unknown>): string[] | null => {
  const { scope, scp } = claims;
  if (typeof scope === 'string' && scope.trim() !== '') return scope.trim().split(/\s+/);
  if (Array.isArray(scp)) return scp.map(String);
  return null;
};

export type AuthorizationOutcome =
  | { readonly ok: true; readonly context: HttpApiJwtAuthorizerContext }
  | { readonly ok: false; readonly reason: string };

/** Runs the JWT authorizer for one request; never throws. */
export const authorizeRequest = async (
  authorize: JwtAuthorize,
  authorization: string | undefined,
): Promise<AuthorizationOutcome> => {
  const token = bearerToken(authorization);
  if (!token) return { ok: false, reason: 'missing bearer token' };
  try {
    const claims = await authorize(token);
    return { ok: true, context: { jwt: { claims: flattenClaims(claims), scopes: scopesOf(claims) } } };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
};
