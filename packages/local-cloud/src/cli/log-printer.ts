import { parseLogLine } from '../stack/log-hub.ts';

/** How `npm start` prints what the stack and its functions log. */
export type LogFormat = 'pretty' | 'json';

export interface LogPrinterOptions {
  readonly format: LogFormat;
  /** Only warnings and errors (and the start-up banner). */
  readonly quiet: boolean;
  /** Colour the level and ids (a terminal). */
  readonly color: boolean;
  readonly write: (text: string) => void;
}

const LOUD_LEVELS = new Set(['WARN', 'WARNING', 'ERROR', 'CRITICAL', 'FATAL']);
/** Plain lines the stack prints that are trouble (a failed poll, a discarded record, a fatal error). */
const TROUBLE = /\b(error|failed|fatal|discarded|exception)\b/i;

const paint = (color: boolean, code: number, text: string): string =>
  color ? `\u001b[${code}m${text}\u001b[0m` : text;

const LEVEL_COLORS: Record<string, number> = {
  DEBUG: 90,
  INFO: 36,
  WARN: 33,
  WARNING: 33,
  ERROR: 31,
  CRITICAL: 31,
};

/** `--log-format json|pretty` (default pretty) and `--quiet` from `npm start`'s arguments. */
export const logOptionsFrom = (args: readonly string[]): { format: LogFormat; quiet: boolean } => {
  const index = args.findIndex((arg) => arg === '--log-format' || arg.startsWith('--log-format='));
  const flag = args[index];
  const raw =
    flag === undefined ? 'pretty' : flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : args[index + 1];
  if (raw !== 'pretty' && raw !== 'json') {
    throw new Error(`--log-format is "pretty" or "json", got "${raw ?? ''}"`);
  }
  return { format: raw, quiet: args.includes('--quiet') };
};

/**
 * One compact line per log event: time, function, level, message, order and correlation id. The
 * raw JSON stays one `--log-format json` away; EMF metric documents are left out (`npm run local --
 * metrics` shows them).
 */
export const formatLogLine = (line: string, color = false, at = new Date()): string | undefined => {
  const entry = parseLogLine(line, 0, at);
  if (entry.raw.startsWith('{"_aws"') || (entry.raw.startsWith('{') && entry.raw.includes('"_aws":{')))
    return undefined;
  if (entry.source === 'stack') return entry.raw;
  const time = (Number.isNaN(Date.parse(entry.at)) ? at : new Date(entry.at)).toISOString().slice(11, 23);
  const level = entry.level?.toUpperCase();
  const ids = [
    ...(entry.orderId ? [`order=${entry.orderId}`] : []),
    ...(entry.correlationId && entry.correlationId !== entry.orderId ? [`corr=${entry.correlationId}`] : []),
  ].join(' ');
  return [
    paint(color, 90, time),
    entry.source.padEnd(26),
    level ? paint(color, LEVEL_COLORS[level] ?? 0, level.padEnd(5)) : '     ',
    entry.message,
    ...(ids ? [paint(color, 90, ids)] : []),
  ].join(' ');
};

/** Whether a line is a warning or an error (what `--quiet` keeps). */
export const isLoud = (line: string): boolean => {
  const entry = parseLogLine(line, 0);
  if (entry.level) return LOUD_LEVELS.has(entry.level.toUpperCase());
  if (entry.source === 'gateway') return /"status":5\d\d/.test(entry.raw);
  return TROUBLE.test(entry.raw);
};

/** The `log` of `npm start`'s stack: each line printed as the options say. */
export const createLogPrinter =
  (options: LogPrinterOptions) =>
  (line: string): void => {
    if (options.quiet && !isLoud(line)) return;
    if (options.format === 'json') {
      options.write(`${line}\n`);
      return;
    }
    const formatted = formatLogLine(line, options.color);
    if (formatted !== undefined) options.write(`${formatted}\n`);
  };
