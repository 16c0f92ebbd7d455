import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { loadServiceDefinitions } from '@shop/platform/service';
import type { BenchContext } from './bench.context.ts';
import { startBenchStack } from './bench.stack.ts';
import { runCheckoutSection } from './checkout.bench.ts';
import { runColdStartSection } from './cold-start.bench.ts';
import { runCostSection } from './cost.bench.ts';
import { type CountedCheckout, runDynamoDbSection } from './dynamodb-round-trips.bench.ts';
import { markdownTable, type ResultRow, type SectionResult, textTable } from './report.ts';
import { runStartupSection } from './startup.bench.ts';
import { runWarmSection } from './warm.bench.ts';

export const SECTIONS = ['cold', 'warm', 'dynamodb', 'checkout', 'startup', 'cost'] as const;
export type SectionName = (typeof SECTIONS)[number];
const STACK_SECTIONS: readonly SectionName[] = ['warm', 'dynamodb', 'checkout', 'cost'];

export interface BenchOptions {
  readonly quick: boolean;
  readonly profile: boolean;
  readonly sections: readonly SectionName[];
  /** Where the Markdown report goes; none when only some sections ran. */
  readonly docPath?: string;
}

export const parseBenchArgs = (args: readonly string[], root: string): BenchOptions => {
  const quick = args.includes('--quick');
  const only = args.find((a) => a.startsWith('--sections='))?.slice('--sections='.length);
  const sections = only
    ? only.split(',').map((name) => {
        if (!(SECTIONS as readonly string[]).includes(name))
          throw new Error(`unknown section "${name}"; sections are ${SECTIONS.join(', ')}`);
        return name as SectionName;
      })
    : [...SECTIONS];
  const noDoc = args.includes('--no-doc') || only !== undefined;
  return {
    quick,
    profile: args.includes('--profile'),
    sections,
    ...(noDoc ? {} : { docPath: join(root, 'docs', 'benchmarks.md') }),
  };
};

const machine = () => {
  const cores = cpus();
  return {
    cpus: cores.length,
    model: cores[0]?.model.trim() ?? 'unknown CPU',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `${process.platform} ${release()}`,
  };
};

export const describeMachine = (): string => {
  const m = machine();
  return `${m.cpus} CPUs (${m.model}), ${m.memoryGb} GB RAM, Node ${m.node}, ${m.os}`;
};

/**
 * `npm run bench`: measures the budgets of docs/budgets.md on this machine, prints one table and writes
 * `docs/benchmarks.md`. Figures are medians of repeated runs with their spread; every ratio is taken
 * against a reference measured in the same run.
 */
export const runBench = async (args: readonly string[], root: string): Promise<void> => {
  const options = parseBenchArgs(args, root);
  const startedAt = new Date();
  const started = performance.now();
  const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const workDir = join(root, '.shop', 'bench');
  await mkdir(workDir, { recursive: true });
  const services = await loadServiceDefinitions(root);
  const ctx: BenchContext = {
    root,
    services,
    quick: options.quick,
    profile: options.profile,
    workDir,
    progress,
  };
  progress(`${describeMachine()}; services: ${services.map((s) => s.name).join(', ') || 'none'}`);

  const results: { name: SectionName; result: SectionResult }[] = [];
  const run = async (name: SectionName, section: () => Promise<SectionResult>) => {
    if (!options.sections.includes(name)) return;
    const sectionStarted = performance.now();
    try {
      results.push({ name, result: await section() });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({
        name,
        result: {
          rows: [
            {
              section: String(SECTIONS.indexOf(name) + 1),
              figure: `${name}: failed`,
              median: '',
              spread: '',
              budget: '',
              verdict: '',
              notes: message.split('\n')[0] ?? message,
            },
          ],
          findings: [`The ${name} section failed: ${message}`],
          explanation: '',
        },
      });
    }
    progress(`${name} done in ${((performance.now() - sectionStarted) / 1000).toFixed(1)} s`);
  };

  await run('cold', () => runColdStartSection(ctx));
  // Before the benchmark's own stack starts, so that both do not compete for the machine.
  await run('startup', () => runStartupSection(ctx));

  const needsStack = options.sections.some((name) => STACK_SECTIONS.includes(name));
  if (needsStack) {
    progress('starting the local stack (ports 0)');
    const bench = await startBenchStack(ctx);
    try {
      await run('checkout', () => runCheckoutSection(ctx, bench));
      let counted: CountedCheckout | undefined;
      // The cost model prices the checkout that the round-trip count follows.
      if (options.sections.includes('dynamodb') || options.sections.includes('cost')) {
        await run('dynamodb', async () => {
          const { result, checkout } = await runDynamoDbSection(ctx, bench);
          counted = checkout;
          return result;
        });
      }
      await run('cost', async () => runCostSection(ctx, bench, counted));
      await run('warm', () => runWarmSection(ctx, bench));
    } finally {
      await bench.stop();
    }
  }

  const order = (name: SectionName) => SECTIONS.indexOf(name);
  results.sort((a, b) => order(a.name) - order(b.name));
  const rows: ResultRow[] = results.flatMap((r) => r.result.rows);
  const findings = results.flatMap((r) => r.result.findings);
  const totalSeconds = (performance.now() - started) / 1000;

  const out: string[] = [
    '',
    `Shop benchmarks, ${startedAt.toISOString()}${options.quick ? ' (--quick)' : ''}`,
    `Machine: ${describeMachine()}`,
    '',
    textTable(rows),
    '',
  ];
  if (findings.length > 0) out.push('Findings:', ...findings.map((f) => `- ${f}`), '');
  out.push(`Total ${totalSeconds.toFixed(0)} s.`);
  process.stdout.write(`${out.join('\n')}\n`);

  if (options.docPath) {
    await mkdir(join(root, 'docs'), { recursive: true });
    await writeFile(
      options.docPath,
      renderDocument({ startedAt, quick: options.quick, rows, findings, results, totalSeconds }),
    );
    progress(`wrote ${options.docPath}`);
  }
};

const renderDocument = (report: {
  startedAt: Date;
  quick: boolean;
  rows: readonly ResultRow[];
  findings: readonly string[];
  results: readonly { name: SectionName; result: SectionResult }[];
  totalSeconds: number;
}): string =>
  [
    '# Benchmarks',
    '',
    '<!-- Generated by `npm run bench`; do not edit by hand, re-run the command. -->',
    '',
    `Measured on ${report.startedAt.toISOString().slice(0, 10)} (${report.startedAt.toISOString()})${report.quick ? ' with `--quick` (fewer rounds)' : ''}, in ${report.totalSeconds.toFixed(0)} s.`,
    '',
    `Machine: ${describeMachine()}.`,
    '',
    'Each figure is the median of repeated runs with its spread (p25–p75 unless said otherwise); each ratio is computed against a reference measured in the same run, so the noise of the machine cancels out. The budgets are those of [budgets.md](budgets.md).',
    '',
    markdownTable(report.rows),
    '',
    '## Findings',
    '',
    ...(report.findings.length > 0
      ? report.findings.map((f) => `- ${f}`)
      : ['Every figure is within its budget.']),
    '',
    '## How each figure is measured',
    '',
    ...report.results.filter((r) => r.result.explanation).flatMap((r) => [r.result.explanation, '']),
  ].join('\n');
