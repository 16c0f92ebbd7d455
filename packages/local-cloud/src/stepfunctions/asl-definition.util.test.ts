// biome-ignore-all lint/suspicious/noTemplateCurlyInString: CDK-style ASL placeholders are literally ${Key}
import { describe, expect, it } from 'vitest';
import {
  collectStates,
  evaluateSimplePath,
  historyResourceOf,
  lambdaTaskStyle,
  RESUME_STATE,
  resumedAt,
  scaleWaitTimes,
  substitutePlaceholders,
  taskIntegrationOf,
  topLevelStateNames,
  unsupportedFeatures,
  withHeartbeatTimeoutMatching,
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
          States: { Inner: { Type: 'Task', Resource: 'arn:aws:states:::sns:publish', End: true } },
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
      States: {
        ...machine.States,
        X: { Type: 'Pass', Assign: { a: 1 }, End: true },
        H: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          HeartbeatSecondsPath: '$.hb',
          End: true,
        },
      },
    });
    expect(problems.join('\n')).toMatch(/QueryLanguage JSONata/);
    expect(problems.join('\n')).toMatch(
      /state "Inner": Resource "arn:aws:states:::sns:publish" is not supported/,
    );
    expect(problems.join('\n')).toMatch(/state "X": Assign/);
    expect(problems.join('\n')).toMatch(/state "H": HeartbeatSecondsPath/);
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

describe('taskIntegrationOf', () => {
  it('knows Lambda, the SQS and DynamoDB integrations and the callback pattern, and nothing else', () => {
    expect(taskIntegrationOf('arn:aws:lambda:us-east-1:000000000000:function:f')).toEqual({
      service: 'lambda',
      style: 'function',
      waitForTaskToken: false,
    });
    const invokeAndWait = taskIntegrationOf('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(invokeAndWait).toEqual({ service: 'lambda', style: 'invoke', waitForTaskToken: true });
    const sqs = taskIntegrationOf('arn:aws:states:::sqs:sendMessage.waitForTaskToken');
    expect(sqs && historyResourceOf(sqs)).toBe('sendMessage.waitForTaskToken');
    const getItem = taskIntegrationOf('arn:aws:states:::dynamodb:getItem');
    expect(getItem && historyResourceOf(getItem)).toBe('getItem');
    // AWS offers DynamoDB's integration only as request-response.
    expect(taskIntegrationOf('arn:aws:states:::dynamodb:putItem.waitForTaskToken')).toBeUndefined();
    expect(taskIntegrationOf('arn:aws:states:::dynamodb:query')).toBeUndefined();
    expect(taskIntegrationOf('arn:aws:states:::lambda:invoke.sync')).toBeUndefined();
    expect(taskIntegrationOf('arn:aws:states:::sns:publish')).toBeUndefined();
  });
});

describe('withHeartbeatTimeoutMatching', () => {
  it('lets States.Timeout rules of heartbeat tasks also match States.HeartbeatTimeout, and leaves others alone', () => {
    const result = withHeartbeatTimeoutMatching({
      StartAt: 'Wait',
      States: {
        Wait: {
          Type: 'Task',
          Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
          HeartbeatSeconds: 5,
          Retry: [{ ErrorEquals: ['States.Timeout'] }, { ErrorEquals: ['Other'] }],
          Catch: [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'], Next: 'Done' }],
          Next: 'Plain',
        },
        Plain: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Retry: [{ ErrorEquals: ['States.Timeout'] }],
          Next: 'Done',
        },
        Done: { Type: 'Succeed' },
      },
    });
    expect(result).toMatchObject({
      States: {
        Wait: {
          Retry: [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'] }, { ErrorEquals: ['Other'] }],
          Catch: [{ ErrorEquals: ['States.Timeout', 'States.HeartbeatTimeout'] }],
        },
        Plain: { Retry: [{ ErrorEquals: ['States.Timeout'] }] },
      },
    });
  });
});

describe('resumedAt and topLevelStateNames', () => {
  it('starts the copy with a Pass state that hands the given input (falsy ones too) to the resumed state', () => {
    const machine = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Succeed' } } };
    const resumed = resumedAt(machine, 'B', 0);
    expect(resumed.StartAt).toBe(RESUME_STATE);
    expect(resumed.States).toMatchObject({
      [RESUME_STATE]: { Type: 'Pass', Result: { input: 0 }, OutputPath: '$.input', Next: 'B' },
      A: { Type: 'Pass' },
    });
    expect(machine.StartAt).toBe('A');
    expect([...topLevelStateNames(machine)]).toEqual(['A', 'B']);
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
