/**
 * A process that runs a durable emulator until it is killed: `node durable-emulator.fixture.ts <dataDir>`.
 * It creates the `durable` state machine, lets one execution succeed and one fail, and starts one whose
 * `Hold` task never returns; it prints `ready` once that task runs, and waits to be killed.
 */
import { functionArn, type InvokeResult, type LambdaInvoker } from '../../lambda/lambda.types.ts';
import { StepFunctionsEmulator } from '../stepfunctions.emulator.ts';
import { DURABLE_MACHINE } from './durable-machine.fixture.ts';

const [dataDir] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: durable-emulator.fixture.ts <dataDir>');

let holding: () => void = () => undefined;
const held = new Promise<void>((resolve) => {
  holding = resolve;
});
const invoker: LambdaInvoker = {
  async invoke(nameOrArn, payload): Promise<InvokeResult> {
    if (nameOrArn === functionArn('hold')) {
      holding();
      // Never returns: the process is killed while the task runs.
      await new Promise(() => undefined);
    }
    return { ok: true, payload: { stepOne: payload } };
  },
};

const emulator = new StepFunctionsEmulator({ invoker, dataDir, waitTimeScale: 0.001 });
const { stateMachineArn } = emulator.createStateMachine({
  name: 'durable',
  definition: JSON.stringify(DURABLE_MACHINE),
});
const finished = emulator.startExecution({
  stateMachineArn,
  name: 'finished',
  input: '{"orderId":"o-0","skip":true}',
});
await emulator.waitForExecution(finished.executionArn, 10_000);
const failed = emulator.startExecution({
  stateMachineArn,
  name: 'failed',
  input: '{"orderId":"o-9","fail":true}',
});
await emulator.waitForExecution(failed.executionArn, 10_000);
emulator.startExecution({ stateMachineArn, name: 'interrupted', input: '{"orderId":"o-1"}' });
await held;
process.stdout.write('ready\n');
setInterval(() => undefined, 60_000);
