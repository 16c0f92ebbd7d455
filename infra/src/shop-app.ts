import { loadServiceDefinitions, type ServiceDefinition } from '@shop/platform/service';
import { App } from 'aws-cdk-lib';
import { addNagChecks } from './nag.ts';
import { ShopStack } from './shop.stack.ts';
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
    // Account and region from the CLI's credentials when deploying; environment-agnostic offline.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    tags: { project: 'shop', stage: stage.name },
  });
  if (options.nag ?? true) addNagChecks(app);
  return { app, stack, stage, services };
};
