import { loadServiceDefinitions, type ServiceDefinition } from '@shop/platform/service';
import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag.ts';
import { DEFAULT_EMAIL_FROM_ADDRESS, ShopStack } from './shop.stack.ts';
import { type StageConfig, stageConfigOf } from './stage.config.ts';

export interface ShopAppOptions {
  /** Repository root: services are discovered in `<repoRoot>/services`. */
  readonly repoRoot: string;
  /** Service definitions to deploy instead of the discovered ones (tests). */
  readonly services?: readonly ServiceDefinition[];
  /** CDK context, e.g. `{ stage: 'prod' }`; the CLI's `-c` values arrive through the environment instead. */
  readonly context?: Record<string, unknown>;
  /** Cloud assembly folder; the CLI sets it through the environment. */
  readonly outdir?: string;
  /** The stage when the context names none (`-c stage=...` wins). Default `dev`. */
  readonly defaultStage?: string;
  /** Run the cdk-nag AwsSolutions rules at synthesis. Default true. */
  readonly nag?: boolean;
}

export interface ShopApp {
  readonly app: App;
  readonly stack: ShopStack;
  readonly stage: StageConfig;
  readonly services: readonly ServiceDefinition[];
}

const listOf = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean)
    : Array.isArray(value)
      ? value.map(String)
      : [];

/** `-c emailFrom=orders@yourdomain.com -c emailSandboxRecipients=you@example.com,qa@example.com`. */
const emailOptionsOf = (app: App) => {
  const from: unknown = app.node.tryGetContext('emailFrom');
  return {
    fromAddress: typeof from === 'string' && from !== '' ? from : DEFAULT_EMAIL_FROM_ADDRESS,
    sandboxRecipients: listOf(app.node.tryGetContext('emailSandboxRecipients')),
  };
};

/**
 * Builds the CDK app: the stage from the `stage` context (`-c stage=prod`, else `defaultStage`, else
 * `dev`), one stack `Shop-<Stage>` holding every service found in the repository, and the cdk-nag
 * checks. Nothing is synthesized yet; call `app.synth()`.
 *
 * @example
 * const { app } = await createShopApp({ repoRoot });
 * app.synth();
 */
export const createShopApp = async (options: ShopAppOptions): Promise<ShopApp> => {
  const app = new App({
    ...(options.context ? { context: options.context } : {}),
    ...(options.outdir ? { outdir: options.outdir } : {}),
  });
  const stage = stageConfigOf(app.node.tryGetContext('stage') ?? options.defaultStage ?? 'dev');
  const services = options.services ?? (await loadServiceDefinitions(options.repoRoot));
  const stack = new ShopStack(app, stage.stackName, {
    stackName: stage.stackName,
    description: `Shop (${stage.name}): ${services.map((s) => s.name).join(', ') || 'no services'}`,
    stage,
    services,
    repoRoot: options.repoRoot,
    email: emailOptionsOf(app),
    // Account and region from the CLI's credentials when deploying; environment-agnostic offline.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    tags: { project: 'shop', stage: stage.name },
  });
  if (options.nag ?? true) addNagChecks(app);
  return { app, stack, stage, services };
};
