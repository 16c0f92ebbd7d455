// Diagnostic only (cold start section): stands in for `@aws-sdk/credential-provider-node` to price the
// SDK's default credential chain. In Lambda the execution role's credentials are always in the
// environment, so the rest of the chain (SSO, ini files, web identity, IMDS, ECS, and the STS/SSO
// clients it brings) never runs; it is bundled and imported all the same.

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this build reads credentials from the environment only`);
  return value;
};

/** The default chain's signature, reduced to the environment variables Lambda sets. */
export const defaultProvider = () => async (): Promise<Credentials> => {
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  const expiration = process.env.AWS_CREDENTIAL_EXPIRATION;
  return {
    accessKeyId: required('AWS_ACCESS_KEY_ID'),
    secretAccessKey: required('AWS_SECRET_ACCESS_KEY'),
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
};
