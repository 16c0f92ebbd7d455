// Plain JavaScript that any Node runs (Node 20 included): these checks exist to explain, in one
// sentence, what stops Shop from running, before any TypeScript is loaded. The runtime reuses them.
import { spawnSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { readShopState } from '../cli/shop-state.file.mjs';

/**
 * The oldest Node that runs Shop, from `engines.node` of the root `package.json` (`">=22.18"`).
 *
 * @param {string} root
 * @returns {string}
 */
export const requiredNodeVersion = (root) => {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const range = String(manifest?.engines?.node ?? '');
  const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(range.trim())?.[1];
  if (!minimum) throw new Error(`package.json engines.node must read ">=<version>", got "${range}"`);
  return minimum;
};

/** @param {string} version */
const partsOf = (version) => version.replace(/^v/, '').split('.').map(Number);

/**
 * Whether `version` is at least `minimum` (both `major.minor.patch`, missing parts read as 0).
 *
 * @param {string} version
 * @param {string} minimum
 */
export const isAtLeast = (version, minimum) => {
  const have = partsOf(version);
  const want = partsOf(minimum);
  for (let i = 0; i < 3; i += 1) {
    const a = have[i] ?? 0;
    const b = want[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
};

/**
 * Why this Node cannot run Shop, or `undefined` when it can.
 *
 * @param {{ root: string, version: string, executable: string }} options
 * @returns {string | undefined}
 */
export const nodeVersionProblem = ({ root, version, executable }) => {
  const required = requiredNodeVersion(root);
  if (isAtLeast(version, required)) return undefined;
  const nvmrc = (() => {
    try {
      return readFileSync(join(root, '.nvmrc'), 'utf8').trim();
    } catch {
      return '24';
    }
  })();
  return [
    `Shop needs Node ${required} or newer (Node ${nvmrc} recommended); this is Node ${version.replace(/^v/, '')} (${executable}).`,
    `  Switch: \`nvm install && nvm use\` (reads .nvmrc: ${nvmrc}), or install Node ${nvmrc} from https://nodejs.org, then run \`npm install\` again.`,
  ].join('\n');
};

export const REQUIRED_JAVA_MAJOR = 17;

/**
 * Why Java cannot run DynamoDB Local, or `undefined` when it can: `java` on PATH, version 17 or newer.
 *
 * @returns {string | undefined}
 */
export const javaProblem = () => {
  // `java -version` prints to stderr.
  const result = spawnSync('java', ['-version'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 5_000,
  });
  let detail;
  if (result.error) {
    detail =
      /** @type {NodeJS.ErrnoException} */ (result.error).code === 'ENOENT'
        ? '`java` was not found on PATH'
        : `\`java -version\` failed: ${result.error.message}`;
  } else {
    const output = `${result.stderr ?? ''}${result.stdout ?? ''}`;
    const major = Number(/version "(?:1\.)?(\d+)/.exec(output)?.[1]);
    if (Number.isFinite(major) && major >= REQUIRED_JAVA_MAJOR) return undefined;
    detail = `found ${output.split('\n')[0] || 'an unknown version'}`;
  }
  return (
    `DynamoDB Local needs Java ${REQUIRED_JAVA_MAJOR} or newer (${detail}). Install it, e.g. on Debian/Ubuntu: ` +
    '`sudo apt-get install -y openjdk-17-jre-headless`; on macOS: `brew install openjdk@17`.'
  );
};

export const DEFAULT_PORT = 3000;
export const DEFAULT_EDGE_PORT = 4566;

/** The ports `npm start` listens on, the variables that change them, and what listens there. */
export const SHOP_PORTS = /** @type {const} */ ([
  { key: 'port', variable: 'PORT', fallback: DEFAULT_PORT, role: 'the API' },
  { key: 'edgePort', variable: 'EDGE_PORT', fallback: DEFAULT_EDGE_PORT, role: 'the AWS edge' },
]);

/**
 * Reads a port from an environment variable (`PORT`, `EDGE_PORT`).
 *
 * @param {string | undefined} value
 * @param {number} fallback
 * @param {string} variable
 * @returns {{ port: number } | { problem: string }}
 */
export const portFromEnv = (value, fallback, variable) => {
  if (value === undefined || value === '') return { port: fallback };
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    return { problem: `${variable} must be a port number from 0 to 65535, got "${value}"` };
  return { port };
};

/**
 * Whether a TCP port can be listened on, by listening on it for a moment.
 *
 * @param {number} port
 * @param {string} host
 * @returns {Promise<'free' | 'in-use' | 'denied'>}
 */
export const probePort = (port, host) =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (/** @type {NodeJS.ErrnoException} */ error) => {
      if (error.code === 'EADDRINUSE') resolve('in-use');
      else if (error.code === 'EACCES') resolve('denied');
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });

/**
 * @param {string} command
 * @param {readonly string[]} args
 * @returns {string}
 */
const outputOf = (command, args) => {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 500,
  });
  return result.error || typeof result.stdout !== 'string' ? '' : result.stdout;
};

/**
 * The process listening on a TCP port, from `ss` or `lsof` when either is installed (they name other
 * users' processes only to root).
 *
 * @param {number} port
 * @returns {{ pid: number, name: string } | undefined}
 */
export const listenerOf = (port) => {
  const ss = outputOf('ss', ['-H', '-l', '-t', '-n', '-p', `sport = :${port}`]);
  const fromSs = /users:\(\("([^"]+)",pid=(\d+)/.exec(ss);
  if (fromSs?.[1] && fromSs[2]) return { name: fromSs[1], pid: Number(fromSs[2]) };
  const lsof = outputOf('lsof', ['-nP', `-iTCP:${port}`, '-sTCP:LISTEN', '-Fpc']);
  const pid = /^p(\d+)$/m.exec(lsof)?.[1];
  const name = /^c(.+)$/m.exec(lsof)?.[1];
  if (pid) return { pid: Number(pid), name: name ?? 'a process' };
  return undefined;
};

/**
 * What `npm start` looks like in a process list: the runner's command line names the CLI entry.
 *
 * @param {number} pid
 * @returns {{ cwd: string | undefined } | undefined}
 */
const shopProcess = (pid) => {
  try {
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!commandLine.includes('local-cloud/src/cli/main.ts')) return undefined;
    try {
      return { cwd: readlinkSync(`/proc/${pid}/cwd`) };
    } catch {
      return { cwd: undefined };
    }
  } catch {
    return undefined;
  }
};

