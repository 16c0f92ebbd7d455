import { EventBridgeClient, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { GetAccountSettingsCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { cbor } from '@smithy/core/cbor';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type StartedServer, startEdge } from './edge.server.ts';
import type { EdgeHandler, EdgeRequest } from './edge.types.ts';
import { notEmulatedResponse } from './not-emulated.ts';

const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

/** A served API that fails, to see how an internal error reaches clients of other protocols. */
const failing: EdgeHandler = {
  name: 'failing',
  canHandle: (request) => request.url.searchParams.get('Action') === 'Explode',
  handle: async () => {
    throw new Error('boom');
  },
};

describe('services the edge does not emulate', () => {
  let edge: StartedServer;

  beforeAll(async () => {
    edge = await startEdge([failing]);
  });

  afterAll(async () => {
    await edge?.close();
  });

  it('answers an SNS client (query protocol, XML) with an error it parses, naming SNS and the action', async () => {
    const sns = new SNSClient(clientConfig(edge.url));
    const failure = sns.send(new ListTopicsCommand({}));

    await expect(failure).rejects.toMatchObject({
      name: 'NotImplemented',
      message: 'SNS ListTopics is not emulated by the local AWS edge. It emulates failing.',
      $fault: 'server',
      $metadata: { httpStatusCode: 501, attempts: 1 },
    });
    sns.destroy();
  });

  it('answers an S3 client (REST XML) with an S3 error document naming S3', async () => {
    const s3 = new S3Client({ ...clientConfig(edge.url), forcePathStyle: true });

    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({
      name: 'NotImplemented',
      message: expect.stringMatching(/^S3 request GET \/ is not emulated by the local AWS edge/),
      $metadata: { httpStatusCode: 501, attempts: 1 },
    });
    await expect(
      s3.send(new PutObjectCommand({ Bucket: 'images', Key: 'a.png', Body: 'png' })),
    ).rejects.toMatchObject({
      name: 'NotImplemented',
      message: expect.stringMatching(/^S3 request PUT \/images\/a\.png is not emulated/),
    });
    s3.destroy();
  });

  it('answers an EventBridge client (JSON 1.1) with a JSON error naming EventBridge and the operation', async () => {
    const events = new EventBridgeClient(clientConfig(edge.url));

    await expect(events.send(new ListEventBusesCommand({}))).rejects.toMatchObject({
      name: 'NotImplemented',
      message: expect.stringMatching(/^EventBridge ListEventBuses is not emulated by the local AWS edge/),
      $metadata: { httpStatusCode: 501, attempts: 1 },
    });
    events.destroy();
  });

  it('answers a REST JSON client with the error type header it reads', async () => {
    const lambda = new LambdaClient(clientConfig(edge.url));

    await expect(lambda.send(new GetAccountSettingsCommand({}))).rejects.toMatchObject({
      name: 'NotImplemented',
      message: expect.stringMatching(/^Lambda request GET \/2016-08-19\/account-settings/),
      $metadata: { httpStatusCode: 501 },
    });
    lambda.destroy();
  });

  it('answers EC2-style query and RPC v2 CBOR requests in their own error shapes', async () => {
    const signed = (service: string) =>
      `AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=0`;
    const ec2 = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: signed('ec2') },
      body: 'Action=DescribeInstances&Version=2016-11-15',
    });
    const cloudWatch = await fetch(
      `${edge.url}/service/GraniteServiceVersion20100801/operation/ListMetrics`,
      {
        method: 'POST',
        headers: {
          'smithy-protocol': 'rpc-v2-cbor',
          'content-type': 'application/cbor',
          authorization: signed('monitoring'),
        },
        body: new Uint8Array(cbor.serialize({})),
      },
    );

    expect(ec2.status).toBe(501);
    expect(await ec2.text()).toMatch(
      /<Response><Errors><Error><Code>NotImplemented<\/Code><Message>EC2 DescribeInstances is not emulated/,
    );
    expect(cloudWatch.status).toBe(501);
    expect(cloudWatch.headers.get('smithy-protocol')).toBe('rpc-v2-cbor');
    expect(cbor.deserialize(new Uint8Array(await cloudWatch.arrayBuffer()))).toMatchObject({
      __type: 'NotImplemented',
      message: expect.stringMatching(/^CloudWatch ListMetrics is not emulated by the local AWS edge/),
    });
  });

  it('reports a failure inside a served API in the protocol of its client, details only in the log', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await fetch(`${edge.url}/?Action=Explode&Version=2010-03-31`);

    expect(response.status).toBe(500);
    expect(response.headers.get('content-type')).toBe('text/xml');
    expect(await response.text()).toMatch(
      /<Error><Type>Receiver<\/Type><Code>InternalFailure<\/Code><Message>The local edge failed to handle the request<\/Message><\/Error>/,
    );
    expect(logged).toHaveBeenCalledWith(
      '[edge] request failed',
      expect.objectContaining({ message: 'boom' }),
    );
  });

  it('names what the edge emulates by service name', () => {
    const request: EdgeRequest = {
      method: 'POST',
      url: new URL('http://127.0.0.1/'),
      headers: { 'x-amz-target': 'AWSEvents.PutEvents', 'content-type': 'application/x-amz-json-1.1' },
      body: Buffer.from('{}'),
    };
    const response = notEmulatedResponse(request, {
      served: ['dynamodb', 'sqs', 'stepfunctions', 'lambda', 'sts'],
    });

    expect(JSON.parse(String(response.body))).toEqual({
      __type: 'NotImplemented',
      message:
        'AWSEvents PutEvents is not emulated by the local AWS edge. It emulates DynamoDB, SQS, Step Functions, Lambda, STS.',
    });
  });

  it('says so when a service the edge emulates is reached in a protocol it does not', () => {
    const request: EdgeRequest = {
      method: 'POST',
      url: new URL('http://127.0.0.1/'),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: 'AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, Signature=0',
      },
      body: Buffer.from('Action=ListQueues&Version=2012-11-05'),
    };
    const response = notEmulatedResponse(request, { served: ['sqs'] });

    expect(response.status).toBe(501);
    expect(String(response.body)).toContain(
      '<Message>SQS ListQueues is not emulated by the local AWS edge in the awsQuery protocol. It emulates SQS.</Message>',
    );
  });
});
