// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CDK-style ASL placeholders are literally ${Key}
import { describe, expect, it } from 'vitest';
import {
  collectStates,
  evaluateSimplePath,
  lambdaTaskStyle,
  scaleWaitTimes,
  substitutePlaceholders,
  unsupportedFeatures,
  withoutEngineTaskTimeout,
} from './asl-definition.util.ts';

describe('substitutePlaceholders', () => {
  it('replaces ${Key} in every string and reports keys that have no substitution', () => {
    const result = substitutePlaceholders(
      {
        States: { A: { Resource: '${FnArn}', Comment: 'calls ${FnArn} then ${Other}' } },
        Items: ['${Missing}'],
      },
      { FnArn: 'arn:aws:lambda:us-east-1:000000000000:function:a' },
    );
    expect(result.document).toEqual({
      States: {
        A: {
          Resource: 'arn:aws:lambda:us-east-1:000000000000:function:a',
          Comment: 'calls arn:aws:lambda:us-east-1:000000000000:function:a then ${Other}',
        },
      },
      Items: ['${Missing}'],
    });
    expect(result.unknown).toEqual(['Other', 'Missing']);
  });

  it('keeps values with quotes intact because it substitutes parsed strings, not JSON text', () => {
    const result = substitutePlaceholders({ Comment: '${Quote}' }, { Quote: 'say "hi"\\' });
    expect(result.document).toEqual({ Comment: 'say "hi"\\' });
  });
});

describe('collectStates and unsupportedFeatures', () => {
  const machine = {
    StartAt: 'P',
    States: {
      P: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'B1', States: { B1: { Type: 'Pass', End: true } } }],
        Next: 'M',
      },
      M: {
        Type: 'Map',
        ItemProcessor: {
          StartAt: 'Inner',
          States: { Inner: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } },
        },
        End: true,
      },
    },
  };

  it('finds the states of Parallel branches and Map processors', () => {
    expect(collectStates(machine).map((s) => s.name)).toEqual(['P', 'B1', 'M', 'Inner']);
  });

  it('rejects resources the local engine would send to real AWS, JSONata and Assign', () => {
    const problems = unsupportedFeatures({
      ...machine,
      QueryLanguage: 'JSONata',
      States: { ...machine.States, X: { Type: 'Pass', Assign: { a: 1 }, End: true } },
    });
    expect(problems.join('\n')).toMatch(/QueryLanguage JSONata/);
    expect(problems.join('\n')).toMatch(
      /state "Inner": Resource "arn:aws:states:::sqs:sendMessage" is not supported/,
    );
    expect(problems.join('\n')).toMatch(/state "X": Assign/);
  });
});

describe('lambdaTaskStyle', () => {
  it('tells function ARNs from the optimized integration and rejects the rest', () => {
    expect(lambdaTaskStyle('arn:aws:lambda:us-east-1:000000000000:function:reserve-stock')).toBe('function');
    expect(lambdaTaskStyle('arn:aws:lambda:us-east-1:000000000000:function:reserve-stock:live')).toBe(
      'function',
    );
    expect(lambdaTaskStyle('arn:aws:states:::lambda:invoke')).toBe('invoke');
    expect(lambdaTaskStyle('arn:aws:states:::lambda:invoke.waitForTaskToken')).toBeUndefined();
    expect(lambdaTaskStyle('${ReserveStockArn}')).toBeUndefined();
  });
});

describe('scaleWaitTimes', () => {
  it('scales Wait seconds and Retry intervals, defaulting the interval to the engine default of 1 s', () => {
    const scaled = scaleWaitTimes(
      {
        StartAt: 'W',
        States: {
          W: { Type: 'Wait', Seconds: 10, Next: 'T' },
          T: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Retry: [{ ErrorEquals: ['A'], IntervalSeconds: 4, MaxDelaySeconds: 20 }, { ErrorEquals: ['B'] }],
            End: true,
          },
        },
      },
      0.5,
    );
    expect(scaled).toMatchObject({
      States: {
        W: { Seconds: 5 },
        T: { Retry: [{ IntervalSeconds: 2, MaxDelaySeconds: 10 }, { IntervalSeconds: 0.5 }] },
      },
    });
  });
});

describe('evaluateSimplePath', () => {
  it('follows dotted, indexed and quoted segments and gives up on anything else', () => {
    const value = { order: { lines: [{ sku: 'a' }, { sku: 'b' }] }, 'odd key': 1 };
    expect(evaluateSimplePath(value, '$')).toBe(value);
    expect(evaluateSimplePath(value, '$.order.lines[1].sku')).toBe('b');
    expect(evaluateSimplePath(value, "$['odd key']")).toBe(1);
    expect(evaluateSimplePath(value, '$.order.lines[*]')).toBeUndefined();
  });
});

describe('withoutEngineTaskTimeout', () => {
  it('gives Task states without a timeout the longest timer and leaves explicit ones alone', () => {
    const result = withoutEngineTaskTimeout({
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'B' },
        B: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 5, End: true },
      },
    });
    expect(result).toMatchObject({ States: { A: { TimeoutSeconds: 2_147_483 }, B: { TimeoutSeconds: 5 } } });
  });
});
