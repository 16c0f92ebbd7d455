import { randomBytes, randomUUID } from 'node:crypto';
import { type AwsErrorShape, awsErrorResponse } from '../edge/aws-protocol.ts';
import type { EdgeHandler, EdgeRequest, EdgeResponse } from '../edge/edge.types.ts';
import { notEmulatedResponse } from '../edge/not-emulated.ts';
import { LOCAL_REGION } from '../lambda/lambda.types.ts';
import type { Mailbox } from './ses.mailbox.ts';

/** Where SESv2 (REST JSON) lives: every operation's path starts with it. */
export const SESV2_PREFIX = '/v2/email/';
const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
/** SES's limit on recipients (To, Cc and Bcc together) of one message. */
export const MAX_RECIPIENTS = 50;

export interface SesEdgeOptions {
  readonly mailbox: Mailbox;
  /**
   * The verified identities (addresses, or domains that verify every address in them) a message may
   * be sent from; any other sender is `MessageRejected`, as in AWS. Absent: every sender is accepted.
   */
  readonly verifiedIdentities?: readonly string[];
  readonly region?: string;
  readonly clock?: () => Date;
}

class SesError extends Error {
  readonly shape: AwsErrorShape;
  constructor(shape: AwsErrorShape) {
    super(shape.message);
    this.shape = shape;
  }
}