/**
 * Who holds a port, in words: another Shop of this checkout (from its state file), a Shop of another
 * checkout, or the process `ss`/`lsof` names.
 *
 * @param {{ root: string, port: number }} options
 * @returns {{ holder: string, stop: string | undefined }}
 */
export const describePortHolder = ({ root, port }) => {
  const state = readShopState(root);
  if (state && (state.port === port || state.edgePort === port)) {
    return {
      holder: `another Shop (pid ${state.pid}, started ${state.startedAt}, API ${state.apiUrl})`,
      stop: `Stop it with Ctrl-C in its terminal (or \`kill ${state.pid}\`), use it as it is`,
    };
  }
  const listener = listenerOf(port);
  if (!listener) return { holder: 'another process', stop: undefined };
  const shop = shopProcess(listener.pid);
  if (shop) {
    return {
      holder: `probably another Shop (pid ${listener.pid}${shop.cwd ? `, in ${shop.cwd}` : ''})`,
      stop: `Stop it with Ctrl-C in its terminal (or \`kill ${listener.pid}\`)`,
    };
  }
  return {
    holder: `${listener.name} (pid ${listener.pid})`,
    stop: `Stop it (\`kill ${listener.pid}\`)`,
  };
};

/**
 * Why `npm start` cannot listen on a port, or `undefined` when it can.
 *
 * @param {{ root: string, port: number, variable: string, role: string, host?: string }} options
 * @returns {Promise<string | undefined>}
 */
export const portProblem = async ({ root, port, variable, role, host = '127.0.0.1' }) => {
  if (port === 0) return undefined;
  const outcome = await probePort(port, host);
  if (outcome === 'free') return undefined;
  const another = port === 65_535 ? port - 1 : port + 1;
  const choose = `choose another port: ${variable}=${another} npm start`;
  if (outcome === 'denied') {
    return `Port ${port} (${variable}, ${role}) needs privileges this user lacks; ${choose}`;
  }
  const { holder, stop } = describePortHolder({ root, port });
  return [
    `Port ${port} (${variable}, ${role}) is in use by ${holder}.`,
    `  ${stop ?? 'Free it'}, or ${choose}.`,
  ].join('\n');
};
