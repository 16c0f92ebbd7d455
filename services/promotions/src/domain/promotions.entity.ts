/** An entry as the service keeps it; `version` guards every conditional write. */
export interface PromotionsEntry {
  readonly id: string;
  readonly authorId: string;
  readonly text: string;
  readonly createdAt: string;
  readonly version: number;
}

export const newEntry = (id: string, authorId: string, text: string, now: Date): PromotionsEntry => ({
  id,
  authorId,
  text: text.trim(),
  createdAt: now.toISOString(),
  version: 1,
});