const badRequest = (message: string) => new SesError({ status: 400, code: 'BadRequestException', message });
const notNull = (path: string) =>
  badRequest(
    `1 validation error detected: Value null at '${path}' failed to satisfy constraint: Member must not be null`,
  );

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// An address as SES takes it: `local@domain`, optionally as `Display Name <local@domain>`.
const ADDRESS =
  /^[^\s@<>()[\],;:"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** The bare address of `name <addr>` or `addr`; SES's errors for what is no address. */
const addressOf = (value: unknown, path: string): string => {
  if (typeof value !== 'string') throw badRequest(`${path} must be a string`);
  const bracketed = /<([^<>]*)>\s*$/.exec(value);
  const address = (bracketed?.[1] ?? value).trim();
  if (!address.includes('@')) throw badRequest("Missing final '@domain'");
  if (!ADDRESS.test(address) || address.length > 320) throw badRequest('Illegal address');
  return address;
};

const addressesOf = (destination: Record<string, unknown>, key: string): string[] => {
  const value = destination[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw badRequest(`Destination.${key} must be a list of addresses`);
  return value.map((entry, index) => addressOf(entry, `Destination.${key}[${index}]`));
};

const contentOf = (value: unknown, path: string): string | undefined => {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw badRequest(`${path} must be an object with Data`);
  if (typeof value.Data !== 'string') throw notNull(`${path.charAt(0).toLowerCase()}${path.slice(1)}.data`);
  if (value.Charset !== undefined && typeof value.Charset !== 'string') {
    throw badRequest(`${path}.Charset must be a string`);
  }
  return value.Data;
};

const isVerified = (address: string, identities: readonly string[]): boolean => {
  const lower = address.toLowerCase();
  const domain = lower.slice(lower.lastIndexOf('@') + 1);
  return identities.some((identity) => {
    const wanted = identity.toLowerCase();
    return wanted.includes('@') ? wanted === lower : wanted === domain;
  });
};

/** A message id shaped like SES's: `<16 hex>-<uuid>-000000`. */
const newMessageId = (): string => `${randomBytes(8).toString('hex')}-${randomUUID()}-000000`;

const json = (status: number, body: unknown, requestId: string): EdgeResponse => ({
  status,
  headers: { 'content-type': 'application/json', 'x-amzn-requestid': requestId },
  body: JSON.stringify(body),
});

/**
 * Amazon SES (API v2) on the AWS edge, as `@aws-sdk/client-sesv2` and `aws sesv2` call it (REST JSON):
 * `SendEmail` with simple content (subject, text and HTML bodies) delivers a copy to each recipient's
 * {@link Mailbox} and answers a `MessageId`. Bad input gets SES's errors (`BadRequestException` for a
 * missing member, a malformed address or more than 50 recipients; `MessageRejected` for a sender that
 * is not a verified identity; `NotFoundException` for a configuration set, of which there are none
 * locally). Raw and template content, and every other SES operation, answer that they are not emulated.
 *
 * @example
 * const mailbox = new Mailbox();
 * const edge = await startEdge([createSesEdgeHandler({ mailbox })]);
 * await new SESv2Client({ endpoint: edge.url }).send(new SendEmailCommand({ ... })); // { MessageId }
 */
export const createSesEdgeHandler = (options: SesEdgeOptions): EdgeHandler => {
  const region = options.region ?? LOCAL_REGION;
  const clock = options.clock ?? (() => new Date());

  const sendEmail = (body: unknown): { MessageId: string } => {
    if (!isRecord(body)) throw badRequest('The request body must be a JSON object');
    const content = body.Content;
    if (!isRecord(content)) throw notNull('content');
    if (content.Raw !== undefined || content.Template !== undefined) {
      throw new SesError({
        status: 501,
        code: 'NotImplemented',
        message:
          'SES SendEmail with Raw or Template content is not emulated by the local AWS edge: use Content.Simple',
      });
    }
    const simple = content.Simple;
    if (!isRecord(simple)) throw notNull('content.simple');
    const subject = contentOf(simple.Subject, 'Content.Simple.Subject');
    if (subject === undefined) throw notNull('content.simple.subject');
    const messageBody = simple.Body;
    if (!isRecord(messageBody)) throw notNull('content.simple.body');
    const text = contentOf(messageBody.Text, 'Content.Simple.Body.Text');
    const html = contentOf(messageBody.Html, 'Content.Simple.Body.Html');
    if (text === undefined && html === undefined) {
      throw badRequest('The message body is empty: set Content.Simple.Body.Text, Html or both');
    }

    if (body.FromEmailAddress === undefined || body.FromEmailAddress === null) {
      throw badRequest('Missing required parameter: FromEmailAddress');
    }
    const from = addressOf(body.FromEmailAddress, 'FromEmailAddress');
    const destination = body.Destination ?? {};
    if (!isRecord(destination)) throw badRequest('Destination must be an object');
    const recipients = [
      ...addressesOf(destination, 'ToAddresses'),
      ...addressesOf(destination, 'CcAddresses'),
      ...addressesOf(destination, 'BccAddresses'),
    ];
    if (recipients.length === 0) throw badRequest("Missing required header 'To'.");
    if (recipients.length > MAX_RECIPIENTS) throw badRequest(`Recipient count exceeds ${MAX_RECIPIENTS}.`);
    for (const [index, replyTo] of (Array.isArray(body.ReplyToAddresses)
      ? body.ReplyToAddresses
      : []
    ).entries()) {
      addressOf(replyTo, `ReplyToAddresses[${index}]`);
    }
    if (typeof body.ConfigurationSetName === 'string') {
      throw new SesError({
        status: 404,
        code: 'NotFoundException',
        message: `Configuration set <${body.ConfigurationSetName}> does not exist.`,
      });
    }
    if (options.verifiedIdentities && !isVerified(from, options.verifiedIdentities)) {
      throw new SesError({
        status: 400,
        code: 'MessageRejected',
        message: `Email address is not verified. The following identities failed the check in region ${region.toUpperCase()}: ${from}`,
      });
    }

    const id = newMessageId();
    options.mailbox.deliver({
      id,
      from,
      recipients,
      subject,
      ...(text !== undefined ? { text } : {}),
      ...(html !== undefined ? { html } : {}),
      sentAt: clock().toISOString(),
    });
    return { MessageId: id };
  };

  return {
    name: 'ses',
    canHandle: (request: EdgeRequest) => request.url.pathname.startsWith(SESV2_PREFIX),
    async handle(request) {
      const requestId = randomUUID();
      if (request.method !== 'POST' || request.url.pathname !== SEND_EMAIL_PATH) {
        return notEmulatedResponse(request, { service: 'SES (it emulates SendEmail)' });
      }
      try {
        let body: unknown;
        try {
          body = request.body.length === 0 ? {} : JSON.parse(request.body.toString('utf8'));
        } catch {
          throw new SesError({
            status: 400,
            code: 'SerializationException',
            message: 'The request body is not valid JSON',
          });
        }
        return json(200, sendEmail(body), requestId);
      } catch (error) {
        if (error instanceof SesError) return awsErrorResponse(request, error.shape, requestId);
        throw error;
      }
    },
  };
};
