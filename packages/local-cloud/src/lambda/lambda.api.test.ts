import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvalidParameterValueException,
  InvokeCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  ListVersionsByFunctionCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { createLambdaApi } from './lambda.api.ts';
import { bundleFunctions } from './lambda.bundler.ts';
import { createLambdaHost, type LambdaHost } from './lambda.host.ts';
import { type FunctionSpec, functionArn, LIVE_ALIAS } from './lambda.types.ts';

const fixture = (file: string): string => new URL(`./test-fixtures/${file}`, import.meta.url).pathname;

const specs: FunctionSpec[] = [
  {
    name: 'api-echo',
    entry: fixture('probe.handler.ts'),
    handler: 'echo',
    memoryMb: 128,
    timeoutSeconds: 3,
    environment: { STAGE: 'test' },
  },
  {
    name: 'api-declines',
    entry: fixture('probe.handler.ts'),
    handler: 'fail',
    memoryMb: 128,
    timeoutSeconds: 3,
    environment: {},
  },
  {
    name: 'api-probe',
    entry: fixture('probe.handler.ts'),
    handler: 'handler',
    memoryMb: 256,
    timeoutSeconds: 5,
    environment: {},
  },
  {
    name: 'api-logger',
    entry: fixture('probe.handler.ts'),
    handler: 'logs',
    memoryMb: 128,
    timeoutSeconds: 3,
    environment: {},
  },
  {
    name: 'api-chatty',
    entry: fixture('probe.handler.ts'),
    handler: 'chatty',
    memoryMb: 128,
    timeoutSeconds: 3,
    environment: {},
  },
  {
    name: 'api-short',
    entry: fixture('probe.handler.ts'),
    handler: 'handler',
    memoryMb: 128,
    timeoutSeconds: 0.5,
    environment: {},
  },
];

const encode = (value: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(value));
const decode = (bytes: Uint8Array | undefined): unknown =>
  bytes && bytes.length > 0 ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;

