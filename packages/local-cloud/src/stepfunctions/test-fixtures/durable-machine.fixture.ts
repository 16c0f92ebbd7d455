import { functionArn } from '../../lambda/lambda.types.ts';

/** StepOne -> (skip? Done) -> (fail? Broken) -> Hold -> Done; Hold's result carries the execution's input. */
export const DURABLE_MACHINE = {
  StartAt: 'StepOne',
  States: {
    StepOne: { Type: 'Task', Resource: functionArn('step-one'), ResultPath: '$.one', Next: 'Route' },
    Route: {
      Type: 'Choice',
      Choices: [
        { Variable: '$.skip', IsPresent: true, Next: 'Done' },
        { Variable: '$.fail', IsPresent: true, Next: 'Broken' },
      ],
      Default: 'Hold',
    },
    Hold: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: functionArn('hold'), Payload: { 'original.$': '$$.Execution.Input' } },
      ResultSelector: { 'held.$': '$.Payload' },
      ResultPath: '$.hold',
      Next: 'Done',
    },
    Broken: { Type: 'Fail', Error: 'Broken', Cause: 'failed on purpose' },
    Done: { Type: 'Succeed' },
  },
};
