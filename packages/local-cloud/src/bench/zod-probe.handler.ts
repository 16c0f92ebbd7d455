import { z } from 'zod';

// A diagnostic bundle for the cold start section: what importing zod alone costs, bundled like a function.
const Probe = z.object({ id: z.string() });

export const handler = (event: unknown) => Probe.parse(event);
