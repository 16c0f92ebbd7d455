export { type BenchOptions, parseBenchArgs, runBench, SECTIONS, type SectionName } from './bench.command.ts';
