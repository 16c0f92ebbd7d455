export { CurrencyCode, Money, money } from './money.schema.ts';
