import { CfnOutput } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface EmailSenderProps {
  /** The address functions send from (`EMAIL_FROM_ADDRESS`). */
  readonly fromAddress: string;
  /**
   * Addresses to verify as recipients: while the account's SES is in its sandbox, it delivers only
   * to verified identities, and a sender may only address identities it is allowed to use.
   */
  readonly sandboxRecipients?: readonly string[];
}

// RFC 5321's 254 characters; what SES verifies is then up to SES.
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const checked = (address: string, what: string): string => {
  if (!ADDRESS.test(address) || address.length > 254) {
    throw new Error(`${what} "${address}" is not an email address`);
  }
  return address;
};

/**
 * The stack's one email sender: an SES email identity for the sender address (SES mails it a link
 * to confirm, once, at deploy), one per sandbox recipient, and the grant that lets a function send
 * from that address (and no other) to them.
 */
export class EmailSender extends Construct {
  readonly fromAddress: string;
  readonly identity: EmailIdentity;
  readonly recipientIdentities: readonly EmailIdentity[];

  constructor(scope: Construct, id: string, props: EmailSenderProps) {
    super(scope, id);
    this.fromAddress = checked(props.fromAddress, 'the sender address (-c emailFrom=...)');
    this.identity = new EmailIdentity(this, 'SenderIdentity', { identity: Identity.email(this.fromAddress) });
    this.recipientIdentities = [...new Set(props.sandboxRecipients ?? [])]
      .filter((recipient) => recipient !== this.fromAddress)
      .map(
        (recipient, index) =>
          new EmailIdentity(this, `SandboxRecipient${index + 1}`, {
            identity: Identity.email(
              checked(recipient, 'the sandbox recipient (-c emailSandboxRecipients=...)'),
            ),
          }),
      );
    new CfnOutput(this, 'SenderAddress', {
      value: this.fromAddress,
      description: 'The address order emails come from (confirm the link SES mails to it before sending)',
    });
  }

  /** `ses:SendEmail` from the sender address, through its identity and the sandbox recipients'. */
  sendStatement(): PolicyStatement {
    return new PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [this.identity, ...this.recipientIdentities].map((identity) => identity.emailIdentityArn),
      conditions: { StringEquals: { 'ses:FromAddress': this.fromAddress } },
    });
  }
}
