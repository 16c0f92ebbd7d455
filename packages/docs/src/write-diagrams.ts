// `npm run docs:diagrams`: rewrites the generated diagrams of docs/ from the state machine definitions.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { renderDiagramFiles } from './generated-diagrams.ts';

const root = resolve(import.meta.dirname, '../../..');
for (const [file, content] of Object.entries(renderDiagramFiles(root))) {
  writeFileSync(join(root, file), content);
  console.log(`wrote ${file}`);
}
