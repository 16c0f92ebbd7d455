import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export { isProcessAlive } from './process-alive.mjs';

/** A free TCP port on 127.0.0.1, chosen by the kernel. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/**
 * Makes sure `child` dies with this process even when this process is killed with SIGKILL or crashes
 * hard (no exit handler runs then). A tiny detached shell watches our pid and kills the child's
 * process group once we are gone; it exits on its own when the child exits first.
 */
export const killWithParent = (child: ChildProcess): void => {
  if (!child.pid) return;
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 0.5; done; kill -TERM -${child.pid} 2>/dev/null || kill -TERM ${child.pid} 2>/dev/null; sleep 2; kill -KILL -${child.pid} 2>/dev/null || kill -KILL ${child.pid} 2>/dev/null`;
  const reaper = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  reaper.unref();
};

/** Sends SIGTERM, then SIGKILL after `graceMs`; resolves once the child has exited. */
export const stopChild = (child: ChildProcess, graceMs = 3000): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
