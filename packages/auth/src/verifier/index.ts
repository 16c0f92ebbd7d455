export {
  type AuthUser,
  createJwtVerifier,
  type JwtAlgorithm,
  type JwtVerifier,
  type JwtVerifierOptions,
} from './jwt-verifier.ts';
