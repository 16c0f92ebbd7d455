import * as z from 'zod';

/** ISO 4217 alphabetic code. Shop prices in USD today; the schema accepts any well-formed code. */
export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code such as "USD"')
  .meta({ example: 'USD' });
export type CurrencyCode = z.infer<typeof CurrencyCode>;

/** An amount of money in integer minor units (cents for USD), never a float. */
export const Money = z
  .object({
    amount: z.number().int('must be an integer number of minor units').min(0).max(100_000_000_00),
    currency: CurrencyCode,
  })
  .meta({
    id: 'Money',
    example: { amount: 1999, currency: 'USD' },
    description: 'An amount in integer minor units, e.g. {"amount": 1999, "currency": "USD"} is $19.99.',
  });
export type Money = z.infer<typeof Money>;

export const money = (amount: number, currency = 'USD'): Money => ({ amount, currency });
