import { describe, expect, it } from 'vitest';
import { newEntry } from '../src/domain/notifications.entity.ts';

describe('a notifications entry', () => {
  it('starts at version 1 with its text trimmed and its creation time', () => {
    const entry = newEntry('e-1', 'alice', '  hello  ', new Date('2026-01-02T03:04:05.000Z'));
    expect(entry).toEqual({
      id: 'e-1',
      authorId: 'alice',
      text: 'hello',
      createdAt: '2026-01-02T03:04:05.000Z',
      version: 1,
    });
  });
});
