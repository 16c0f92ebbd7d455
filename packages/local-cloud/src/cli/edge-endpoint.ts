import { DEFAULT_EDGE_PORT } from '../preflight/preflight.checks.mjs';
import { readShopState, shopStatePath } from './shop-state.file.mjs';

export interface EdgeEndpoint {
  readonly url: string;
  /** Where the URL came from, for messages. */
  readonly source: string;
}

/**
 * The AWS edge the second-terminal commands talk to: `AWS_ENDPOINT_URL` or `EDGE_PORT` when set (a
 * variable someone set means it), else the running `npm start` of this checkout (its state file),
 * else the default port.
 */
export const edgeEndpointOf = (root: string, env: NodeJS.ProcessEnv = process.env): EdgeEndpoint => {
  if (env.AWS_ENDPOINT_URL) return { url: env.AWS_ENDPOINT_URL, source: 'AWS_ENDPOINT_URL' };
  if (env.EDGE_PORT) return { url: `http://127.0.0.1:${env.EDGE_PORT}`, source: 'EDGE_PORT' };
  const state = readShopState(root);
  if (state) return { url: state.edgeUrl, source: shopStatePath(root) };
  return { url: `http://127.0.0.1:${DEFAULT_EDGE_PORT}`, source: 'the default port' };
};
