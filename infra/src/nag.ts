import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

const PACK = 'AwsSolutions';

/** Runs the cdk-nag AwsSolutions rules on the whole app: any unacknowledged finding fails synthesis. */
export const addNagChecks = (app: App): void => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
};

/**
 * Acknowledges one AwsSolutions rule, or one finding of it (`IAM5[Resource::*]`), on `scope` and the
 * constructs under it. Call it on the narrowest construct that produces the finding.
 */
export const acknowledgeNag = (scope: IConstruct, rule: string, reason: string): void => {
  Validations.of(scope).acknowledge({ id: `${PACK}::${PACK}-${rule}`, reason });
};
