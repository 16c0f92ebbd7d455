import { spawn } from 'node:child_process';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ResolvedFunction, ServiceDefinition } from '@shop/platform/service';
import { bundleFunctions } from '../lambda/lambda.bundler.ts';
import type { FunctionSpec } from '../lambda/lambda.types.ts';
import type { BenchContext } from './bench.context.ts';
import { coldStartEnvironment, LAMBDA_NODE_OPTIONS, referenceEnvironment } from './bench-environment.ts';
import {
  type BundleComposition,
  type BundleMetafile,
  describeTopPackages,
  formatKb,
  summarizeBundle,
} from './metafile.summary.ts';
import { fixed, quartilesOf, type ResultRow, type SectionResult } from './report.ts';
import { shuffled, summarize } from './stats.ts';

/** Something whose process start and import is timed: a function bundle, the reference, or nothing. */
export interface ColdStartSubject {
  readonly name: string;
  readonly kind: 'function' | 'reference' | 'empty' | 'diagnostic';
  readonly bundlePath: string;
  readonly environment: Readonly<Record<string, string>>;
}

export interface ColdStartSamples {
  readonly subject: ColdStartSubject;
  /** Wall time from spawn to exit, per round. */
  readonly ms: readonly number[];
  /** This subject's time over the reference's in the same round (noise common to the round cancels). */
  readonly ratioToReference: readonly number[];
}

export class ColdStartFailedError extends Error {
  override readonly name = 'ColdStartFailedError';
}

// Lambda's runtime imports the handler module and nothing else happens before the first event;
// the child does exactly that and exits.
const IMPORT_AND_EXIT = 'await import(process.argv[1])';

/** Spawns `node` to import `bundlePath`, and resolves with the wall time until the process has exited. */
export const timeImport = (subject: ColdStartSubject): Promise<number> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', IMPORT_AND_EXIT, pathToFileURL(subject.bundlePath).href],
      { env: { ...subject.environment }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const elapsed = performance.now() - started;
      if (code === 0) resolve(elapsed);
      else
        reject(
          new ColdStartFailedError(`${subject.name} exited with ${code}: ${stderr.trim().slice(0, 600)}`),
        );
    });
  });

/** An empty module, imported the same way, for the empty-process floor. */
export const writeEmptyModule = async (dir: string): Promise<string> => {
  const path = join(dir, 'empty.mjs');
  await writeFile(path, '');
  return path;
};

/**
 * Times every subject once per round, in a fresh random order each round so that the machine's
 * drift spreads over all of them, after one untimed warm-up round (file system cache).
 */
export const measureColdStarts = async (
  subjects: readonly ColdStartSubject[],
  rounds: number,
  onRound?: (round: number) => void,
): Promise<ColdStartSamples[]> => {
  const reference = subjects.find((s) => s.kind === 'reference');
  if (!reference) throw new Error('cold start needs a reference subject');
  for (const subject of subjects) await timeImport(subject);
  const times = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  const ratios = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round += 1) {
    const thisRound = new Map<string, number>();
    for (const subject of shuffled(subjects)) thisRound.set(subject.name, await timeImport(subject));
    const referenceMs = thisRound.get(reference.name) ?? Number.NaN;
    for (const [name, ms] of thisRound) {
      times.get(name)?.push(ms);
      ratios.get(name)?.push(ms / referenceMs);
    }
    onRound?.(round + 1);
  }
  return subjects.map((subject) => ({
    subject,
    ms: times.get(subject.name) ?? [],
    ratioToReference: ratios.get(subject.name) ?? [],
  }));
};

// ---------------------------------------------------------------------------------------------------
// Section 1: cold start per function, bundle size and composition.

/** One function bundled as deployed, with what its bundle is made of. */
export interface BundledFunction {
  readonly service: ServiceDefinition;
  readonly fn: ResolvedFunction;
  readonly bundlePath: string;
  readonly mapBytes: number;
  readonly composition: BundleComposition;
}

