import { TASK_INPUT_INVALID } from '@shop/contracts/saga';
import type { TestDynamoDb } from '@shop/local-cloud/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGetEntryFunction } from '../src/application/get-entry.use-case.ts';
import type { NotificationsDeps } from '../src/application/notifications.deps.ts';
import { createEntry } from '../src/application/notifications.use-cases.ts';
import { newEntry } from '../src/domain/notifications.entity.ts';
import { outboxEvents, startNotificationsDb } from './notifications.fixture.ts';

let db: TestDynamoDb;
let deps: NotificationsDeps;

beforeAll(async () => {
  ({ db, deps } = await startNotificationsDb());
});
afterAll(() => db.stop());

describe('createEntry', () => {
  it('stores the entry and publishes notifications.entry-created through the outbox, once', async () => {
    const entry = await createEntry(deps, { authorId: 'alice', text: 'first', correlationId: 'corr-1' });
    expect(await deps.entries.get(entry.id)).toEqual(entry);
    const events = (await outboxEvents(db)).filter((event) => event.correlationId === 'corr-1');
    expect(events).toEqual([
      expect.objectContaining({
        type: 'notifications.entry-created',
        data: { entryId: entry.id, authorId: 'alice' },
      }),
    ]);
  });
});

describe('the DynamoDB repository', () => {
  it('refuses to create an entry twice', async () => {
    const entry = newEntry(crypto.randomUUID(), 'bob', 'once', new Date());
    expect(await deps.entries.create(entry, [])).toBe(true);
    expect(await deps.entries.create(entry, [])).toBe(false);
  });
});

describe('the getEntry function', () => {
  it('answers an entry, null for an unknown one, and TaskInputInvalid outside its contract', async () => {
    const getEntry = createGetEntryFunction(deps);
    const entry = await createEntry(deps, { authorId: 'carol', text: 'hi', correlationId: 'corr-2' });
    expect(await getEntry({ entryId: entry.id })).toEqual({
      entry: { id: entry.id, authorId: 'carol', text: 'hi', createdAt: entry.createdAt },
    });
    expect(await getEntry({ entryId: 'nope' })).toEqual({ entry: null });
    await expect(getEntry({})).rejects.toMatchObject({ name: TASK_INPUT_INVALID });
  });
});
