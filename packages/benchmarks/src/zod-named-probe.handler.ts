import { z } from 'zod';

// A diagnostic bundle for the cold start section: zod imported as the `z` object, the way
// `@hono/zod-openapi` imports it. That object holds every export, every locale included, so esbuild
// keeps all of them (compare `zod-probe.handler.ts`, the namespace import the shop's code uses).
const Probe = z.object({ id: z.string() });

export const handler = (event: unknown) => Probe.parse(event);
