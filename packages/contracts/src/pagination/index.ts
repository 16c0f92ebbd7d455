export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page, PageQuery, page } from './pagination.schema.ts';
