import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadServiceDefinitions, type ServiceDefinition } from '@shop/platform/service';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import echo from '../../../packages/local-cloud/test/fixtures/echo-service/src/service.ts';
import { createShopApp, type ShopApp } from '../../src/shop-app.ts';
import type { StageName } from '../../src/stage.config.ts';
import audit from '../fixtures/audit-service/src/service.ts';
import ledger from '../fixtures/ledger-service/src/service.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** The fixtures that exercise every construct path, whatever services exist yet. */
export const FIXTURE_SERVICES: readonly ServiceDefinition[] = [echo, ledger, audit];

/** The repository's real services plus the fixtures: what the tests synthesize. */
export const servicesUnderTest = async (): Promise<ServiceDefinition[]> => [
  ...(await loadServiceDefinitions(REPO_ROOT)),
  ...FIXTURE_SERVICES,
];

export interface SynthesizedShop extends ShopApp {
  readonly assembly: CloudAssembly;
  readonly template: Template;
  /** The parent's and the nested stacks' templates as one (see {@link flattenNestedStacks}). */
  readonly json: CfnTemplate;
  /** Resources per CloudFormation stack: the parent's name, then each nested stack's construct id. */
  readonly resourceCounts: Record<string, number>;
  readonly outdir: string;
}

export interface CfnResource {
  readonly Type: string;
  /** `{}` when the template has none (normalized by {@link synthShop}). */
  readonly Properties: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdatePolicy?: Record<string, unknown>;
  readonly DependsOn?: string[];
}
export interface CfnTemplate {
  readonly Resources: Record<string, CfnResource>;
  readonly Outputs?: Record<string, { Value: unknown }>;
  readonly Parameters?: Record<string, unknown>;
}

interface NestedTemplate {
  /** Logical id of the AWS::CloudFormation::Stack resource in the parent. */
  readonly resourceId: string;
  /** Prefix for its resources' logical ids: the nested stack's construct id (`Ledger`). */
  readonly prefix: string;
  readonly template: CfnTemplate;
}

/**
 * One template out of the parent and its nested stacks, as if everything were in one stack: nested
 * logical ids get their stack's construct id as prefix (`Ledger` + `HttpFunctionA1B2`), parameters are
 * replaced by what the parent passes, and `Outputs.X` of a nested stack by the output's value. Tests
 * then follow references across stacks with plain Ref/GetAtt lookups.
 */
export const flattenNestedStacks = (parent: CfnTemplate, nested: readonly NestedTemplate[]): CfnTemplate => {
  const byResourceId = new Map(nested.map((n) => [n.resourceId, n]));
  const resolve = (value: unknown, within: NestedTemplate | undefined): unknown => {
    if (Array.isArray(value)) return value.map((item) => resolve(item, within));
    if (typeof value !== 'object' || value === null) return value;
    const record = value as Record<string, unknown>;
    if (typeof record.Ref === 'string' && Object.keys(record).length === 1) {
      const ref = record.Ref;
      if (within?.template.Parameters && ref in within.template.Parameters) {
        const passed = parent.Resources[within.resourceId]?.Properties.Parameters as Record<string, unknown>;
        return resolve(passed[ref], undefined);
      }
      if (within && ref in within.template.Resources) return { Ref: `${within.prefix}${ref}` };
      return record;
    }
    const getAtt = record['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string' && typeof getAtt[1] === 'string') {
      const [id, attribute] = getAtt as [string, string];
      const target = within ? undefined : byResourceId.get(id);
      if (target && attribute.startsWith('Outputs.')) {
        const output = target.template.Outputs?.[attribute.slice('Outputs.'.length)];
        return resolve(output?.Value, target);
      }
      if (within && id in within.template.Resources)
        return { 'Fn::GetAtt': [`${within.prefix}${id}`, attribute] };
      return record;
    }
    return Object.fromEntries(Object.entries(record).map(([key, child]) => [key, resolve(child, within)]));
  };
  const resources: Record<string, CfnResource> = {};
  for (const [id, resource] of Object.entries(parent.Resources)) {
    if (byResourceId.has(id)) continue;
    resources[id] = resolve(resource, undefined) as CfnResource;
  }
  for (const stack of nested) {
    for (const [id, resource] of Object.entries(stack.template.Resources)) {
      const resolved = resolve(resource, stack) as CfnResource;
      resources[`${stack.prefix}${id}`] = {
        ...resolved,
        ...(resource.DependsOn ? { DependsOn: resource.DependsOn.map((d) => `${stack.prefix}${d}`) } : {}),
      };
    }
  }
  return {
    Resources: Object.fromEntries(
      Object.entries(resources).map(([id, resource]) => [
        id,
        { ...resource, Properties: resource.Properties ?? {} },
      ]),
    ),
    Outputs: resolve(parent.Outputs ?? {}, undefined) as CfnTemplate['Outputs'],
  };
};

/** Builds and synthesizes the app in-process, cdk-nag included, into a fresh folder. */
export const synthShop = async (
  stage: StageName,
  services?: readonly ServiceDefinition[],
): Promise<SynthesizedShop> => {
  const outdir = mkdtempSync(join(tmpdir(), `shop-infra-${stage}-`));
  const shop = await createShopApp({
    repoRoot: REPO_ROOT,
    services: services ?? (await servicesUnderTest()),
    context: { stage },
    outdir,
  });
  const assembly = shop.app.synth();
  const parent = assembly.getStackByName(shop.stage.stackName).template as CfnTemplate;
  const nested = [...shop.stack.serviceStacks.values()].map((stack) => {
    const resource = stack.nestedStackResource;
    if (!resource) throw new Error(`${stack.node.id} has no nested stack resource`);
    return {
      resourceId: shop.stack.getLogicalId(resource as CfnElement),
      prefix: stack.node.id,
      template: JSON.parse(readFileSync(join(outdir, stack.templateFile), 'utf8')) as CfnTemplate,
    };
  });
  const json = flattenNestedStacks(parent, nested);
  const resourceCounts = {
    [shop.stage.stackName]: Object.keys(parent.Resources).length,
    ...Object.fromEntries(nested.map((n) => [n.prefix, Object.keys(n.template.Resources).length])),
  };
  return { ...shop, assembly, template: Template.fromJSON(json), json, outdir, resourceCounts };
};