describe('Lambda Invoke API on the edge', () => {
  let outDir: string;
  let host: LambdaHost;
  let edge: StartedServer;
  let lambda: LambdaClient;

  beforeAll(async () => {
    outDir = await mkdtemp(join(tmpdir(), 'lambda-api-'));
    const { bundles } = await bundleFunctions(specs, outDir);
    host = createLambdaHost({ log: () => {} });
    for (const spec of specs) {
      const bundle = bundles[spec.name];
      if (!bundle) throw new Error(`No bundle for ${spec.name}`);
      host.register(spec, bundle);
    }
    edge = await startEdge([createLambdaApi(host)]);
    lambda = new LambdaClient({
      endpoint: edge.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  afterAll(async () => {
    lambda?.destroy();
    await edge?.close();
    await host?.close();
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('invokes a function synchronously and returns its result', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: 'api-echo', Payload: encode({ orderId: 'o-1', lines: [1, 2] }) }),
    );

    expect(response.StatusCode).toBe(200);
    expect(response.ExecutedVersion).toBe('$LATEST');
    expect(response.FunctionError).toBeUndefined();
    expect(decode(response.Payload)).toEqual({ orderId: 'o-1', lines: [1, 2] });
  });

  it('invokes a function by ARN and passes the request id to the context', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionArn('api-probe'), Payload: encode({}) }),
    );
    const result = decode(response.Payload) as {
      context: { awsRequestId: string; invokedFunctionArn: string };
    };

    expect(response.StatusCode).toBe(200);
    expect(result.context.invokedFunctionArn).toBe(functionArn('api-probe'));
    expect(result.context.awsRequestId).toBe(response.$metadata.requestId);
  });

  it('reports a function error with X-Amz-Function-Error and the Lambda error body', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: 'api-declines', Payload: encode({ reason: 'insufficient funds' }) }),
    );
    const body = decode(response.Payload) as { errorType: string; errorMessage: string; trace: string[] };

    expect(response.StatusCode).toBe(200);
    expect(response.FunctionError).toBe('Unhandled');
    expect(body.errorType).toBe('PaymentDeclinedError');
    expect(body.errorMessage).toBe('insufficient funds');
    expect(body.trace[0]).toBe('PaymentDeclinedError: insufficient funds');
  });

  it('accepts an Event invocation with 202 and runs it in the background', async () => {
    const response = await lambda.send(
      new InvokeCommand({
        FunctionName: 'api-probe',
        InvocationType: 'Event',
        Payload: encode({ sleepMs: 300 }),
      }),
    );

    expect(response.StatusCode).toBe(202);
    expect(response.Payload?.length ?? 0).toBe(0);
    expect(host.get('api-probe')?.busyEnvironments).toBe(1);
    await expect.poll(() => host.get('api-probe')?.busyEnvironments, { timeout: 3_000 }).toBe(0);
  });

  it('answers a DryRun with 204 without running the function', async () => {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: 'api-echo', InvocationType: 'DryRun' }),
    );

    expect(response.StatusCode).toBe(204);
  });

  it('answers 404 ResourceNotFoundException for an unknown function', async () => {
    const failure = lambda.send(new InvokeCommand({ FunctionName: 'no-such-function', Payload: encode({}) }));

    await expect(failure).rejects.toBeInstanceOf(ResourceNotFoundException);
    await expect(failure).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
      message: `Function not found: ${functionArn('no-such-function')}`,
    });
  });

  it('answers 404 for a qualifier other than $LATEST', async () => {
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: 'api-echo', Qualifier: 'prod', Payload: encode({}) })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  it('answers 400 InvalidRequestContentException for a payload that is not JSON', async () => {
    const response = await fetch(`${edge.url}/2015-03-31/functions/api-echo/invocations`, {
      method: 'POST',
      body: '{not json',
    });

    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('InvalidRequestContentException');
    expect(await response.json()).toMatchObject({ Type: 'User', message: expect.stringContaining('json') });
  });

  it('lists the registered functions and describes their configuration', async () => {
    const list = await lambda.send(new ListFunctionsCommand({}));
    const config = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-echo' }));

    expect(list.Functions?.map((f) => f.FunctionName).sort()).toEqual(specs.map((s) => s.name).sort());
    expect(config).toMatchObject({
      FunctionName: 'api-echo',
      FunctionArn: functionArn('api-echo'),
      Runtime: 'nodejs24.x',
      Handler: 'api-echo.echo',
      MemorySize: 128,
      Timeout: 3,
      Environment: { Variables: { STAGE: 'test' } },
    });
  });
  describe('qualifiers and the live alias', () => {
    const invokedArnOf = (response: { Payload?: Uint8Array }) =>
      (decode(response.Payload) as { context: { invokedFunctionArn: string } }).context.invokedFunctionArn;

    it('invokes the live alias the CDK app defines, by name:live, by Qualifier and by alias ARN', async () => {
      const byName = await lambda.send(
        new InvokeCommand({ FunctionName: 'api-probe:live', Payload: encode({}) }),
      );
      const byQualifier = await lambda.send(
        new InvokeCommand({ FunctionName: 'api-probe', Qualifier: LIVE_ALIAS, Payload: encode({}) }),
      );
      const byArn = await lambda.send(
        new InvokeCommand({ FunctionName: `${functionArn('api-probe')}:live`, Payload: encode({}) }),
      );

      for (const response of [byName, byQualifier, byArn]) {
        expect(response.StatusCode).toBe(200);
        expect(response.ExecutedVersion).toBe('$LATEST');
        expect(invokedArnOf(response)).toBe(`${functionArn('api-probe')}:live`);
      }
    });

    it('invokes $LATEST by qualifier, with the qualified ARN in the context', async () => {
      const response = await lambda.send(
        new InvokeCommand({ FunctionName: 'api-probe', Qualifier: '$LATEST', Payload: encode({}) }),
      );

      expect(response.ExecutedVersion).toBe('$LATEST');
      expect(invokedArnOf(response)).toBe(`${functionArn('api-probe')}:$LATEST`);
    });

    it('answers 404 naming the qualified ARN for an unknown alias or version', async () => {
      for (const qualifier of ['prod', '1']) {
        await expect(
          lambda.send(new InvokeCommand({ FunctionName: `api-echo:${qualifier}`, Payload: encode({}) })),
        ).rejects.toMatchObject({
          name: 'ResourceNotFoundException',
          message: `Function not found: ${functionArn('api-echo')}:${qualifier}`,
          $metadata: { httpStatusCode: 404 },
        });
      }
    });

    it('refuses a Qualifier that contradicts the one in the name', async () => {
      const failure = lambda.send(
        new InvokeCommand({ FunctionName: 'api-echo:live', Qualifier: '$LATEST', Payload: encode({}) }),
      );

      await expect(failure).rejects.toBeInstanceOf(InvalidParameterValueException);
      await expect(failure).rejects.toMatchObject({
        message: 'The derived qualifier from the function name does not match the specified qualifier.',
      });
    });

    it('refuses a malformed function name or qualifier with ValidationException', async () => {
      await expect(
        lambda.send(new InvokeCommand({ FunctionName: 'api echo', Payload: encode({}) })),
      ).rejects.toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } });
      await expect(
        lambda.send(new InvokeCommand({ FunctionName: 'api-echo', Qualifier: 'bad!', Payload: encode({}) })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining("Value 'bad!' at 'qualifier' failed to satisfy constraint"),
      });
    });

    it('answers 404 for an ARN of another region', async () => {
      await expect(
        lambda.send(
          new InvokeCommand({ FunctionName: functionArn('api-echo', 'eu-west-1'), Payload: encode({}) }),
        ),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
      });
    });

    it('describes a function through its alias with the alias ARN', async () => {
      const viaAlias = await lambda.send(
        new GetFunctionCommand({ FunctionName: 'api-echo', Qualifier: 'live' }),
      );
      const plain = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-echo' }));

      expect(viaAlias.Configuration).toMatchObject({
        FunctionName: 'api-echo',
        FunctionArn: `${functionArn('api-echo')}:live`,
        Version: '$LATEST',
      });
      expect(plain.FunctionArn).toBe(functionArn('api-echo'));
      await expect(
        lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'api-echo', Qualifier: 'prod' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('gets and lists the live alias, pointing at $LATEST', async () => {
      const alias = await lambda.send(new GetAliasCommand({ FunctionName: 'api-echo', Name: 'live' }));
      const aliases = await lambda.send(new ListAliasesCommand({ FunctionName: functionArn('api-echo') }));
      const ofVersionOne = await lambda.send(
        new ListAliasesCommand({ FunctionName: 'api-echo', FunctionVersion: '1' }),
      );

      expect(alias).toMatchObject({
        AliasArn: `${functionArn('api-echo')}:live`,
        Name: 'live',
        FunctionVersion: '$LATEST',
        RevisionId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(aliases.Aliases).toEqual([
        {
          AliasArn: alias.AliasArn,
          Name: 'live',
          FunctionVersion: '$LATEST',
          Description: '',
          RevisionId: alias.RevisionId,
        },
      ]);
      expect(ofVersionOne.Aliases).toEqual([]);
      await expect(
        lambda.send(new GetAliasCommand({ FunctionName: 'api-echo', Name: 'prod' })),
      ).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
        message: `Cannot find alias arn: ${functionArn('api-echo')}:prod`,
      });
      await expect(
        lambda.send(new ListAliasesCommand({ FunctionName: 'no-such-function' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('lists $LATEST as the one version of a function', async () => {
      const { Versions } = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: 'api-echo' }));

      expect(Versions?.map((v) => [v.Version, v.FunctionArn])).toEqual([
        ['$LATEST', `${functionArn('api-echo')}:$LATEST`],
      ]);
    });
  });

  it('says a Lambda operation it does not serve is not emulated, and which ones are', async () => {
    await expect(lambda.send(new DeleteFunctionCommand({ FunctionName: 'api-echo' }))).rejects.toMatchObject({
      name: 'NotImplemented',
      message: expect.stringMatching(
        /^Lambda request DELETE \/2015-03-31\/functions\/api-echo is not emulated by the local AWS edge\. It emulates Invoke, .*GetAlias/,
      ),
      $metadata: { httpStatusCode: 501 },
    });
    expect(host.get('api-echo')).toBeDefined();
  });
  describe('LogType Tail', () => {
    const logOf = (response: { LogResult?: string }): string[] =>
      Buffer.from(response.LogResult ?? '', 'base64')
        .toString('utf8')
        .split('\n');
    const report = (requestId: string, rest: string) =>
      new RegExp(
        `^REPORT RequestId: ${requestId}\tDuration: \\d+\\.\\d{2} ms\tBilled Duration: \\d+ ms\tMemory Size: 128 MB\tMax Memory Used: \\d+ MB\t${rest}$`,
      );

    it('returns the invocation log with START, END and REPORT lines, Init Duration on the cold start only', async () => {
      const cold = await lambda.send(new InvokeCommand({ FunctionName: 'api-logger', LogType: 'Tail' }));
      const warm = await lambda.send(
        new InvokeCommand({ FunctionName: 'api-logger', Qualifier: 'live', LogType: 'Tail' }),
      );

      for (const [response, rest] of [
        [cold, 'Init Duration: \\d+\\.\\d{2} ms\t'],
        [warm, ''],
      ] as const) {
        const id = response.$metadata.requestId ?? '';
        const [start, first, second, third, end, reportLine, last, ...more] = logOf(response);
        expect([start, first, second, third, end]).toEqual([
          `START RequestId: ${id} Version: $LATEST`,
          JSON.stringify({ level: 'INFO', message: 'first' }),
          'second line',
          'third line',
          `END RequestId: ${id}`,
        ]);
        expect(reportLine).toMatch(report(id, rest));
        expect([last, ...more]).toEqual(['']);
        expect(decode(response.Payload)).toBe('logged');
      }
    });

    it('keeps the last 4 KB of a longer log, the REPORT line included', async () => {
      const response = await lambda.send(
        new InvokeCommand({ FunctionName: 'api-chatty', LogType: 'Tail', Payload: encode({ lines: 100 }) }),
      );
      const bytes = Buffer.from(response.LogResult ?? '', 'base64');
      const text = bytes.toString('utf8');

      expect(bytes.length).toBe(4096);
      expect(text).toContain(
        `line 0100 ${'.'.repeat(90)}\nEND RequestId: ${response.$metadata.requestId}\nREPORT`,
      );
      expect(text).not.toContain('line 0001');
      expect(text).not.toContain('START RequestId');
      expect(text.endsWith('\t\n')).toBe(true);
    });

    it('reports a timeout in the log with Status: timeout', async () => {
      const response = await lambda.send(
        new InvokeCommand({
          FunctionName: 'api-short',
          LogType: 'Tail',
          Payload: encode({ sleepMs: 2_000 }),
        }),
      );
      const id = response.$metadata.requestId ?? '';
      const lines = logOf(response);

      expect(response.FunctionError).toBe('Unhandled');
      expect(lines).toContain(`${id} Task timed out after 0.50 seconds`);
      expect(lines.find((line) => line.startsWith('REPORT'))).toMatch(/\tStatus: timeout\t$/);
    });

    it('returns no log without LogType Tail, nor for an Event invocation', async () => {
      const plain = await lambda.send(new InvokeCommand({ FunctionName: 'api-logger' }));
      const event = await lambda.send(
        new InvokeCommand({ FunctionName: 'api-logger', InvocationType: 'Event', LogType: 'Tail' }),
      );

      expect(plain.LogResult).toBeUndefined();
      expect(event.StatusCode).toBe(202);
      expect(event.LogResult).toBeUndefined();
    });

    it('refuses a LogType other than None and Tail', async () => {
      await expect(
        lambda.send(new InvokeCommand({ FunctionName: 'api-logger', LogType: 'All' as 'Tail' })),
      ).rejects.toMatchObject({
        name: 'ValidationException',
        message: expect.stringContaining("Value 'All' at 'logType'"),
      });
    });
  });
});
