import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executionViewOf, type HistoryEventLike } from './execution-view.ts';
import { stateGraphOf } from './state-graph.ts';

const checkoutAsl = JSON.parse(
  readFileSync(new URL('../../../../../services/order/src/saga/checkout.asl.json', import.meta.url), 'utf8'),
) as unknown;

const entered = (type: string, name: string, input = '{}'): HistoryEventLike => ({
  type: `${type}StateEntered`,
  timestamp: '2026-12-02T10:00:00.000Z',
  stateEnteredEventDetails: { name, input },
});
const exited = (type: string, name: string, output = '{}'): HistoryEventLike => ({
  type: `${type}StateExited`,
  timestamp: '2026-12-02T10:00:01.000Z',
  stateExitedEventDetails: { name, output },
});
const scheduled: HistoryEventLike = { type: 'LambdaFunctionScheduled' };
const failed = (error: string): HistoryEventLike => ({
  type: 'LambdaFunctionFailed',
  lambdaFunctionFailedEventDetails: { error, cause: `${error} happened` },
});

describe('the saga graph', () => {
  it('lays out every state of the checkout saga, start on top, with next, choice and catch edges', () => {
    const graph = stateGraphOf(checkoutAsl);
    const names = Object.keys((checkoutAsl as { States: object }).States);
    expect(graph.nodes.map((n) => n.name).sort()).toEqual([...names].sort());
    const place = graph.nodes.find((n) => n.name === 'PlaceOrder');
    expect(place?.layer).toBe(0);
    const reserve = graph.nodes.find((n) => n.name === 'ReserveStock');
    const confirm = graph.nodes.find((n) => n.name === 'ConfirmOrder');
    expect(reserve && confirm && reserve.layer < confirm.layer).toBe(true);
    expect(graph.edges).toContainEqual({ from: 'PlaceOrder', to: 'ReserveStock', kind: 'next' });
    expect(graph.edges).toContainEqual(
      expect.objectContaining({
        from: 'AuthorizePayment',
        to: 'ReleaseAfterDecline',
        kind: 'catch',
        label: 'PaymentDeclined',
      }),
    );
    expect(
      graph.edges.some(
        (e) => e.from === 'WasStockCommitted' && (e.kind === 'choice' || e.kind === 'default'),
      ),
    ).toBe(true);
    // No two nodes overlap.
    const spots = new Set(graph.nodes.map((n) => `${n.x},${n.y}`));
    expect(spots.size).toBe(graph.nodes.length);
    expect(graph.width).toBeGreaterThan(0);
    expect(graph.height).toBeGreaterThan(0);
  });

  it('draws nothing for something that is not a state machine', () => {
    expect(stateGraphOf({ nope: true }).nodes).toEqual([]);
  });
});

describe('the execution view', () => {
  it('marks the compensation path of a declined card: authorize caught, release and reject succeeded', () => {
    const view = executionViewOf([
      { type: 'ExecutionStarted' },
      entered('Task', 'PlaceOrder'),
      scheduled,
      exited('Task', 'PlaceOrder'),
      entered('Task', 'AuthorizePayment', '{"orderId":"o1"}'),
      scheduled,
      failed('PaymentDeclined'),
      entered('Task', 'ReleaseAfterDecline'),
      scheduled,
      exited('Task', 'ReleaseAfterDecline'),
      entered('Fail', 'OrderRejected'),
      { type: 'ExecutionFailed', executionFailedEventDetails: { error: 'OrderRejected' } },
    ]);
    expect(view.status).toBe('FAILED');
    expect(view.states.get('PlaceOrder')?.status).toBe('succeeded');
    expect(view.states.get('AuthorizePayment')).toMatchObject({
      status: 'caught',
      attempts: 1,
      input: { orderId: 'o1' },
      error: { error: 'PaymentDeclined', cause: 'PaymentDeclined happened' },
    });
    expect(view.states.get('ReleaseAfterDecline')?.status).toBe('succeeded');
    expect(view.states.get('OrderRejected')?.status).toBe('failed');
    expect([...view.taken]).toEqual([
      'PlaceOrder->AuthorizePayment',
      'AuthorizePayment->ReleaseAfterDecline',
      'ReleaseAfterDecline->OrderRejected',
    ]);
  });

  it('calls a state caught when it is left after a failed last attempt, even with an exit recorded', () => {
    const view = executionViewOf([
      entered('Task', 'AuthorizePayment'),
      scheduled,
      failed('PaymentDeclined'),
      exited('Task', 'AuthorizePayment'),
      entered('Task', 'ReleaseAfterDecline'),
    ]);
    expect(view.states.get('AuthorizePayment')?.status).toBe('caught');
  });

  it('counts retries, and shows a state still running', () => {
    const view = executionViewOf([
      entered('Task', 'AuthorizePayment'),
      scheduled,
      failed('PaymentProviderUnavailable'),
      scheduled,
      failed('PaymentProviderUnavailable'),
      scheduled,
      { type: 'LambdaFunctionSucceeded' },
      exited('Task', 'AuthorizePayment', '{"status":"AUTHORIZED"}'),
      entered('Task', 'ConfirmOrder'),
      scheduled,
    ]);
    expect(view.status).toBe('RUNNING');
    expect(view.states.get('AuthorizePayment')).toMatchObject({
      status: 'succeeded',
      attempts: 3,
      output: { status: 'AUTHORIZED' },
    });
    expect(view.states.get('ConfirmOrder')?.status).toBe('running');
  });

  it('marks the state where an execution failed without a catch', () => {
    const view = executionViewOf([
      entered('Task', 'CapturePayment'),
      scheduled,
      failed('States.Runtime'),
      { type: 'ExecutionFailed', executionFailedEventDetails: { error: 'States.Runtime' } },
    ]);
    expect(view.states.get('CapturePayment')).toMatchObject({
      status: 'failed',
      error: { error: 'States.Runtime' },
    });
  });
});
