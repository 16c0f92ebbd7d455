import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { Hono } from 'hono';
import type { BuiltinHandler } from '../gateway/gateway.types.ts';
import { type ConsoleApiOptions, createConsoleApi } from './console.api.ts';

export interface ConsoleAssets {
  readonly js: string;
  readonly css: string;
}

/** The console's browser code, bundled by the esbuild the repository already has (minified, one file each). */
export const buildConsoleAssets = async (): Promise<ConsoleAssets> => {
  const result = await build({
    entryPoints: [new URL('./app/main.tsx', import.meta.url).pathname],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    write: false,
    outdir: 'console',
    entryNames: 'console',
    logLevel: 'silent',
  });
  const fileOf = (extension: string) =>
    result.outputFiles.find((file) => file.path.endsWith(extension))?.text ?? '';
  return { js: fileOf('.js'), css: fileOf('.css') };
};

/** Gzipped bytes of the assets: what a browser downloads. */
export const gzippedSizeOf = (assets: ConsoleAssets): number =>
  gzipSync(assets.js).length + gzipSync(assets.css).length;

const SHELL = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Shop console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
</head>
<body>
<div id="console"></div>
<script type="module" src="/console/assets/console.js"></script>
</body>
</html>`;

/**
 * The local console at `/console` (local only, like `/dev/token`): the page, its assets (built on
 * the first visit and kept), and its JSON API under `/console/api`.
 */
export const createConsoleRoutes = (
  options: ConsoleApiOptions,
): { routes: BuiltinHandler; close: () => void } => {
  const consoleApi = createConsoleApi(options);
  let assets: Promise<ConsoleAssets> | undefined;
  const assetsOnce = () => {
    assets ??= buildConsoleAssets();
    return assets;
  };
  const app = new Hono();
  app.get('/console', (c) => c.html(SHELL));
  app.get('/console/', (c) => c.redirect('/console'));
  app.get('/console/assets/console.js', async (c) =>
    c.body((await assetsOnce()).js, 200, {
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'no-cache',
    }),
  );
  app.get('/console/assets/console.css', async (c) =>
    c.body((await assetsOnce()).css, 200, {
      'content-type': 'text/css; charset=utf-8',
      'cache-control': 'no-cache',
    }),
  );
  app.route('/console/api', consoleApi.app);
  app.onError((error, c) => {
    console.error('[console] request failed', error);
    return c.json({ title: 'The console failed to answer', detail: error.message }, 500);
  });
  const unmatched = new WeakSet<Response>();
  app.notFound(() => {
    const response = new Response(null, { status: 404 });
    unmatched.add(response);
    return response;
  });
  return {
    routes: async (request) => {
      if (!new URL(request.url).pathname.startsWith('/console')) return undefined;
      const response = await app.fetch(request);
      return unmatched.has(response) ? undefined : response;
    },
    close: consoleApi.close,
  };
};
