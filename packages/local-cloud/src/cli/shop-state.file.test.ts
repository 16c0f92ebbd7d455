import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { edgeEndpointOf } from './edge-endpoint.ts';
import {
  readShopState,
  removeShopState,
  type ShopState,
  shopStatePath,
  writeShopState,
} from './shop-state.file.mjs';

const stateOf = (pid: number): ShopState => ({
  pid,
  port: 3123,
  edgePort: 4123,
  apiUrl: 'http://localhost:3123',
  edgeUrl: 'http://localhost:4123',
  startedAt: '2026-12-01T10:00:00.000Z',
  persist: false,
});

/** The pid of a process that has exited: what a crashed `npm start` leaves in its state file. */
const deadPid = (): number => {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(result.stdout);
};

describe('the state file of a running Shop', () => {
  const roots: string[] = [];
  const newRoot = () => {
    const root = mkdtempSync(join(tmpdir(), 'shop-state-'));
    roots.push(root);
    return root;
  };
  afterEach(() => {
    for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
  });

  it('is written to .shop/state.json and read back while its process lives', () => {
    const root = newRoot();
    writeShopState(root, stateOf(process.pid));
    expect(shopStatePath(root)).toBe(join(root, '.shop', 'state.json'));
    expect(readShopState(root)).toEqual(stateOf(process.pid));
  });

  it('is stale once its process is gone', () => {
    const root = newRoot();
    writeShopState(root, stateOf(deadPid()));
    expect(readShopState(root)).toBeUndefined();
  });

  it('reads as nothing when absent or unreadable', () => {
    const root = newRoot();
    expect(readShopState(root)).toBeUndefined();
    writeShopState(root, stateOf(process.pid));
    writeFileSync(shopStatePath(root), '{"pid":');
    expect(readShopState(root)).toBeUndefined();
  });

  it('is removed by its own process only: a newer Shop may have replaced it', () => {
    const root = newRoot();
    writeShopState(root, stateOf(process.pid));
    removeShopState(root, process.pid + 1);
    expect(existsSync(shopStatePath(root))).toBe(true);
    removeShopState(root, process.pid);
    expect(existsSync(shopStatePath(root))).toBe(false);
  });
});

describe('the edge the second-terminal commands talk to', () => {
  const root = mkdtempSync(join(tmpdir(), 'shop-edge-'));
  afterEach(() => rmSync(join(root, '.shop'), { recursive: true, force: true }));

  it('is the running Shop of the checkout when no variable says otherwise', () => {
    writeShopState(root, stateOf(process.pid));
    expect(edgeEndpointOf(root, {})).toEqual({ url: 'http://localhost:4123', source: shopStatePath(root) });
  });

  it('is AWS_ENDPOINT_URL, then EDGE_PORT, when set', () => {
    writeShopState(root, stateOf(process.pid));
    expect(edgeEndpointOf(root, { AWS_ENDPOINT_URL: 'http://127.0.0.1:9', EDGE_PORT: '8' }).url).toBe(
      'http://127.0.0.1:9',
    );
    expect(edgeEndpointOf(root, { EDGE_PORT: '8' }).url).toBe('http://127.0.0.1:8');
  });

  it('is the default port when no Shop is running', () => {
    writeShopState(root, stateOf(deadPid()));
    expect(edgeEndpointOf(root, {}).url).toBe('http://127.0.0.1:4566');
  });
});
