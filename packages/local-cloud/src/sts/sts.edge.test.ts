import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { LOCAL_ACCOUNT_ID } from '../lambda/lambda.types.ts';
import { createStsEdgeHandler } from './sts.edge.ts';

const sts = (endpoint: string, accessKeyId = 'test') =>
  new STSClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId, secretAccessKey: 'test' },
  });

describe('STS on the edge', () => {
  let edge: StartedServer;

  beforeAll(async () => {
    edge = await startEdge([createStsEdgeHandler()]);
  });

  afterAll(async () => {
    await edge?.close();
  });

  it('answers GetCallerIdentity with the local account, its root ARN and the access key as user id', async () => {
    const client = sts(edge.url, 'AKIDLOCALEXAMPLE');
    const identity = await client.send(new GetCallerIdentityCommand({}));

    expect(identity).toMatchObject({
      Account: LOCAL_ACCOUNT_ID,
      Arn: `arn:aws:iam::${LOCAL_ACCOUNT_ID}:root`,
      UserId: 'AKIDLOCALEXAMPLE',
      $metadata: { httpStatusCode: 200, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    client.destroy();
  });

  it('answers the query protocol over GET too, as XML', async () => {
    const response = await fetch(`${edge.url}/?Action=GetCallerIdentity&Version=2011-06-15`, {
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=key-1/20260101/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=0',
      },
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/xml');
    expect(await response.text()).toContain(
      `<GetCallerIdentityResult><Arn>arn:aws:iam::${LOCAL_ACCOUNT_ID}:root</Arn><UserId>key-1</UserId><Account>${LOCAL_ACCOUNT_ID}</Account></GetCallerIdentityResult>`,
    );
  });

  it('refuses an unsigned GetCallerIdentity as STS does', async () => {
    const response = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetCallerIdentity&Version=2011-06-15',
    });

    expect(response.status).toBe(403);
    expect(await response.text()).toContain('<Code>MissingAuthenticationToken</Code>');
  });

  it('says an STS action other than GetCallerIdentity is not emulated', async () => {
    const client = sts(edge.url);

    await expect(
      client.send(
        new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/x', RoleSessionName: 's' }),
      ),
    ).rejects.toMatchObject({
      name: 'NotImplemented',
      message: 'STS AssumeRole is not emulated by the local AWS edge. It emulates GetCallerIdentity.',
      $metadata: { httpStatusCode: 501, attempts: 1 },
    });
    client.destroy();
  });

  it('answers an action STS does not have with InvalidAction', async () => {
    const response = await fetch(edge.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'Action=GetEverything&Version=2011-06-15',
    });

    expect(response.status).toBe(400);
    expect(await response.text()).toContain(
      '<Code>InvalidAction</Code><Message>Could not find operation GetEverything for version 2011-06-15</Message>',
    );
  });
});
