import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleFunctions, type FunctionSpec, lambdaBuildOptions } from '@shop/local-cloud';
import {
  type ResolvedFunction,
  type ServiceDefinition,
  SOURCE_MAPS_NODE_OPTIONS,
} from '@shop/platform/service';
import { type BuildOptions, build, type Plugin } from 'esbuild';
import type { BenchContext } from './bench.context.ts';
import { coldStartEnvironment, referenceEnvironment } from './bench-environment.ts';
import {
  type BundleComposition,
  type BundleMetafile,
  DOCUMENT_ONLY_PACKAGES,
  describeTopPackages,
  formatKb,
  HTTP_ONLY_PACKAGES,
  hasZodLocales,
  importsZodObject,
  packageOf,
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
const ZOD_PROBE_NAME = 'zod alone, `import * as z` (one schema)';
const TASK_FLOOR_NAME = "the platform's least saga task (the reference's GetCommand)";
const HTTP_FLOOR_NAME = "the platform's least HTTP function (the reference's GetCommand, a bearer token)";
const ZOD_OBJECT_PROBE_NAME = 'zod alone, `import { z }` (one schema)';
const WITH_SOURCE_MAPS = `with ${SOURCE_MAPS_NODE_OPTIONS}`;
const NAMESPACE_ZOD = 'with `import * as z` in its own files';
const WITHOUT_ALIASES = 'without the bundling aliases';
const WITHOUT_TRACER = 'without the tracer bundled';
const WITH_CODE_CACHE = 'with a V8 code cache (`NODE_COMPILE_CACHE`)';
/** What the platform's tracer loads when a function traces (`tracing/tracer.ts`), and what comes with it. */
const TRACER_PACKAGES: ReadonlySet<string> = new Set([
  '@aws-lambda-powertools/tracer',
  'aws-xray-sdk-core',
  'semver',
  'cls-hooked',
  'emitter-listener',
  'async-hook-jl',
  'stack-chain',
  'shimmer',
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

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

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
  zodObjectProbe: string;
  /** The platform's floors: `task-floor.handler.ts` and `http-floor.handler.ts`. */
  floors: Record<'task' | 'http', { bundlePath: string; composition: BundleComposition }>;
  /** The warm benchmark's yardstick (`warm-reference.handler.ts`). */
  warmReference: string;
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
  const result = await bundleFunctions(
    [
      specOf('reference', here('./reference.handler.ts')),
      specOf('zod-probe', here('./zod-probe.handler.ts')),
      specOf('zod-object-probe', here('./zod-named-probe.handler.ts')),
      specOf('task-floor', here('./task-floor.handler.ts')),
      specOf('http-floor', here('./http-floor.handler.ts')),
      specOf('warm-reference', here('./warm-reference.handler.ts')),
    ],
    join(ctx.workDir, 'bundles', 'reference'),
  );
  const {
    reference,
    'zod-probe': zodProbe,
    'zod-object-probe': zodObjectProbe,
    'task-floor': taskFloor,
    'http-floor': httpFloor,
    'warm-reference': warmReference,
  } = result.bundles;
  if (!reference || !zodProbe || !zodObjectProbe || !taskFloor || !httpFloor || !warmReference)
    throw new Error('the reference handlers did not bundle');
  const metafile = JSON.parse(await readFile(result.metafilePath, 'utf8')) as BundleMetafile;
  return {
    bundled,
    failures,
    reference,
    referenceComposition: summarizeBundle(metafile, reference),
    zodProbe,
    zodObjectProbe,
    floors: {
      task: { bundlePath: taskFloor, composition: summarizeBundle(metafile, taskFloor) },
      http: { bundlePath: httpFloor, composition: summarizeBundle(metafile, httpFloor) },
    },
    warmReference,
  };
};

/**
 * Diagnostic bundles (not what is deployed): the deployed esbuild settings with `changes` over them
 * (a plugin added, or the aliases taken out).
 */
const bundleDiagnostic = async (
  entries: Readonly<Record<string, string>>,
  outDir: string,
  changes: BuildOptions,
): Promise<Record<string, string>> => {
  await build({
    ...lambdaBuildOptions(),
    bundle: true,
    ...changes,
    entryPoints: { ...entries },
    outdir: outDir,
    logLevel: 'silent',
  });
  return Object.fromEntries(Object.keys(entries).map((name) => [name, join(outDir, `${name}.mjs`)]));
};

/**
 * The Powertools tracer replaced by a module whose tracer never traces, to price what the tracer
 * costs a cold start when tracing is off (its code is bundled but, behind `await import`, never
 * evaluated: only parsed).
 */
const NO_TRACER_PLUGIN: Plugin = {
  name: 'no-tracer',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^@aws-lambda-powertools\/tracer$/ }, (args) => ({
      path: args.path,
      namespace: 'no-tracer',
    }));
    pluginBuild.onLoad({ filter: /.*/, namespace: 'no-tracer' }, () => ({
      contents: 'export class Tracer { isTracingEnabled() { return false; } }',
      loader: 'js',
    }));
  },
};

