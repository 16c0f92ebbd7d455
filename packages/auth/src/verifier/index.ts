export {
  type AuthUser,
  createJwtVerifier,
  emailOf,
  type JwtAlgorithm,
  type JwtVerifier,
  type JwtVerifierOptions,
} from './jwt-verifier.ts';
