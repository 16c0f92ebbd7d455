import { spawn } from 'node:child_process';
import { LOCAL_REGION } from '../lambda/lambda.types.ts';
import { LOCAL_CREDENTIALS } from '../stack/local-defaults.ts';
import { edgeEndpointOf } from './edge-endpoint.ts';

export class AwsCliMissingError extends Error {
  override readonly name = 'AwsCliMissingError';
  readonly code = 'LOCAL.AWS_CLI_MISSING';

  constructor() {
    super(
      'The `aws` CLI is not installed (nothing named `aws` on PATH). Install AWS CLI v2: ' +
        'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html ' +
        '(macOS: `brew install awscli`; Debian/Ubuntu: `sudo apt-get install -y awscli`; Windows: `winget install Amazon.AWSCLI`).',
    );
  }
}

/** Variables that would point the CLI at a real account or profile instead of the local edge. */
const ACCOUNT_VARIABLES = ['AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN'];

/**
 * The environment the `aws` CLI runs in against the local edge, like LocalStack's `awslocal`: the
 * edge as endpoint, test credentials and the local region (the edge accepts any credentials; these
 * never reach AWS), no pager, and nothing of a real profile or session.
 */
export const awsCliEnvironment = (edgeUrl: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv => {
  const result: NodeJS.ProcessEnv = { ...env };
  for (const name of ACCOUNT_VARIABLES) delete result[name];
  return {
    ...result,
    AWS_ENDPOINT_URL: edgeUrl,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_PAGER: '',
  };
};

/**
 * `npm run aws -- <aws CLI arguments>`: the `aws` CLI against the running Shop's edge (found through
 * its state file, so a second terminal needs no exports). `--endpoint-url` is passed too, for CLIs too
 * old to read `AWS_ENDPOINT_URL`, unless the arguments set their own. Resolves to the CLI's exit code.
 */
export const runAws = async (args: readonly string[], root: string): Promise<number> => {
  const edge = edgeEndpointOf(root);
  const hasEndpoint = args.some((arg) => arg === '--endpoint-url' || arg.startsWith('--endpoint-url='));
  const argv = hasEndpoint ? [...args] : ['--endpoint-url', edge.url, ...args];
  const child = spawn('aws', argv, { stdio: 'inherit', env: awsCliEnvironment(edge.url, process.env) });
  return new Promise((resolve, reject) => {
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new AwsCliMissingError() : error),
    );
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
};
