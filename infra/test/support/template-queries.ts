import type { CfnResource, CfnTemplate } from './shop-test-app.ts';

export interface Found {
  readonly id: string;
  readonly resource: CfnResource;
}

export interface PolicyStatement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

export const resourcesOfType = (template: CfnTemplate, type: string): Found[] =>
  Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id, resource]) => ({ id, resource }));

/**
 * The functions the service definitions deploy: every Lambda function but the custom-resource
 * handler CDK adds to write bucket notification configurations (it runs at deploy time only).
 */
export const serviceFunctionsOf = (template: CfnTemplate): Found[] =>
  resourcesOfType(template, 'AWS::Lambda::Function').filter(
    ({ id }) => !id.includes('BucketNotificationsHandler'),
  );

/** The one resource of `type` whose property `name` equals `value`; throws when there is not exactly one. */
export const findByProperty = (template: CfnTemplate, type: string, name: string, value: unknown): Found => {
  const found = resourcesOfType(template, type).filter(
    ({ resource }) => JSON.stringify(resource.Properties[name]) === JSON.stringify(value),
  );
  if (found.length !== 1) throw new Error(`${found.length} ${type} with ${name} = ${JSON.stringify(value)}`);
  const [first] = found;
  if (!first) throw new Error('unreachable');
  return first;
};

/** Every logical id a value references through Ref or Fn::GetAtt, however deep. */
export const refsIn = (value: unknown): Set<string> => {
  const refs = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'Ref' && typeof child === 'string' && !child.startsWith('AWS::')) refs.add(child);
      else if (key === 'Fn::GetAtt' && Array.isArray(child) && typeof child[0] === 'string')
        refs.add(child[0]);
      else visit(child);
    }
  };
  visit(value);
  return refs;
};

/** The plain text of a value with its tokens flattened: `Fn::Join` parts concatenated, refs as `{Ref:Id}`. */
export const flatten = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join('');
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    if ('Fn::Join' in record && Array.isArray(record['Fn::Join'])) {
      const [separator, parts] = record['Fn::Join'] as [string, unknown[]];
      return parts.map(flatten).join(separator);
    }
    if ('Ref' in record) return `{Ref:${String(record.Ref)}}`;
    if ('Fn::GetAtt' in record && Array.isArray(record['Fn::GetAtt'])) {
      return `{GetAtt:${(record['Fn::GetAtt'] as string[]).join('.')}}`;
    }
  }
  return JSON.stringify(value);
};

export const functionNamed = (template: CfnTemplate, physical: string): Found =>
  findByProperty(template, 'AWS::Lambda::Function', 'FunctionName', physical);

/** The `live` alias of a function (by the function's logical id). */
export const liveAliasOf = (template: CfnTemplate, functionId: string): Found => {
  const found = resourcesOfType(template, 'AWS::Lambda::Alias').find(
    ({ resource }) =>
      resource.Properties.Name === 'live' && refsIn(resource.Properties.FunctionName).has(functionId),
  );
  if (!found) throw new Error(`no live alias for ${functionId}`);
  return found;
};

export const roleOf = (fn: Found): string => {
  const [role] = [...refsIn(fn.resource.Properties.Role)];
  if (!role) throw new Error(`${fn.id} has no role`);
  return role;
};

/** Every statement of every policy attached to a role. */
export const statementsOfRole = (template: CfnTemplate, roleId: string): PolicyStatement[] =>
  resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(({ resource }) => refsIn(resource.Properties.Roles).has(roleId))
    .flatMap(({ resource }) => {
      const document = resource.Properties.PolicyDocument as { Statement: PolicyStatement[] };
      return document.Statement;
    });

export const actionsOf = (statement: PolicyStatement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

export const resourcesOf = (statement: PolicyStatement): unknown[] =>
  Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];

/** The statements of a role granting `action`, with their resources flattened to text. */
export const grantedResources = (statements: readonly PolicyStatement[], action: string): string[] =>
  statements.filter((s) => actionsOf(s).includes(action)).flatMap((s) => resourcesOf(s).map(flatten));

/** A service's table, found by the `service` tag the stack puts on everything of a service. */
export const tableOf = (template: CfnTemplate, service: string): Found => {
  const found = resourcesOfType(template, 'AWS::DynamoDB::GlobalTable').filter(({ resource }) =>
    JSON.stringify(resource.Properties.Replicas).includes(JSON.stringify({ Key: 'service', Value: service })),
  );
  const [first] = found;
  if (!first || found.length > 1) throw new Error(`${found.length} tables of ${service}`);
  return first;
};

/** The CodeDeploy deployment group that shifts traffic on a function's live alias. */
export const deploymentGroupOf = (template: CfnTemplate, functionId: string): Found => {
  const alias = liveAliasOf(template, functionId);
  const update = alias.resource.UpdatePolicy?.CodeDeployLambdaAliasUpdate as {
    DeploymentGroupName?: unknown;
  };
  const [id] = [...refsIn(update?.DeploymentGroupName)];
  const resource = template.Resources[id ?? ''];
  if (!id || !resource) throw new Error(`no deployment group for ${functionId}`);
  return { id, resource };
};

/**
 * The alarms a deployment group rolls back on, by name: an alarm of the same stack is a Ref, resolved
 * to its `AlarmName` or, when CloudFormation names it, to `ref:<logical id>`.
 */
export const rollbackAlarmsOf = (template: CfnTemplate, group: Found): string[] =>
  ((group.resource.Properties.AlarmConfiguration as { Alarms?: { Name: unknown }[] }).Alarms ?? []).map(
    ({ Name }) => {
      if (typeof Name === 'string') return Name;
      const [id] = [...refsIn(Name)];
      const named = template.Resources[id ?? '']?.Properties.AlarmName;
      return typeof named === 'string' ? named : `ref:${id}`;
    },
  );

/** The logical ids of the rollback alarms that live in the same template and have no explicit name. */
export const rollbackAlarmIdsOf = (template: CfnTemplate, group: Found): string[] =>
  rollbackAlarmsOf(template, group).flatMap((name) => (name.startsWith('ref:') ? [name.slice(4)] : []));

/** `arn:{Ref:AWS::Partition}:lambda:...:function:<name>:live`, flattened. */
export const liveAliasArnText = (physicalFunctionName: string): string =>
  `arn:{Ref:AWS::Partition}:lambda:{Ref:AWS::Region}:{Ref:AWS::AccountId}:function:${physicalFunctionName}:live`;

/** A dependency cycle between resources (Ref, Fn::GetAtt anywhere, DependsOn), or undefined. */
export const dependencyCycleOf = (template: CfnTemplate): string[] | undefined => {
  const edges = new Map(
    Object.entries(template.Resources).map(([id, resource]) => [
      id,
      [...refsIn(resource), ...(resource.DependsOn ?? [])].filter((ref) => ref in template.Resources),
    ]),
  );
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (done.has(id)) return undefined;
    const at = path.indexOf(id);
    if (at >= 0) return [...path.slice(at), id];
    path.push(id);
    for (const next of edges.get(id) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    path.pop();
    done.add(id);
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
};
