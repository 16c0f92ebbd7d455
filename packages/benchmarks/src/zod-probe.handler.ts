import * as z from 'zod';

// A diagnostic bundle for the cold start section: what importing zod costs, bundled like a function,
// imported as a namespace (as the shop's own code does), so esbuild keeps only what is reachable.
const Probe = z.object({ id: z.string() });

export const handler = (event: unknown) => Probe.parse(event);