const REFERENCE_NAME = 'reference (Hono + GetCommand)';
const EMPTY_NAME = 'empty node process';
const ZOD_PROBE_NAME = 'zod alone (one schema)';
/** Packages only an HTTP function needs; a task, consumer or relay that bundles them imports dead code. */
const HTTP_ONLY_PACKAGES: ReadonlySet<string> = new Set([
  'hono',
  '@hono/zod-openapi',
  '@asteasolutions/zod-to-openapi',
  'openapi3-ts',
  'jose',
  '@shop/auth',
  '@scalar/hono-api-reference',
]);
const COLD_START_BUDGET = 1.15;

const specOf = (name: string, entry: string, memoryMb = 512): FunctionSpec => ({
  name,
  entry,
  handler: 'handler',
  memoryMb,
  timeoutSeconds: 10,
  environment: {},
});

/**
 * Bundles each service's functions with the shared Lambda settings (`bundleFunctions`, one esbuild run
 * per service so that a service that does not build yet does not hide the others).
 */
export const bundleServices = async (
  ctx: BenchContext,
): Promise<{
  bundled: BundledFunction[];
  failures: string[];
  reference: string;
  referenceComposition: BundleComposition;
  zodProbe: string;
}> => {
  const bundled: BundledFunction[] = [];
  const failures: string[] = [];
  for (const service of ctx.services) {
    try {
      const result = await bundleFunctions(
        service.functions.map((fn) => specOf(fn.name, fn.entry, fn.memoryMb)),
        join(ctx.workDir, 'bundles', service.name),
      );
      const metafile = JSON.parse(await readFile(result.metafilePath, 'utf8')) as BundleMetafile;
      for (const fn of service.functions) {
        const bundlePath = result.bundles[fn.name];
        if (!bundlePath) continue;
        bundled.push({
          service,
          fn,
          bundlePath,
          mapBytes: (await stat(`${bundlePath}.map`)).size,
          composition: summarizeBundle(metafile, bundlePath),
        });
      }
    } catch (error) {
      failures.push(
        `${service.name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  }
  const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
  const result = await bundleFunctions(
    [
      specOf('reference', here('./reference.handler.ts')),
      specOf('zod-probe', here('./zod-probe.handler.ts')),
    ],
    join(ctx.workDir, 'bundles', 'reference'),
  );
  const { reference, 'zod-probe': zodProbe } = result.bundles;
  if (!reference || !zodProbe) throw new Error('the reference handler did not bundle');
  const metafile = JSON.parse(await readFile(result.metafilePath, 'utf8')) as BundleMetafile;
  return {
    bundled,
    failures,
    reference,
    referenceComposition: summarizeBundle(metafile, reference),
    zodProbe,
  };
};

export const runColdStartSection = async (ctx: BenchContext): Promise<SectionResult> => {
  const rounds = ctx.quick ? 5 : 15;
  ctx.progress(`cold start: bundling ${ctx.services.length} services and the reference`);
  const {
    bundled: bundledFunctions,
    failures,
    reference,
    referenceComposition,
    zodProbe,
  } = await bundleServices(ctx);
  const empty = await writeEmptyModule(join(ctx.workDir, 'bundles'));
  const largest = [...bundledFunctions].sort((a, b) => b.composition.bytes - a.composition.bytes)[0];
  const withoutSourceMaps = (environment: Record<string, string>) => {
    const { NODE_OPTIONS: _, ...rest } = environment;
    return rest;
  };
  // Diagnostics, measured in the same rounds: what zod alone costs, and what source maps cost.
  const diagnostics: ColdStartSubject[] = [
    {
      name: ZOD_PROBE_NAME,
      kind: 'diagnostic',
      bundlePath: zodProbe,
      environment: referenceEnvironment('zod'),
    },
    {
      name: `${REFERENCE_NAME} without source maps`,
      kind: 'diagnostic',
      bundlePath: reference,
      environment: withoutSourceMaps(referenceEnvironment('reference')),
    },
    ...(largest
      ? [
          {
            name: `${largest.fn.name} without source maps`,
            kind: 'diagnostic' as const,
            bundlePath: largest.bundlePath,
            environment: withoutSourceMaps(coldStartEnvironment(ctx.services, largest.service, largest.fn)),
          },
        ]
      : []),
  ];
  const subjects: ColdStartSubject[] = [
    ...diagnostics,
    { name: EMPTY_NAME, kind: 'empty', bundlePath: empty, environment: referenceEnvironment('empty') },
    {
      name: REFERENCE_NAME,
      kind: 'reference',
      bundlePath: reference,
      environment: referenceEnvironment('reference'),
    },
    ...bundledFunctions.map(({ service, fn, bundlePath }) => ({
      name: fn.name,
      kind: 'function' as const,
      bundlePath,
      environment: coldStartEnvironment(ctx.services, service, fn),
    })),
  ];
  ctx.progress(`cold start: ${subjects.length} subjects x ${rounds} rounds`);
  const samples = await measureColdStarts(subjects, rounds, (round) =>
    ctx.progress(`cold start: round ${round}/${rounds}`),
  );
  const rows: ResultRow[] = [];
  const findings: string[] = [];
  const compositionOf = (name: string) =>
    name === REFERENCE_NAME
      ? referenceComposition
      : bundledFunctions.find((b) => b.fn.name === name)?.composition;
  const msOf = (name: string) => samples.find((s) => s.subject.name === name)?.ms ?? [];
  /** Median over rounds of a - b, both measured in the same round. */
  const pairedDifference = (a: string, b: string) => {
    const left = msOf(a);
    const right = msOf(b);
    return left.length > 0 && left.length === right.length
      ? summarize(left.map((value, i) => value - (right[i] ?? Number.NaN))).median
      : Number.NaN;
  };
  const detail: string[] = [
    '| Function | Bundle | AWS SDK | Top 3 packages (bytes in the minified bundle) | Bundled but not needed by a non-HTTP function |',
    '|---|---|---|---|---|',
  ];
  const over: string[] = [];
  const unneeded = new Map<string, { bytes: number; functions: string[] }>();
  for (const { subject, ms, ratioToReference } of samples) {
    const time = summarize(ms);
    const ratio = summarize(ratioToReference);
    const composition = compositionOf(subject.name);
    const isFunction = subject.kind === 'function';
    const overBudget = isFunction && ratio.median > COLD_START_BUDGET;
    if (overBudget) over.push(`${subject.name} ${fixed(ratio.median, 2)}×`);
    const bundled = composition ? `${formatKb(composition.bytes)}: ${describeTopPackages(composition)}` : '';
    rows.push({
      section: '1',
      figure: `cold start ${subject.name}`,
      median: `${fixed(time.median)} ms`,
      spread: quartilesOf(time),
      budget: isFunction ? `≤ ${COLD_START_BUDGET}× ref` : '',
      verdict: isFunction ? (overBudget ? 'OVER' : 'ok') : '',
      notes: `${fixed(ratio.median, 2)}× ref (p25–p75 ${fixed(ratio.p25, 2)}–${fixed(ratio.p75, 2)})${bundled ? `; ${bundled}` : ''}`,
    });
    const fn = bundled ? bundledFunctions.find((b) => b.fn.name === subject.name)?.fn : undefined;
    const httpOnly =
      composition && fn && !fn.triggers.some((t) => t.type === 'http')
        ? composition.packages.filter((p) => HTTP_ONLY_PACKAGES.has(p.name))
        : [];
    for (const p of httpOnly) {
      const entry = unneeded.get(p.name) ?? { bytes: 0, functions: [] };
      entry.bytes = Math.max(entry.bytes, p.bytes);
      entry.functions.push(subject.name);
      unneeded.set(p.name, entry);
    }
    if (composition) {
      detail.push(
        `| ${subject.name} | ${formatKb(composition.bytes)} | ${formatKb(composition.awsSdkBytes)} | ${describeTopPackages(composition)} | ${httpOnly.map((p) => `${p.name} ${formatKb(p.bytes)}`).join(', ')} |`,
      );
    }
  }
  const functionSamples = samples.filter((s) => s.subject.kind === 'function');
  if (over.length > 0) {
    const gap = summarize(functionSamples.map((s) => summarize(s.ratioToReference).median));
    const zodMs = pairedDifference(ZOD_PROBE_NAME, EMPTY_NAME);
    const referenceMs = summarize(msOf(REFERENCE_NAME)).median;
    findings.push(
      `Cold start misses its budget for ${over.length} of ${functionSamples.length} functions (median ratio ${fixed(gap.median, 2)}×, budget ${COLD_START_BUDGET}× the reference's ${fixed(referenceMs)} ms): ${over.join(', ')}.`,
    );
    const zodBytes = bundledFunctions[0]?.composition.packages.find((p) => p.name === 'zod')?.bytes ?? 0;
    const gapMs = summarize(
      functionSamples.map((f) => pairedDifference(f.subject.name, REFERENCE_NAME)),
    ).median;
    findings.push(
      `Cause: every bundle is 2–3× the reference (${formatKb(referenceComposition.bytes)}), and zod is the largest part of each (${formatKb(zodBytes)}: zod 4 classic, whose methods live on shared prototypes, so esbuild cannot drop what a function does not call). Importing zod alone costs ${fixed(zodMs)} ms over an empty process, against a median gap of ${fixed(gapMs)} ms between a function and the reference (both measured in the same rounds): zod is about ${fixed((zodMs / gapMs) * 100, 0)}% of the gap; the rest is the functions' own code and schemas, Powertools and the extra AWS SDK clients. What would fix it: keep zod classic off the Lambda paths (\`zod/mini\` for what a function parses at run time, plain checks in tasks and relays), and keep HTTP-only modules out of task bundles (below).`,
    );
    if (largest) {
      const mapsMs = pairedDifference(largest.fn.name, `${largest.fn.name} without source maps`);
      const referenceMapsMs = pairedDifference(REFERENCE_NAME, `${REFERENCE_NAME} without source maps`);
      findings.push(
        `Cause: \`NODE_OPTIONS=${LAMBDA_NODE_OPTIONS}\` (set by the CDK app) makes Node read the bundle's source map at import: it costs ${fixed(mapsMs)} ms on ${largest.fn.name} (map ${formatKb(largest.mapBytes)}) and ${fixed(referenceMapsMs)} ms on the reference. Both sides of the ratio pay it, but in proportion to bundle size.`,
      );
    }
  }
  if (unneeded.size > 0) {
    const functions = new Set([...unneeded.values()].flatMap((u) => u.functions));
    const packages = [...unneeded]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .map(([name, { bytes }]) => `${name} (${bytes < 1024 ? '<1 KB' : formatKb(bytes)})`);
    findings.push(
      `Modules a function does not use: ${functions.size} functions without an HTTP trigger bundle ${packages.join(', ')}, which only HTTP serving needs; they come in through shared imports (package entry points that also export HTTP and OpenAPI helpers). Small next to zod, but dead code at every cold start: ${[...functions].join(', ')}.`,
    );
  }
  for (const failure of failures) findings.push(`Not bundled, so not measured: ${failure}`);
  const explanation = [
    `**1. Cold start.** Every function of every discovered service is bundled with \`bundleFunctions\` (the esbuild options of \`LAMBDA_BUNDLING\`, which the CDK app uses too: minified ESM with a source map). The diagnostics (no budget) run in the same rounds: a bundle of zod alone, and the reference and the largest function without source maps. A child \`node\` process with \`NODE_OPTIONS=${LAMBDA_NODE_OPTIONS}\` (as CDK sets it) and the function's full environment imports the bundle and exits; the figure is the wall time from spawn to exit. The reference is \`reference.handler.ts\` (a bare Hono app doing one DocumentClient \`GetCommand\`), bundled and started the same way; the empty process imports an empty module. Each of the ${rounds} rounds runs every subject once in a fresh random order, after one untimed warm-up round; a function's ratio is computed within each round against that round's reference, and the table gives the median and quartiles of those ratios.`,
    '',
    detail.join('\n'),
  ].join('\n');
  return { rows, findings, explanation };
};
