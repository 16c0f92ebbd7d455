import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The API reference page: Swagger UI from the `swagger-ui-dist` package, served by the gateway
 * itself, so `/docs` renders with no request leaving the machine (no CDN, no fonts, no validator).
 */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const distDir = (): string => dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

const cache = new Map<string, Buffer>();

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const apiReferencePage = (title: string, documentUrl: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<style>body { margin: 0; } .swagger-ui .topbar { display: none; }</style>
</head>
<body>
<div id="api-reference"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: ${JSON.stringify(documentUrl)},
  dom_id: '#api-reference',
  deepLinking: true,
  validatorUrl: null,
  tryItOutEnabled: true,
  persistAuthorization: true,
});
</script>
</body>
</html>`;

/** One of the renderer's files, or a 404. */
export const serveApiReferenceAsset = async (file: string): Promise<Response> => {
  const type = ASSETS[file];
  if (!type) return new Response(null, { status: 404 });
  let body = cache.get(file);
  if (!body) {
    body = await readFile(join(distDir(), file));
    cache.set(file, body);
  }
  return new Response(new Uint8Array(body), {
    headers: { 'content-type': type, 'cache-control': 'public, max-age=3600' },
  });
};
