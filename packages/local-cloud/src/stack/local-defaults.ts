/**
 * The local stack's fixed settings, in a module of their own: the CLI commands that talk to a
 * running stack import this, not the stack and everything it loads.
 */
export { DEFAULT_EDGE_PORT, DEFAULT_PORT } from '../preflight/preflight.checks.mjs';
export const LOCAL_AUDIENCE = 'shop';
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/**
 * The address functions that send email send from locally, and the one identity the local SES has
 * verified (`EMAIL_FROM_ADDRESS`; in AWS the CDK app's SES identity).
 */
export const LOCAL_EMAIL_FROM_ADDRESS = 'orders@shop.localhost';

/** Local table name of a service (in AWS the CDK app names it). */
export const localTableName = (service: string): string => `shop-${service}`;

/** Where the local-only APIs of the edge live (faults, ...): no AWS API path starts with it. */
export const LOCAL_API_PREFIX = '/_local';
