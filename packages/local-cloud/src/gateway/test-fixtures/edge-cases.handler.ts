import { createApp, createHttpHandler } from '@shop/platform/http';

// A service-shaped HTTP function: the platform's app and Lambda entry point, as every service has.
const app = createApp();
app.get('/items', (c) => c.json({ items: [] }, 200));
app.post('/items', async (c) => c.json({ size: (await c.req.arrayBuffer()).byteLength }, 201));
app.get('/slow', async (c) => {
  await new Promise((resolve) => setTimeout(resolve, Number(c.req.query('ms') ?? '300')));
  return c.json({ slept: true }, 200);
});

export const handler = createHttpHandler(app);
