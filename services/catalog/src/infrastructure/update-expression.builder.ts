/**
 * Builds `SET #a = :a, ...` expressions with every attribute name aliased, so DynamoDB's long list of
 * reserved words (`name`, `status`, ...) never breaks a write. `ifNotExists` attributes keep a stored value.
 */
export const setExpression = (
  values: Readonly<Record<string, unknown>>,
  ifNotExists: Readonly<Record<string, unknown>> = {},
) => {
  const names: Record<string, string> = {};
  const expressionValues: Record<string, unknown> = {};
  const parts: string[] = [];
  let index = 0;
  for (const [attribute, value] of Object.entries(values)) {
    index += 1;
    names[`#a${index}`] = attribute;
    expressionValues[`:v${index}`] = value;
    parts.push(`#a${index} = :v${index}`);
  }
  for (const [attribute, value] of Object.entries(ifNotExists)) {
    index += 1;
    names[`#a${index}`] = attribute;
    expressionValues[`:v${index}`] = value;
    parts.push(`#a${index} = if_not_exists(#a${index}, :v${index})`);
  }
  return { expression: `SET ${parts.join(', ')}`, names, values: expressionValues };
};
