/** The parts of an Amazon States Language definition a diagram shows. */
export interface AslState {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly AslChoiceRule[];
  readonly Catch?: readonly { readonly ErrorEquals: readonly string[]; readonly Next: string }[];
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[] }[];
}

export interface AslChoiceRule {
  readonly Next: string;
  readonly Variable?: string;
  readonly [comparison: string]: unknown;
}

export interface AslDefinition {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

const idOf = (name: string): string => name.replace(/[^A-Za-z0-9_]/g, '_');

/** Mermaid's label syntax breaks on quotes, pipes and brackets: keep the words. */
const labelOf = (text: string): string =>
  text
    .replace(/["|[\]{}()<>]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

const node = (name: string, state: AslState): string => {
  const id = idOf(name);
  const retried = (state.Retry?.length ?? 0) > 0 ? ' ↻' : '';
  const label = `"${labelOf(name)}${retried}"`;
  switch (state.Type) {
    case 'Choice':
      return `  ${id}{${label}}`;
    case 'Succeed':
      return `  ${id}([${label}]):::succeed`;
    case 'Fail':
      return `  ${id}([${label}]):::fail`;
    default:
      return `  ${id}[${label}]`;
  }
};

/** `$.release.outcome == committed`, from a rule such as `{ Variable, StringEquals }`. */
const conditionOf = (rule: AslChoiceRule): string => {
  const comparison = Object.entries(rule).find(([key]) => key !== 'Next' && key !== 'Variable');
  if (!comparison) return 'choice';
  const [operator, value] = comparison;
  const symbol = operator.endsWith('Equals') ? '==' : operator;
  return `${rule.Variable ?? ''} ${symbol} ${typeof value === 'string' ? value : JSON.stringify(value)}`;
};

const errorsOf = (errors: readonly string[]): string =>
  errors.map((error) => (error === 'States.ALL' ? 'any error' : error)).join(', ');

/**
 * A Mermaid flowchart of a state machine, as GitHub renders it: tasks as boxes (↻ where a Retry is
 * declared), choices as diamonds, Succeed and Fail as rounded ends; `Next` as solid arrows, `Catch`
 * as dotted arrows labelled with the errors they catch, choice rules labelled with their condition.
 * The output depends on the definition alone, so a committed diagram can be checked against it.
 */
export const aslToMermaid = (definition: AslDefinition): string => {
  const lines = ['flowchart TD', `  start((start)) --> ${idOf(definition.StartAt)}`];
  const states = Object.entries(definition.States);
  for (const [name, state] of states) lines.push(node(name, state));
  for (const [name, state] of states) {
    const from = idOf(name);
    if (state.Next) lines.push(`  ${from} --> ${idOf(state.Next)}`);
    for (const rule of state.Choices ?? []) {
      lines.push(`  ${from} -->|"${labelOf(conditionOf(rule))}"| ${idOf(rule.Next)}`);
    }
    if (state.Default) lines.push(`  ${from} -->|default| ${idOf(state.Default)}`);
    for (const caught of state.Catch ?? []) {
      lines.push(`  ${from} -.->|"${labelOf(errorsOf(caught.ErrorEquals))}"| ${idOf(caught.Next)}`);
    }
    if (state.End) {
      lines.push(`  ${from} --> finish((end))`);
    }
  }
  lines.push('  classDef succeed fill:#d4f7d4,stroke:#2e7d32', '  classDef fail fill:#fde0e0,stroke:#c62828');
  return lines.join('\n');
};
