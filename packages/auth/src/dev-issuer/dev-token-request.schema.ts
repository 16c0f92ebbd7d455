import * as z from 'zod';
import { Role } from '../roles/role.schema.ts';

/** Body of the local gateway's `POST /dev/token`. */
export const DevTokenRequest = z
  .object({
    sub: z
      .string()
      .min(1)
      .max(128)
      .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
    roles: z.array(Role).max(Role.options.length).default(['customer']),
    /** The token's `email` claim: checkout records it on the order, whose emails go there. */
    email: z.email().max(254).optional(),
    expiresInSeconds: z.number().int().min(60).max(86_400).optional(),
  })
  .meta({
    id: 'DevTokenRequest',
    example: { sub: 'alice', roles: ['customer'], email: 'alice@example.com' },
  });
export type DevTokenRequest = z.infer<typeof DevTokenRequest>;
