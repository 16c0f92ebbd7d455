import { type AuthVariables, getUser } from '@shop/auth';
import { type Auth, createApp } from '@shop/platform/http';
import type { NotificationsDeps } from '../application/notifications.deps.ts';
import { createEntry } from '../application/notifications.use-cases.ts';
import { entryViewOf } from '../application/notifications-view.mapper.ts';
import { createEntryRoute } from './routes.ts';

export interface NotificationsAppDeps extends NotificationsDeps {
  readonly auth: Auth;
}

export const buildApp = (deps: NotificationsAppDeps) => {
  const app = createApp<AuthVariables>();

  app.openapi(
    { ...createEntryRoute, middleware: [deps.auth.authenticate, deps.auth.requireRole('customer')] },
    async (c) => {
      const entry = await createEntry(deps, {
        authorId: getUser(c).sub,
        text: c.req.valid('json').text,
        correlationId: c.get('correlationId'),
      });
      return c.json(entryViewOf(entry), 201);
    },
  );

  return app;
};
