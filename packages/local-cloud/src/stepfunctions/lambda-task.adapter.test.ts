import { describe, expect, it } from 'vitest';
import { functionFailure, resolveLambdaCall, serviceFailure } from './lambda-task.adapter.ts';
import { StatesRuntimeTaskError } from './task-failure.ts';

describe('functionFailure', () => {
  it('names the error after errorType and gives Lambda error payload JSON as the cause', () => {
    const failure = functionFailure(
      { errorType: 'OutOfStockError', errorMessage: 'none left', trace: ['at x'] },
      false,
    );
    expect(failure.error).toBe('OutOfStockError');
    expect(JSON.parse(failure.cause)).toEqual({
      errorMessage: 'none left',
      errorType: 'OutOfStockError',
      trace: ['at x'],
    });
  });

  it('reports Lambda.Unknown when the function gave no error type', () => {
    const failure = functionFailure({ errorType: '', errorMessage: 'crashed' }, false);
    expect(failure.error).toBe('Lambda.Unknown');
    expect(failure.cause).toMatch(/did not return an error type.*crashed/);
  });

  it('reports a function timeout as Sandbox.Timedout whatever the host called it', () => {
    expect(
      functionFailure({ errorType: 'Whatever', errorMessage: 'Task timed out after 3.00 seconds' }, true)
        .error,
    ).toBe('Sandbox.Timedout');
  });
});

describe('serviceFailure', () => {
  it('prefixes the Lambda exception name, falling back to Lambda.ServiceException', () => {
    const notFound = Object.assign(new Error('Function not found: x'), {
      code: 'ResourceNotFoundException',
      status: 404,
    });
    expect(serviceFailure(notFound).error).toBe('Lambda.ResourceNotFoundException');
    expect(serviceFailure(notFound).cause).toMatch(
      /Function not found: x \(Service: Lambda, Status Code: 404/,
    );
    expect(serviceFailure(new Error('socket hang up')).error).toBe('Lambda.ServiceException');
  });
});

describe('resolveLambdaCall', () => {
  const spec = { stateName: 'S', style: 'invoke', resource: 'arn:aws:states:::lambda:invoke' } as const;

  it('takes FunctionName and Payload from the optimized integration parameters', () => {
    expect(resolveLambdaCall(spec, { FunctionName: 'f', Payload: { a: 1 } })).toEqual({
      functionName: 'f',
      payload: { a: 1 },
    });
    expect(resolveLambdaCall(spec, { FunctionName: 'f' })).toEqual({ functionName: 'f', payload: {} });
  });

  it('fails with an uncatchable States.Runtime error when FunctionName is missing', () => {
    expect(() => resolveLambdaCall(spec, { Payload: {} })).toThrow(StatesRuntimeTaskError);
  });
});
