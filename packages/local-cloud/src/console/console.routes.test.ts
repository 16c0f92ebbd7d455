import { describe, expect, it } from 'vitest';
import { buildConsoleAssets, gzippedSizeOf } from './console.routes.ts';

describe('the console assets', () => {
  it('bundle the whole console into one script and one stylesheet, under 200 KB gzipped', async () => {
    const assets = await buildConsoleAssets();
    expect(assets.js.length).toBeGreaterThan(1000);
    expect(assets.css).toContain('.saga-graph');
    const gzipped = gzippedSizeOf(assets);
    process.stderr.write(
      `console assets: ${assets.js.length + assets.css.length} bytes, ${gzipped} gzipped\n`,
    );
    expect(gzipped).toBeLessThan(200 * 1024);
  });
});
