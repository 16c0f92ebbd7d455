import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AslDefinition, aslToMermaid } from './asl-mermaid.ts';

/** A diagram in a Markdown file, generated from a state machine definition of the repository. */
export interface GeneratedDiagram {
  /** Names the block: `<!-- generated:<name> ... -->` ... `<!-- end generated:<name> -->`. */
  readonly name: string;
  /** The Markdown file, from the repository root. */
  readonly file: string;
  /** The ASL file, from the repository root. */
  readonly definition: string;
}

export const GENERATED_DIAGRAMS: readonly GeneratedDiagram[] = [
  {
    name: 'checkout-saga',
    file: 'docs/architecture.md',
    definition: 'services/order/src/saga/checkout.asl.json',
  },
  {
    name: 'cancel-saga',
    file: 'docs/architecture.md',
    definition: 'services/order/src/saga/cancel.asl.json',
  },
  {
    name: 'settle-saga',
    file: 'docs/architecture.md',
    definition: 'services/order/src/saga/settle.asl.json',
  },
];

export class DiagramMarkerMissingError extends Error {
  override readonly name = 'DiagramMarkerMissingError';
  readonly code = 'DOCS.DIAGRAM_MARKER_MISSING';
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * `markdown` with the block of `diagram` replaced by the Mermaid rendering of its definition (what
 * `npm run docs:diagrams` writes, and what the test expects to find committed).
 */
export const withDiagram = (root: string, markdown: string, diagram: GeneratedDiagram): string => {
  const definition = JSON.parse(readFileSync(join(root, diagram.definition), 'utf8')) as AslDefinition;
  const begin = `<!-- generated:${diagram.name} from ${diagram.definition} by npm run docs:diagrams; do not edit -->`;
  const end = `<!-- end generated:${diagram.name} -->`;
  const block = new RegExp(
    `<!-- generated:${escapeRegExp(diagram.name)} [^\\n]*-->[\\s\\S]*?${escapeRegExp(end)}`,
  );
  if (!block.test(markdown)) {
    throw new DiagramMarkerMissingError(
      `${diagram.file} has no "<!-- generated:${diagram.name} ... -->" block`,
    );
  }
  return markdown.replace(
    block,
    () => `${begin}\n\n\`\`\`mermaid\n${aslToMermaid(definition)}\n\`\`\`\n\n${end}`,
  );
};

/** Every Markdown file with generated diagrams, as it should read: `{ file: content }`. */
export const renderDiagramFiles = (root: string): Record<string, string> => {
  const files: Record<string, string> = {};
  for (const diagram of GENERATED_DIAGRAMS) {
    const current = files[diagram.file] ?? readFileSync(join(root, diagram.file), 'utf8');
    files[diagram.file] = withDiagram(root, current, diagram);
  }
  return files;
};
