import { describe, expect, it } from 'vitest';
import { processCpuMs, readCpu } from './cpu.meter.ts';

const burn = (ms: number): void => {
  const start = process.threadCpuUsage();
  for (;;) {
    const used = process.threadCpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
};

describe.runIf(process.platform === 'linux')('cpu meter', () => {
  it('reads a process CPU time from /proc, as process.cpuUsage() counts it', () => {
    const before = processCpuMs(process.pid);
    const own = process.cpuUsage();
    burn(200);
    const after = processCpuMs(process.pid);
    const used = process.cpuUsage(own);
    const ownMs = (used.user + used.system) / 1000;

    expect(before).toBeTypeOf('number');
    // /proc counts in clock ticks (10 ms).
    expect((after ?? 0) - (before ?? 0)).toBeGreaterThanOrEqual(180);
    expect((after ?? 0) - (before ?? 0)).toBeLessThan(ownMs + 30);
  });

  it('counts this process in nodeMs and leaves the other process undefined when it does not exist', () => {
    const before = readCpu(2 ** 22 + 1);
    burn(100);
    const after = readCpu(2 ** 22 + 1);

    expect(after.nodeMs - before.nodeMs).toBeGreaterThanOrEqual(100);
    expect(after.otherMs).toBeUndefined();
  });
});
