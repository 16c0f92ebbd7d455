#!/usr/bin/env node
// `node preflight.mjs <start|test|local|bench>`: the root package.json scripts run this first. Plain
// JavaScript, so that an old Node gets a sentence naming the Node it needs instead of
// `ERR_UNKNOWN_FILE_EXTENSION ".ts"`; every check answers in well under a second.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  javaProblem,
  nodeVersionProblem,
  portFromEnv,
  portProblem,
  SHOP_PORTS,
} from './preflight.checks.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/** What each script needs besides Node: DynamoDB Local (Java) wherever a stack starts, ports for `npm start`. */
const NEEDS = {
  start: { java: true, ports: true },
  test: { java: true, ports: false },
  bench: { java: true, ports: false },
  local: { java: false, ports: false },
};

const mode = process.argv[2] ?? '';
const needs = NEEDS[/** @type {keyof typeof NEEDS} */ (mode)];

/** @param {readonly string[]} problems */
const fail = (problems) => {
  process.stderr.write(`\n${problems.join('\n\n')}\n\n`);
  process.exit(1);
};

if (!needs) fail([`usage: node preflight.mjs <${Object.keys(NEEDS).join('|')}>`]);

// Tests stand in an old Node through this variable; nothing else sets it.
const version = process.env.SHOP_PREFLIGHT_NODE_VERSION || process.versions.node;
const nodeProblem = nodeVersionProblem({ root, version, executable: process.execPath });
// An old Node makes every later message beside the point.
if (nodeProblem) fail([nodeProblem]);

if (!existsSync(resolve(root, 'node_modules'))) fail(['Shop is not installed yet: run `npm install` first.']);

const problems = [];
if (needs.java) {
  const java = javaProblem();
  if (java) problems.push(java);
}
if (needs.ports) {
  for (const { variable, fallback, role } of SHOP_PORTS) {
    const parsed = portFromEnv(process.env[variable], fallback, variable);
    if ('problem' in parsed) {
      problems.push(parsed.problem);
      continue;
    }
    const problem = await portProblem({ root, port: parsed.port, variable, role });
    if (problem) problems.push(problem);
  }
}
if (problems.length > 0) fail(problems);
