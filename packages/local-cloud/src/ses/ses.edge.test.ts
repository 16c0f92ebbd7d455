import {
  GetAccountCommand,
  SESv2Client,
  SendEmailCommand,
  type SendEmailCommandInput,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type StartedServer, startEdge } from '../edge/edge.server.ts';
import { createSesEdgeHandler } from './ses.edge.ts';
import { Mailbox } from './ses.mailbox.ts';

const SENDER = 'orders@shop.test';

const message = (overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
  FromEmailAddress: `Shop <${SENDER}>`,
  Destination: { ToAddresses: ['alice@example.com'] },
  Content: {
    Simple: {
      Subject: { Data: 'Your order', Charset: 'UTF-8' },
      Body: { Text: { Data: 'Thank you.' }, Html: { Data: '<p>Thank you.</p>' } },
    },
  },
  ...overrides,
});

const failureOf = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    const { name, message, $metadata } = error as Error & { $metadata: { httpStatusCode?: number } };
    return { name, message, status: $metadata.httpStatusCode };
  }
  throw new Error('expected the call to fail');
};

describe('SESv2 on the edge', () => {
  let edge: StartedServer;
  let mailbox: Mailbox;
  let ses: SESv2Client;

  beforeAll(async () => {
    mailbox = new Mailbox();
    edge = await startEdge([
      createSesEdgeHandler({ mailbox, verifiedIdentities: [SENDER, 'verified.test'] }),
    ]);
    ses = new SESv2Client({
      endpoint: edge.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
    });
  });

  afterAll(async () => {
    ses?.destroy();
    await edge?.close();
  });

  it('sends a simple email: a MessageId, and a copy in the mailbox of each recipient', async () => {
    const sent = await ses.send(
      new SendEmailCommand(
        message({ Destination: { ToAddresses: ['alice@example.com'], BccAddresses: ['Audit@Example.com'] } }),
      ),
    );
    expect(sent.MessageId).toMatch(/^[0-9a-f]{16}-[0-9a-f-]{36}-000000$/);
    expect(sent.$metadata.httpStatusCode).toBe(200);
    expect(mailbox.list('ALICE@example.com')).toEqual([
      {
        id: sent.MessageId,
        from: SENDER,
        to: 'alice@example.com',
        subject: 'Your order',
        text: 'Thank you.',
        html: '<p>Thank you.</p>',
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      },
    ]);
    expect(mailbox.list('audit@example.com').map((item) => item.id)).toEqual([sent.MessageId]);
  });

  it('lists a mailbox newest first and accepts a sender of a verified domain', async () => {
    const first = await ses.send(
      new SendEmailCommand(
        message({ FromEmailAddress: 'a@verified.test', Destination: { ToAddresses: ['bob@example.com'] } }),
      ),
    );
    const second = await ses.send(
      new SendEmailCommand(message({ Destination: { ToAddresses: ['bob@example.com'] } })),
    );
    expect(mailbox.list('bob@example.com').map((item) => item.id)).toEqual([
      second.MessageId,
      first.MessageId,
    ]);
  });

  it('rejects a sender that is not a verified identity, as SES does', async () => {
    const before = mailbox.size;
    expect(
      await failureOf(ses.send(new SendEmailCommand(message({ FromEmailAddress: 'someone@else.test' })))),
    ).toEqual({
      name: 'MessageRejected',
      message:
        'Email address is not verified. The following identities failed the check in region US-EAST-1: someone@else.test',
      status: 400,
    });
    expect(mailbox.size).toBe(before);
  });

  it.each([
    ['no content', { Content: undefined }, /Value null at 'content'/],
    ['no subject', { Content: { Simple: { Body: { Text: { Data: 'x' } } } } }, /'content.simple.subject'/],
    ['no body', { Content: { Simple: { Subject: { Data: 'x' }, Body: {} } } }, /message body is empty/],
    ['no recipient', { Destination: { ToAddresses: [] } }, /Missing required header 'To'/],
    ['a recipient without a domain', { Destination: { ToAddresses: ['alice'] } }, /Missing final '@domain'/],
    ['a malformed recipient', { Destination: { ToAddresses: ['alice@@example.com'] } }, /Illegal address/],
    [
      'more than 50 recipients',
      { Destination: { ToAddresses: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) } },
      /Recipient count exceeds 50/,
    ],
    ['no sender', { FromEmailAddress: undefined }, /FromEmailAddress/],
  ] as const)('answers BadRequestException for %s', async (_, overrides, detail) => {
    const failure = await failureOf(
      ses.send(new SendEmailCommand(message(overrides as Partial<SendEmailCommandInput>))),
    );
    expect(failure).toMatchObject({ name: 'BadRequestException', status: 400 });
    expect(failure.message).toMatch(detail);
  });

  it('answers NotFoundException for a configuration set, as none exists locally', async () => {
    expect(
      await failureOf(ses.send(new SendEmailCommand(message({ ConfigurationSetName: 'transactional' })))),
    ).toMatchObject({ name: 'NotFoundException', status: 404 });
  });

  it('says that raw content and other SES operations are not emulated', async () => {
    expect(
      await failureOf(
        ses.send(new SendEmailCommand(message({ Content: { Raw: { Data: new Uint8Array([1]) } } }))),
      ),
    ).toMatchObject({ name: 'NotImplemented', status: 501 });
    const other = await failureOf(ses.send(new GetAccountCommand({})));
    expect(other).toMatchObject({ name: 'NotImplemented', status: 501 });
    expect(other.message).toContain('SES');
  });

  it('answers SerializationException to a body that is not JSON', async () => {
    const response = await fetch(`${edge.url}/v2/email/outbound-emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('SerializationException');
  });
});

describe('Mailbox', () => {
  it('keeps at most its capacity, dropping the oldest copies', () => {
    const mailbox = new Mailbox({ capacity: 2 });
    for (const id of ['m1', 'm2', 'm3']) {
      mailbox.deliver({
        id,
        from: 'a@b.test',
        recipients: ['c@d.test'],
        subject: id,
        sentAt: '2026-12-02T00:00:00.000Z',
      });
    }
    expect(mailbox.list().map((item) => item.id)).toEqual(['m3', 'm2']);
    expect(() => new Mailbox({ capacity: 0 })).toThrow(/positive integer/);
  });
});
