// Plain JavaScript that any Node runs: the preflight reads this file before Node's version is known.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { isProcessAlive } from '../process/process-alive.mjs';

/**
 * What a running `npm start` records about itself, so a second terminal (`npm run local`,
 * `npm run aws`) and a second `npm start` know where it is without any exported variable.
 *
 * @typedef {object} ShopState
 * @property {number} pid The runner's process id; the state is stale once it is gone.
 * @property {number} port The public API's port (`PORT`).
 * @property {number} edgePort The AWS edge's port (`EDGE_PORT`).
 * @property {string} apiUrl
 * @property {string} edgeUrl
 * @property {string} startedAt ISO 8601.
 * @property {boolean} persist Whether data is kept in `.data/`.
 */

/**
 * `<root>/.shop/state.json`.
 *
 * @param {string} root
 * @returns {string}
 */
export const shopStatePath = (root) => join(root, '.shop', 'state.json');

/**
 * @param {unknown} value
 * @returns {value is ShopState}
 */
const isShopState = (value) => {
  if (typeof value !== 'object' || value === null) return false;
  const state = /** @type {Record<string, unknown>} */ (value);
  return (
    Number.isInteger(state.pid) &&
    Number.isInteger(state.port) &&
    Number.isInteger(state.edgePort) &&
    typeof state.apiUrl === 'string' &&
    typeof state.edgeUrl === 'string' &&
    typeof state.startedAt === 'string'
  );
};

/**
 * The state of the Shop running from `root`, or `undefined` when none is: no file, an unreadable one,
 * or a stale one (its process is gone, e.g. after a crash or SIGKILL).
 *
 * @param {string} root
 * @returns {ShopState | undefined}
 */
export const readShopState = (root) => {
  let parsed;
  try {
    parsed = JSON.parse(readFileSync(shopStatePath(root), 'utf8'));
  } catch {
    return undefined;
  }
  return isShopState(parsed) && isProcessAlive(parsed.pid) ? parsed : undefined;
};

/**
 * Records a running Shop (the newest `npm start` of a checkout wins). Written to a temporary file and
 * renamed, so a reader never sees half a file.
 *
 * @param {string} root
 * @param {ShopState} state
 */
export const writeShopState = (root, state) => {
  const path = shopStatePath(root);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${state.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, path);
};

/**
 * Removes the state file if it still describes process `pid` (a newer Shop may have replaced it).
 * Synchronous, so it can run in an `exit` handler.
 *
 * @param {string} root
 * @param {number} pid
 */
export const removeShopState = (root, pid) => {
  const path = shopStatePath(root);
  try {
    const current = JSON.parse(readFileSync(path, 'utf8'));
    if (current?.pid === pid) rmSync(path, { force: true });
  } catch {
    // No file, or not ours to judge: leave it.
  }
};
