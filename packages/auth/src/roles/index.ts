export { isRole, Role, rolesFromClaims } from './role.schema.ts';
