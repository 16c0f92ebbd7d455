/** An entry as the service keeps it; `version` guards every conditional write. */
export interface NotificationsEntry {
  readonly id: string;
  readonly authorId: string;
  readonly text: string;
  readonly createdAt: string;
  readonly version: number;
}

export const newEntry = (id: string, authorId: string, text: string, now: Date): NotificationsEntry => ({
  id,
  authorId,
  text: text.trim(),
  createdAt: now.toISOString(),
  version: 1,
});
