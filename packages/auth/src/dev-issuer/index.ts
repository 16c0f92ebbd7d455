export {
  createDevIssuer,
  type DevIssuer,
  type DevIssuerOptions,
  type DevMintInput,
  type DevToken,
} from './dev-issuer.ts';
export { DevTokenRequest } from './dev-token-request.schema.ts';
