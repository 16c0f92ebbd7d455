import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KEBAB = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const RESERVED = new Set([
  'platform',
  'contracts',
  'auth',
  'local-cloud',
  'benchmarks',
  'infra',
  'e2e',
  'shop',
]);

/**
 * `npm run new:service -- <name>`: a minimal service in the house shape (docs/service-anatomy.md):
 * one table, one public route, one published event through the outbox and relay, one internal
 * function, a test in each layer, a README, and its contracts in @shop/contracts.
 *
 * @param {import('plop').NodePlopAPI} plop
 */
export default function generators(plop) {
  const root = plop.getDestBasePath();

  plop.setActionType('export contracts', (answers) => {
    const manifestPath = join(root, 'packages/contracts/package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    const key = `./${answers.name}`;
    if (manifest.exports[key]) throw new Error(`@shop/contracts already exports ${key}`);
    manifest.exports[key] = `./src/${answers.name}/index.ts`;
    writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
    return `@shop/contracts exports ${key}`;
  });

  // The templates are written for every name; Biome gives the files the repository's layout for this one.
  plop.setActionType('format', (answers) => {
    const paths = [
      `services/${answers.name}`,
      `packages/contracts/src/${answers.name}`,
      'packages/contracts/package.json',
    ];
    execFileSync(join(root, 'node_modules/.bin/biome'), ['check', '--write', ...paths], {
      cwd: root,
      stdio: 'pipe',
    });
    return `formatted ${paths.join(', ')}`;
  });

  plop.setGenerator('service', {
    description: 'a new service that follows docs/service-anatomy.md',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'Service name (kebab-case, e.g. reviews):',
        validate: (value) => {
          if (!KEBAB.test(value))
            return 'the name must be kebab-case (a-z, 0-9 and -), starting with a letter';
          if (RESERVED.has(value)) return `"${value}" is the name of a workspace already`;
          if (existsSync(join(root, 'services', value))) return `services/${value} exists already`;
          if (existsSync(join(root, 'packages/contracts/src', value))) {
            return `packages/contracts/src/${value} exists already`;
          }
          return true;
        },
      },
    ],
    actions: [
      {
        type: 'addMany',
        destination: 'services/{{name}}',
        base: 'service/service',
        templateFiles: 'service/service/**/*.hbs',
        globOptions: { dot: true },
        stripExtensions: ['hbs'],
      },
      {
        type: 'addMany',
        destination: 'packages/contracts/src/{{name}}',
        base: 'service/contracts',
        templateFiles: 'service/contracts/*.hbs',
        stripExtensions: ['hbs'],
      },
      { type: 'export contracts' },
      { type: 'format' },
    ],
  });
}
