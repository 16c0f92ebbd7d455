import * as z from 'zod';

export const DEFAULT_PAGE_LIMIT = 20;
export const MAX_PAGE_LIMIT = 100;

/** `?limit=&cursor=` of every list endpoint. The cursor is opaque to clients. */
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
  cursor: z.string().min(1).max(2048).optional(),
});
export type PageQuery = z.infer<typeof PageQuery>;

/** `{ items, nextCursor }`; `nextCursor` is absent on the last page. */
export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    nextCursor: z.string().optional(),
  });
export type Page<T> = { items: T[]; nextCursor?: string };
