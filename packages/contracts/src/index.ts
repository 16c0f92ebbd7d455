export { defineEvent, type EventDefinition, EventEnvelope, EventType, parseEvent } from './events/index.ts';
export { CurrencyCode, Money, money } from './money/index.ts';
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT, type Page, PageQuery, page } from './pagination/index.ts';
export { FieldError, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, Problem } from './problem/index.ts';
