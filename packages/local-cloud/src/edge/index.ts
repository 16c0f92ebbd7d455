export { createEdgeServer, listen, readBody, type StartedServer, startEdge } from './edge.server.ts';
export type { EdgeHandler, EdgeRequest, EdgeResponse } from './edge.types.ts';
