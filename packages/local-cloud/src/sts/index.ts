export {
  type CallerIdentity,
  callerIdentityOf,
  createStsEdgeHandler,
  STS_API_VERSION,
  type StsEdgeOptions,
} from './sts.edge.ts';