/**
 * Every `import { z } from 'zod'` in the repository's own sources read as `import * as z from 'zod'`,
 * to price that one-line fix.
 */
const NAMESPACE_ZOD_PLUGIN: Plugin = {
  name: 'namespace-zod',
  setup(pluginBuild) {
    pluginBuild.onLoad({ filter: /\/(services|packages)\/.*\.ts$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!importsZodObject(source)) return undefined;
      return {
        contents: source.replace(/^import \{ z \} from 'zod';$/m, "import * as z from 'zod';"),
        loader: 'ts',
      };
    });
  },
};

const zodObjectSources = new Map<string, boolean>();
/** Files of a bundle that import zod's `z` object (which keeps every export and locale of zod). */
const zodObjectImportersOf = (composition: BundleComposition): string[] =>
  composition.inputs.filter((input) => {
    if (!/\.(m?js|ts)$/.test(input)) return false;
    let known = zodObjectSources.get(input);
    if (known === undefined) {
      try {
        known = importsZodObject(readFileSync(input, 'utf8'));
      } catch {
        known = false;
      }
      zodObjectSources.set(input, known);
    }
    return known;
  });

export const runColdStartSection = async (ctx: BenchContext): Promise<SectionResult> => {
  const rounds = ctx.quick ? 5 : 15;
  ctx.progress(`cold start: bundling ${ctx.services.length} services and the reference`);
  const {
    bundled: bundledFunctions,
    failures,
    reference,
    referenceComposition,
    zodProbe,
    zodObjectProbe,
    floors,
  } = await bundleServices(ctx);
  const empty = await writeEmptyModule(join(ctx.workDir, 'bundles'));
  const bySize = [...bundledFunctions].sort((a, b) => b.composition.bytes - a.composition.bytes);
  const largest = bySize[0];
  const smallest = bySize[bySize.length - 1];
  const withSourceMaps = (environment: Record<string, string>) => ({
    ...environment,
    NODE_OPTIONS: SOURCE_MAPS_NODE_OPTIONS,
  });
  // Without LAMBDA_BUNDLING.alias: the SDK's default credential chain, `node:http` as an ES module.
  const unaliasedBundles = await bundleDiagnostic(
    {
      reference: here('./reference.handler.ts'),
      ...Object.fromEntries([largest, smallest].flatMap((b) => (b ? [[b.fn.name, b.fn.entry]] : []))),
    },
    join(ctx.workDir, 'bundles', 'without-aliases'),
    { alias: {} },
  );
  const envOf = (b: BundledFunction) => coldStartEnvironment(ctx.services, b.service, b.fn);
  const tracerBytesOf = (composition: BundleComposition) =>
    composition.packages.filter((p) => TRACER_PACKAGES.has(p.name)).reduce((sum, p) => sum + p.bytes, 0);
  // The smallest function, and the smallest HTTP function, that bundle the tracer.
  const withTracer = [...bySize].reverse().filter((b) => tracerBytesOf(b.composition) > 0);
  const tracerSubjects = [
    withTracer.find((b) => !b.fn.triggers.some((t) => t.type === 'http')),
    withTracer.find((b) => b.fn.triggers.some((t) => t.type === 'http')),
  ].flatMap((b) => (b ? [b] : []));
  const noTracerBundles = await bundleDiagnostic(
    Object.fromEntries(tracerSubjects.map((b) => [b.fn.name, b.fn.entry])),
    join(ctx.workDir, 'bundles', 'no-tracer'),
    { plugins: [NO_TRACER_PLUGIN] },
  );
  // The smallest task, consumer or relay that still reaches zod's `z` object through its own files.
  const zodObjectTask = [...bySize]
    .reverse()
    .find(
      (b) =>
        !b.fn.triggers.some((t) => t.type === 'http') &&
        hasZodLocales(b.composition) &&
        zodObjectImportersOf(b.composition).some((file) => !file.includes('/node_modules/')),
    );
  const namespaceZodBundles = zodObjectTask
    ? await bundleDiagnostic(
        { [zodObjectTask.fn.name]: zodObjectTask.fn.entry },
        join(ctx.workDir, 'bundles', 'namespace-zod'),
        { plugins: [NAMESPACE_ZOD_PLUGIN] },
      )
    : {};
  // Diagnostics, measured in the same rounds: what zod costs, what source maps would cost, and what
  // the credential chain costs.
  const diagnostics: ColdStartSubject[] = [
    {
      name: ZOD_PROBE_NAME,
      kind: 'diagnostic',
      bundlePath: zodProbe,
      environment: referenceEnvironment('zod'),
    },
    {
      name: ZOD_OBJECT_PROBE_NAME,
      kind: 'diagnostic',
      bundlePath: zodObjectProbe,
      environment: referenceEnvironment('zod-object'),
    },
    {
      name: TASK_FLOOR_NAME,
      kind: 'diagnostic',
      bundlePath: floors.task.bundlePath,
      environment: referenceEnvironment('task-floor'),
    },
    {
      name: HTTP_FLOOR_NAME,
      kind: 'diagnostic',
      bundlePath: floors.http.bundlePath,
      environment: referenceEnvironment('http-floor'),
    },
    {
      name: `${REFERENCE_NAME} ${WITH_SOURCE_MAPS}`,
      kind: 'diagnostic',
      bundlePath: reference,
      environment: withSourceMaps(referenceEnvironment('reference')),
    },
    ...(largest
      ? [
          {
            name: `${largest.fn.name} ${WITH_SOURCE_MAPS}`,
            kind: 'diagnostic' as const,
            bundlePath: largest.bundlePath,
            environment: withSourceMaps(envOf(largest)),
          },
        ]
      : []),
    {
      name: `${REFERENCE_NAME} ${WITHOUT_ALIASES}`,
      kind: 'diagnostic',
      bundlePath: unaliasedBundles.reference ?? reference,
      environment: referenceEnvironment('reference'),
    },
    ...[largest, smallest].flatMap((b) =>
      b && unaliasedBundles[b.fn.name]
        ? [
            {
              name: `${b.fn.name} ${WITHOUT_ALIASES}`,
              kind: 'diagnostic' as const,
              bundlePath: unaliasedBundles[b.fn.name] ?? b.bundlePath,
              environment: envOf(b),
            },
          ]
        : [],
    ),
  ];
  for (const b of tracerSubjects) {
    const bundlePath = noTracerBundles[b.fn.name];
    if (bundlePath) {
      diagnostics.push({
        name: `${b.fn.name} ${WITHOUT_TRACER}`,
        kind: 'diagnostic',
        bundlePath,
        environment: envOf(b),
      });
    }
  }
  if (zodObjectTask && namespaceZodBundles[zodObjectTask.fn.name]) {
    diagnostics.push({
      name: `${zodObjectTask.fn.name} ${NAMESPACE_ZOD}`,
      kind: 'diagnostic',
      bundlePath: namespaceZodBundles[zodObjectTask.fn.name] ?? zodObjectTask.bundlePath,
      environment: envOf(zodObjectTask),
    });
  }
  // Node's compile cache, written by the untimed warm-up round and read by every timed one: what a
  // V8 code cache shipped in the asset would save.
  const withCodeCache = (name: string, environment: Record<string, string>) => ({
    ...environment,
    NODE_COMPILE_CACHE: join(ctx.workDir, 'compile-cache', name.replace(/[^a-z0-9-]+/gi, '-')),
  });
  diagnostics.push({
    name: `${REFERENCE_NAME} ${WITH_CODE_CACHE}`,
    kind: 'diagnostic',
    bundlePath: reference,
    environment: withCodeCache('reference', referenceEnvironment('reference')),
  });
  if (largest) {
    diagnostics.push({
      name: `${largest.fn.name} ${WITH_CODE_CACHE}`,
      kind: 'diagnostic',
      bundlePath: largest.bundlePath,
      environment: withCodeCache(largest.fn.name, envOf(largest)),
    });
  }
  const subjects: ColdStartSubject[] = [
    ...diagnostics,
    { name: EMPTY_NAME, kind: 'empty', bundlePath: empty, environment: referenceEnvironment('empty') },
    {
      name: REFERENCE_NAME,
      kind: 'reference',
      bundlePath: reference,
      environment: referenceEnvironment('reference'),
    },
    ...bundledFunctions.map((b) => ({
      name: b.fn.name,
      kind: 'function' as const,
      bundlePath: b.bundlePath,
      environment: envOf(b),
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
  const ratioOf = (name: string) =>
    summarize(samples.find((s) => s.subject.name === name)?.ratioToReference ?? []).median;
  const detail: string[] = [
    '| Function | Bundle | AWS SDK | zod | Top 3 packages (bytes in the minified bundle) | Bundled but not needed by a non-HTTP function |',
    '|---|---|---|---|---|---|',
  ];
  const over: string[] = [];
  const within: string[] = [];
  const unneeded = new Map<string, { bytes: number; functions: string[] }>();
  const zodBytesOf = (composition: BundleComposition) =>
    composition.packages.find((p) => p.name === 'zod')?.bytes ?? 0;
  for (const { subject, ms, ratioToReference } of samples) {
    const time = summarize(ms);
    const ratio = summarize(ratioToReference);
    const composition = compositionOf(subject.name);
    const isFunction = subject.kind === 'function';
    const overBudget = isFunction && ratio.median > COLD_START_BUDGET;
    if (isFunction) (overBudget ? over : within).push(`${subject.name} ${fixed(ratio.median, 2)}×`);
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
        `| ${subject.name} | ${formatKb(composition.bytes)} | ${formatKb(composition.awsSdkBytes)} | ${formatKb(zodBytesOf(composition))} | ${describeTopPackages(composition)} | ${httpOnly.map((p) => `${p.name} ${formatKb(p.bytes)}`).join(', ')} |`,
      );
    }
  }

  const functionSamples = samples.filter((s) => s.subject.kind === 'function');
  const isHttp = (name: string) =>
    bundledFunctions.find((b) => b.fn.name === name)?.fn.triggers.some((t) => t.type === 'http') ?? false;
  const medianRatio = (names: readonly string[]) => summarize(names.map(ratioOf)).median;
  const httpNames = functionSamples.map((s) => s.subject.name).filter(isHttp);
  const otherNames = functionSamples.map((s) => s.subject.name).filter((n) => !isHttp(n));
  const referenceMs = summarize(msOf(REFERENCE_NAME)).median;
  findings.push(
    `Cold start: ${over.length} of ${functionSamples.length} functions over ${COLD_START_BUDGET}× the reference (${fixed(referenceMs)} ms in this run); median ratio ${fixed(medianRatio(httpNames), 2)}× for the ${httpNames.length} HTTP functions, ${fixed(medianRatio(otherNames), 2)}× for the ${otherNames.length} tasks, consumers and relays.${over.length > 0 ? ` Over: ${over.join(', ')}.` : ''}${within.length > 0 ? ` Within: ${within.join(', ')}.` : ''}`,
  );

  // The floor: what the platform alone costs, before any service code.
  const floorOf = (name: string, composition: BundleComposition) =>
    `${fixed(summarize(msOf(name)).median)} ms, ${fixed(ratioOf(name), 2)}× the reference (${formatKb(composition.bytes)}, ${formatKb(composition.bytes - referenceComposition.bytes)} more)`;
  const floorRatio = Math.min(ratioOf(TASK_FLOOR_NAME), ratioOf(HTTP_FLOOR_NAME));
  /** What the functions of a kind cost above their floor: median, least and most, in ms. */
  const aboveFloor = (names: readonly string[], floor: string) => {
    const above = names
      .map((name) => ({ name, ms: pairedDifference(name, floor) }))
      .sort((a, b) => a.ms - b.ms);
    const least = above[0];
    const most = above[above.length - 1];
    return least && most
      ? `a median ${fixed(summarize(above.map((a) => a.ms)).median)} ms (from ${fixed(least.ms)} ms, ${least.name}, to ${fixed(most.ms)} ms, ${most.name})`
      : 'nothing measured';
  };
  findings.push(
    `The platform's floor (diagnostic rows): the least saga task it makes, the reference's GetCommand through the platform's document client with a zod input, the Powertools log line and metrics, and the tracer bundled as in every function (\`task-floor.handler.ts\`), starts in ${floorOf(TASK_FLOOR_NAME, floors.task.composition)}; the least HTTP function, the same call behind the platform's app (ids, log line, error boundary), a bearer token through the auth package and a zod-validated path parameter (\`http-floor.handler.ts\`), in ${floorOf(HTTP_FLOOR_NAME, floors.http.composition)}. Neither has any service code. ${
      floorRatio > COLD_START_BUDGET
        ? `Both are over ${COLD_START_BUDGET}× already, so no function built on these libraries can be within it, however lean its own code: zod's classic API alone costs ${fixed(pairedDifference(ZOD_PROBE_NAME, EMPTY_NAME))} ms (${fixed(pairedDifference(ZOD_PROBE_NAME, EMPTY_NAME) / referenceMs, 2)}× the reference) over an empty process. Meeting the budget takes replacing what the floor carries (zod's classic schemas by \`zod/mini\` or validators generated ahead of time, and the tracer's bytes out of the bundle): a change of library choices across every schema and both bundlers, not of a function.`
        : `They are within ${COLD_START_BUDGET}×, so what a function costs above its floor is its own code.`
    } Above its floor, a function's own code (its service, contracts and clients) adds ${aboveFloor(otherNames, TASK_FLOOR_NAME)} to the tasks, consumers and relays, and ${aboveFloor(httpNames, HTTP_FLOOR_NAME)} to the HTTP functions.`,
  );

  // What was done, priced in this run.
  const withLocales = bundledFunctions.filter((b) => hasZodLocales(b.composition));
  const lean = bundledFunctions.filter((b) => !hasZodLocales(b.composition) && zodBytesOf(b.composition) > 0);
  const leanZod = lean.length > 0 ? Math.max(...lean.map((b) => zodBytesOf(b.composition))) : 0;
  const fullZod = withLocales.length > 0 ? Math.max(...withLocales.map((b) => zodBytesOf(b.composition))) : 0;
  findings.push(
    `Done, zod imported as a namespace: \`import * as z from 'zod'\` in contracts, platform, auth and the services' \`env.ts\`. zod's \`z\` object (what \`import { z } from 'zod'\` binds) holds every export, the ~40 locales included, so esbuild keeps all of it; a namespace import lets it keep only what is reached. Importing zod alone costs ${fixed(pairedDifference(ZOD_PROBE_NAME, EMPTY_NAME))} ms over an empty process as a namespace and ${fixed(pairedDifference(ZOD_OBJECT_PROBE_NAME, EMPTY_NAME))} ms through \`{ z }\`; ${lean.length} bundles now carry at most ${formatKb(leanZod)} of zod${fullZod > 0 ? `, against ${formatKb(fullZod)} in the ${withLocales.length} that still reach the \`z\` object (below)` : ''}.`,
  );
  if (largest) {
    findings.push(
      `Done, no source maps at run time: the CDK app no longer sets \`NODE_OPTIONS=${SOURCE_MAPS_NODE_OPTIONS}\` (\`LAMBDA_RUNTIME_ENVIRONMENT\`); the map still ships in each asset, for offline symbolication or to switch on while debugging. Switched on, it would cost ${fixed(pairedDifference(`${REFERENCE_NAME} ${WITH_SOURCE_MAPS}`, REFERENCE_NAME))} ms on the reference and ${fixed(pairedDifference(`${largest.fn.name} ${WITH_SOURCE_MAPS}`, largest.fn.name))} ms on ${largest.fn.name} (map ${formatKb(largest.mapBytes)}) at every cold start. The figures above are taken without it, as deployed.`,
    );
  }
  if (largest) {
    const cachedRef = msOf(`${REFERENCE_NAME} ${WITH_CODE_CACHE}`);
    const cachedFn = msOf(`${largest.fn.name} ${WITH_CODE_CACHE}`);
    const cachedRatio =
      cachedRef.length > 0 && cachedRef.length === cachedFn.length
        ? summarize(cachedFn.map((value, i) => value / (cachedRef[i] ?? Number.NaN))).median
        : Number.NaN;
    findings.push(
      `Not adopted, a V8 code cache: with Node's compile cache (\`NODE_COMPILE_CACHE\`, written by a first start and read by the next) the reference starts ${fixed(pairedDifference(REFERENCE_NAME, `${REFERENCE_NAME} ${WITH_CODE_CACHE}`))} ms and ${largest.fn.name} ${fixed(pairedDifference(largest.fn.name, `${largest.fn.name} ${WITH_CODE_CACHE}`))} ms sooner, ${fixed(cachedRatio, 2)}× against ${fixed(ratioOf(largest.fn.name), 2)}× without (diagnostic rows): the larger bundle has more to compile. In Lambda the cache would have to ship in the asset, built beforehand, but Node only reads a cache written by its own version, and the managed runtime moves to each new Node patch release on its own schedule: after the next one, every cold start would silently compile again. Adopting it means pinning the runtime version and building each cache with that exact Node, which Shop leaves to a fork that wants those milliseconds.`,
    );
  }
  if (unneeded.size > 0) {
    const functions = new Set([...unneeded.values()].flatMap((u) => u.functions));
    const packages = [...unneeded]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .map(([name, { bytes }]) => `${name} (${bytes < 1024 ? '<1 KB' : formatKb(bytes)})`);
    findings.push(
      `Modules a function does not use: ${functions.size} functions without an HTTP trigger bundle ${packages.join(', ')}, which only HTTP serving needs: ${[...functions].join(', ')}.`,
    );
  } else if (otherNames.length > 0) {
    findings.push(
      `Done, no HTTP-only module in a task, consumer or relay: the shared packages are \`sideEffects: false\` and \`@shop/platform\` has narrow entry points (\`/env\`, \`/errors\`, \`/http\`, \`/observability\`, \`/messaging\`, \`/service\`), so none of the ${otherNames.length} bundles without an HTTP trigger contains ${[...HTTP_ONLY_PACKAGES].join(', ')}.`,
    );
  }

  // What remains, with its price.
  if (withLocales.length > 0) {
    const importers = new Map<string, string[]>();
    for (const b of withLocales) {
      for (const file of zodObjectImportersOf(b.composition)) {
        const name = file.includes('/node_modules/') ? packageOf(file) : relative(ctx.root, file);
        const list = importers.get(name) ?? [];
        list.push(b.fn.name);
        importers.set(name, list);
      }
    }
    const described = [...importers]
      .sort((a, b) => b[1].length - a[1].length)
      .map(
        ([file, fns]) => `${file} (${fns.length === withLocales.length ? 'all of them' : fns.join(', ')})`,
      );
    findings.push(
      `Remains, zod's \`z\` object in ${withLocales.length} bundles (${formatKb(fullZod)} of zod each, about ${fixed(pairedDifference(ZOD_OBJECT_PROBE_NAME, ZOD_PROBE_NAME))} ms more than the namespace import): ${described.join('; ')}. In the services' own files the fix is the one-line \`import * as z from 'zod'\`${zodObjectTask ? ` (diagnostic row: ${zodObjectTask.fn.name} so rewritten starts in ${fixed(summarize(msOf(`${zodObjectTask.fn.name} ${NAMESPACE_ZOD}`)).median)} ms, ${fixed(ratioOf(`${zodObjectTask.fn.name} ${NAMESPACE_ZOD}`), 2)}× the reference, against ${fixed(ratioOf(zodObjectTask.fn.name), 2)}×)` : ''} (\`function-bundles.test.ts\` fails on any bundle with zod's other locales).`,
    );
  }
  const httpBundles = bundledFunctions.filter((b) => isHttp(b.fn.name));
  if (httpBundles.length > 0) {
    const sizes = httpBundles.map((b) => b.composition.bytes);
    const documentOnly = httpBundles.flatMap((b) =>
      b.composition.packages
        .filter((p) => DOCUMENT_ONLY_PACKAGES.has(p.name))
        .map((p) => `${b.fn.name}: ${p.name} ${formatKb(p.bytes)}`),
    );
    findings.push(
      documentOnly.length === 0
        ? `Done, the API document out of the HTTP functions: routes are still declared as OpenAPI route configs (\`createRoute\`) and registered with \`app.openapi(route, handler)\`, but the platform's \`ServiceApp\` runs only Hono and the route's zod validators (\`@hono/zod-validator\`, the same 400 problems); the document is generated from the same route configs by \`@shop/platform/http/openapi\`, which the gateway imports and no function does. None of the ${httpBundles.length} HTTP bundles contains ${[...DOCUMENT_ONLY_PACKAGES].join(', ')} (\`function-bundles.test.ts\` fails if one does); they are ${formatKb(Math.min(...sizes))}–${formatKb(Math.max(...sizes))} (1.1–1.27 MB with \`@hono/zod-openapi\`).`
        : `Remains, the API document's generator in HTTP bundles: ${documentOnly.join('; ')}.`,
    );
  }
  const tracerRows = tracerSubjects.map(
    (b) =>
      `${fixed(pairedDifference(b.fn.name, `${b.fn.name} ${WITHOUT_TRACER}`))} ms on ${b.fn.name} (${formatKb(tracerBytesOf(b.composition))})`,
  );
  if (tracerRows.length > 0) {
    findings.push(
      `Tracer with tracing off: \`tracing/tracer.ts\` loads the Powertools tracer with \`await import\` only in a function that traces (on AWS, \`POWERTOOLS_TRACE_ENABLED=true\` beside X-Ray active tracing), so with it off nothing of it is evaluated, and aws-xray-sdk-core never turns on its async hooks; but esbuild inlines the dynamic import, so its code (the tracer, aws-xray-sdk-core, semver, cls-hooked) is in every bundle and parsed at each cold start. Bundled without it (diagnostic rows) a function starts ${tracerRows.join(' and ')} sooner. Taking those bytes out of the bundle means shipping the tracer beside it (a second file in the asset, or the Powertools layer), a change to both bundlers and to the asset layout.`,
    );
  }
  const beyondReference = (composition: BundleComposition) =>
    composition.packages
      .map((p) => ({
        name: p.name,
        bytes: p.bytes - (referenceComposition.packages.find((r) => r.name === p.name)?.bytes ?? 0),
      }))
      .filter((p) => p.bytes > 4096);
  const remainsOf = (names: readonly string[]) => {
    const largest = new Map<string, { bytes: number; functions: number }>();
    for (const name of names) {
      const composition = compositionOf(name);
      if (!composition) continue;
      for (const p of beyondReference(composition)) {
        const entry = largest.get(p.name) ?? { bytes: 0, functions: 0 };
        largest.set(p.name, { bytes: Math.max(entry.bytes, p.bytes), functions: entry.functions + 1 });
      }
    }
    return [...largest]
      .sort((a, b) => b[1].bytes - a[1].bytes)
      .map(([name, { bytes, functions }]) => `${name} ${formatKb(bytes)} (${functions}/${names.length})`)
      .join(', ');
  };
  findings.push(
    `Remains above the reference, per package (bytes a bundle carries beyond the reference's own copy of that package, the largest over the functions of the kind, and in how many of them): HTTP functions (median ${fixed(medianRatio(httpNames), 2)}×): ${remainsOf(httpNames)}. Tasks, consumers and relays (median ${fixed(medianRatio(otherNames), 2)}×): ${remainsOf(otherNames)}. At start every byte is parsed (about as many milliseconds per 100 KB as the tracer rows show), and zod also builds every schema the function imports.`,
  );
  const aliasRows = [REFERENCE_NAME, ...[largest, smallest].flatMap((b) => (b ? [b.fn.name] : []))]
    .filter((name) => msOf(`${name} ${WITHOUT_ALIASES}`).length > 0)
    .map((name) => `${fixed(pairedDifference(`${name} ${WITHOUT_ALIASES}`, name))} ms on ${name}`);
  findings.push(
    `Done, two bundling aliases (\`LAMBDA_BUNDLING.alias\`, in both bundlers: \`lambdaBuildOptions\` and the CDK construct's \`esbuildArgs\`). \`node:http\` is taken with \`process.getBuiltinModule\` instead of an ES module import, whose facade reads every export of \`node:http\` and so loads Node's fetch implementation (undici) at import; and every SDK client's \`@aws-sdk/credential-provider-node\` (the default chain: ini files, SSO, web identity, ECS, IMDS, and the STS/SSO clients \`@aws-sdk/nested-clients\`) is the SDK's own env provider (\`fromEnv\`, \`env-credentials.provider.ts\`), the chain's first link and the one Lambda serves. Bundled without them, as before (diagnostic rows), cold start is longer by ${aliasRows.join(', ')}. The reference is bundled with them too, so its time drops as much as a task's and the ratios do not show the saving. An HTTP function also creates jose's remote key set at its first verification rather than at import: creating it builds a \`Headers\`, which loads undici, and an HTTP function loads undici at its first request anyway (the Lambda adapter's \`Request\`), as the reference does, so no function and not the reference loads it while imported, and these figures compare like with like (neither includes that first request). \`function-bundles.test.ts\` imports every bundle and fails if undici is loaded.`,
  );
  const bestOther = otherNames
    .map((name) => ({ name, ratio: ratioOf(name), composition: compositionOf(name) }))
    .sort((a, b) => a.ratio - b.ratio)[0];
  if (bestOther?.composition) {
    const extra = bestOther.composition.packages
      .filter(
        (p) => (referenceComposition.packages.find((r) => r.name === p.name)?.bytes ?? 0) < p.bytes - 4096,
      )
      .slice(0, 4)
      .map(
        (p) =>
          `${p.name} ${formatKb(p.bytes - (referenceComposition.packages.find((r) => r.name === p.name)?.bytes ?? 0))}`,
      );
    findings.push(
      `Remains, the floor of a non-HTTP function: the leanest, ${bestOther.name}, is ${fixed(bestOther.ratio, 2)}× the reference (${fixed(pairedDifference(bestOther.name, REFERENCE_NAME))} ms more); beyond the reference it bundles ${extra.join(', ')}. zod's classic API (${fixed(pairedDifference(ZOD_PROBE_NAME, EMPTY_NAME))} ms on its own) is the largest part: \`zod/mini\` would cut that, but the contracts' schemas are classic schemas used by the services and by the API document's generator, so that is a rewrite of every schema and its callers, not a platform change.`,
    );
  }
  for (const failure of failures) findings.push(`Not bundled, so not measured: ${failure}`);
  const explanation = [
    `**1. Cold start.** Every function of every discovered service is bundled with \`bundleFunctions\` (the esbuild options of \`LAMBDA_BUNDLING\`, which the CDK app uses too: minified ESM with a source map file beside it). A child \`node\` process with the function's full environment as deployed (the platform's \`LAMBDA_RUNTIME_ENVIRONMENT\`, so no \`NODE_OPTIONS\`; placeholder values) imports the bundle and exits; the figure is the wall time from spawn to exit. The reference is \`reference.handler.ts\` (a bare Hono app doing one DocumentClient \`GetCommand\`), bundled and started the same way; the empty process imports an empty module. The diagnostics (no budget) run in the same rounds: zod alone imported both ways, the platform's floors (the reference's one \`GetCommand\` as the least saga task and the least HTTP function the platform makes, \`task-floor.handler.ts\` and \`http-floor.handler.ts\`), the reference and the largest function with \`NODE_OPTIONS=${SOURCE_MAPS_NODE_OPTIONS}\`, the reference, the largest and the smallest function bundled without the platform's aliases (so with the SDK's default credential chain and \`node:http\` imported as an ES module), the smallest function and the smallest HTTP function bundled with the Powertools tracer replaced by one that never traces, and the smallest task, consumer or relay whose own files still import zod's \`z\` object, bundled with those imports read as namespace imports, and the reference and the largest function with Node's compile cache on (\`NODE_COMPILE_CACHE\`, a folder per subject that the warm-up round fills). Each of the ${rounds} rounds runs every subject once in a fresh random order, after one untimed warm-up round; a function's ratio is computed within each round against that round's reference, and the table gives the median and quartiles of those ratios; differences between two subjects are medians of their per-round differences.`,
    '',
    detail.join('\n'),
  ].join('\n');
  return { rows, findings, explanation };
};
