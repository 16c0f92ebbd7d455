export {
  type AwsErrorShape,
  type AwsProtocol,
  awsErrorResponse,
  type CredentialScope,
  credentialScopeOf,
  escapeXml,
  protocolOf,
  queryParametersOf,
} from './aws-protocol.ts';
export { createEdgeServer, listen, readBody, type StartedServer, startEdge } from './edge.server.ts';
export type { EdgeHandler, EdgeRequest, EdgeResponse } from './edge.types.ts';
export {
  NOT_EMULATED_CODE,
  NOT_EMULATED_STATUS,
  type NotEmulatedOptions,
  notEmulatedResponse,
} from './not-emulated.ts';
