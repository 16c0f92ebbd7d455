import { describe, expect, it } from 'vitest';
import { placeOrder } from '../src/domain/order.entity.ts';
import { orderOf } from '../src/infrastructure/stored-item.schemas.ts';
import { sagaInput } from './order.fixtures.ts';

describe('the stored order', () => {
  const order = placeOrder(sagaInput());
  const item = { pk: `ORDER#${order.id}`, sk: 'ORDER', kind: 'order', ...order };

  it('reads back as the order that was written, without its keys', () => {
    expect(orderOf(JSON.parse(JSON.stringify(item)))).toEqual(order);
  });

  it('reads an order stored before promotions with a zero discount in its currency', () => {
    const { discount: _discount, ...totals } = order.totals;
    expect(orderOf({ ...item, totals }).totals.discount).toEqual({
      amount: 0,
      currency: order.totals.subtotal.currency,
    });
  });

  it.each([
    ['a missing member', { statusHistory: undefined }],
    ['an unknown status', { status: 'SHIPPED' }],
    ['a number stored as a string', { version: '1' }],
    ['a line without its price', { lines: [{ ...order.lines[0], unitPrice: undefined }] }],
  ])('refuses an item with %s', (_case, change) => {
    expect(() => orderOf({ ...item, ...change })).toThrow();
  });
});
