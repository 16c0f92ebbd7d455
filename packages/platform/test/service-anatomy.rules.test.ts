import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const DEPCRUISE = join(REPO_ROOT, 'node_modules', '.bin', 'depcruise');
const CONFIG = join(REPO_ROOT, '.dependency-cruiser.cjs');

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A throw-away repository with one service made of `files`, checked by the repository's own rules. */
const check = (files: Record<string, string>) => {
  const root = mkdtempSync(join(tmpdir(), 'shop-anatomy-'));
  roots.push(root);
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  for (const [path, text] of Object.entries(files)) {
    const file = join(root, 'services', 'widget', 'src', path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return spawnSync(DEPCRUISE, ['services', '--config', CONFIG, '--output-type', 'err'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
};

const entity = 'export interface Widget { readonly id: string }\n';

describe('the service anatomy rules (npm run lint)', () => {
  it('pass a service whose layers import what the anatomy allows', () => {
    const result = check({
      'domain/widget.entity.ts': entity,
      'application/widget.use-cases.ts':
        "import type { Widget } from '../domain/widget.entity.ts';\nexport const idOf = (widget: Widget) => widget.id;\n",
    });
    expect(result.stdout).toContain('no dependency violations found');
    expect(result.status).toBe(0);
  });

  it('fail on an AWS SDK import in a domain file', () => {
    const result = check({
      'domain/widget.entity.ts': `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\n${entity}export const client = () => new DynamoDBClient({});\n`,
    });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('domain-is-pure');
    expect(result.stdout).toContain('no-aws-sdk-in-the-core');
  });

  it('fail when the application or the API reaches into infrastructure', () => {
    const repository = 'export class WidgetRepository {}\n';
    const result = check({
      'infrastructure/widget.repository.ts': repository,
      'application/widget.use-cases.ts':
        "import { WidgetRepository } from '../infrastructure/widget.repository.ts';\nexport const make = () => new WidgetRepository();\n",
      'api/app.ts':
        "import { WidgetRepository } from '../infrastructure/widget.repository.ts';\nexport const app = () => new WidgetRepository();\n",
    });
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('application-does-not-reach-adapters');
    expect(result.stdout).toContain('api-does-not-import-infrastructure');
  });
});
