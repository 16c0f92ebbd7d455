import type { Summary } from './stats.ts';

export type Verdict = 'ok' | 'OVER' | '';

/** One line of the results table. */
export interface ResultRow {
  readonly section: string;
  readonly figure: string;
  readonly median: string;
  readonly spread: string;
  readonly budget: string;
  readonly verdict: Verdict;
  readonly notes: string;
}

/** What a section hands back: its rows, what missed a budget and why, and its explanation for the doc. */
export interface SectionResult {
  readonly rows: readonly ResultRow[];
  /** Budget misses and other findings, each with its measurement and its cause. */
  readonly findings: readonly string[];
  /** Markdown: how the figures were measured, and any detail table. */
  readonly explanation: string;
}

export const fixed = (value: number, digits = 1): string =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

/** `12.3 ms`, `1.07×`: a summary's median with its unit. */
export const medianOf = (summary: Summary, unit: string, digits = 1): string =>
  `${fixed(summary.median, digits)}${unit}`;

/** `p25–p75 11.9–12.8` */
export const quartilesOf = (summary: Summary, digits = 1): string =>
  `p25–p75 ${fixed(summary.p25, digits)}–${fixed(summary.p75, digits)}`;

/** `min–max 8–31` */
export const rangeOf = (summary: Summary, digits = 1): string =>
  `min–max ${fixed(summary.min, digits)}–${fixed(summary.max, digits)}`;

const escapeCell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

const COLUMNS = ['#', 'Figure', 'Median', 'Spread', 'Budget', '', 'Notes'] as const;

const cellsOf = (row: ResultRow): string[] => [
  row.section,
  row.figure,
  row.median,
  row.spread,
  row.budget,
  row.verdict,
  row.notes,
];

/** The results as one Markdown table (also readable as plain text in a terminal). */
export const markdownTable = (rows: readonly ResultRow[]): string => {
  const lines = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const row of rows) lines.push(`| ${cellsOf(row).map(escapeCell).join(' | ')} |`);
  return lines.join('\n');
};

/** The results as an aligned text table for the terminal; notes are left out when too wide. */
export const textTable = (rows: readonly ResultRow[], width = process.stdout.columns ?? 160): string => {
  const all = [COLUMNS.map(String), ...rows.map(cellsOf)];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((cells) => (cells[i] ?? '').length)));
  const withoutNotes = widths.slice(0, -1).reduce((a, b) => a + b + 2, 0);
  const notesWidth = Math.max(20, width - withoutNotes);
  return all
    .map((cells, index) => {
      const line = cells
        .map((cell, i) => (i === cells.length - 1 ? cell.slice(0, notesWidth) : cell.padEnd(widths[i] ?? 0)))
        .join('  ')
        .trimEnd();
      return index === 0 ? `${line}\n${'-'.repeat(Math.min(width, line.length))}` : line;
    })
    .join('\n');
};
