import * as z from 'zod';

/** A role a user can hold. Ownership ("is this my order?") is checked by use cases, not by roles. */
export const Role = z.enum(['customer', 'admin']).meta({ id: 'Role' });
export type Role = z.infer<typeof Role>;

const KNOWN_ROLES: ReadonlySet<string> = new Set(Role.options);

/** Whether a string names a known role. */
export const isRole = (value: unknown): value is Role => typeof value === 'string' && KNOWN_ROLES.has(value);

/**
 * The known roles found in one or more claim values, deduplicated. Values that are not arrays and
 * array members that are not known roles are ignored, so an issuer adding groups of its own
 * (e.g. a Cognito group "beta-testers") grants nothing here.
 */
export const rolesFromClaims = (...claimValues: readonly unknown[]): Role[] => {
  const roles = new Set<Role>();
  for (const value of claimValues) {
    if (!Array.isArray(value)) continue;
    for (const item of value) if (isRole(item)) roles.add(item);
  }
  return [...roles];
};
