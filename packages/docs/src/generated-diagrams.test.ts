import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DiagramMarkerMissingError,
  GENERATED_DIAGRAMS,
  renderDiagramFiles,
  withDiagram,
} from './generated-diagrams.ts';

const root = resolve(import.meta.dirname, '../../..');

describe('the generated diagrams of docs/', () => {
  it('match the state machine definitions they are drawn from (npm run docs:diagrams rewrites them)', () => {
    for (const [file, expected] of Object.entries(renderDiagramFiles(root))) {
      expect(readFileSync(join(root, file), 'utf8'), file).toBe(expected);
    }
  });

  it('draw the checkout saga from the order service’s ASL file', () => {
    const architecture = readFileSync(join(root, 'docs/architecture.md'), 'utf8');
    expect(architecture).toContain(
      '<!-- generated:checkout-saga from services/order/src/saga/checkout.asl.json',
    );
    expect(architecture).toContain('start((start)) --> PlaceOrder');
    expect(GENERATED_DIAGRAMS.map((d) => d.definition)).toContain(
      'services/order/src/saga/checkout.asl.json',
    );
  });

  it('refuses a file that lost its markers', () => {
    const diagram = GENERATED_DIAGRAMS[0];
    if (!diagram) throw new Error('no generated diagram');
    expect(() => withDiagram(root, '# no markers here\n', diagram)).toThrow(DiagramMarkerMissingError);
  });
});
