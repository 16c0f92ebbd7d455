/** The centre and spread of repeated measurements. */
export interface Summary {
  readonly n: number;
  readonly median: number;
  readonly p25: number;
  readonly p75: number;
  readonly min: number;
  readonly max: number;
}

/**
 * The `p`-th percentile (0–100) of ascending `sorted` values, interpolating linearly between the two
 * nearest ranks (the method spreadsheets call PERCENTILE.INC), so small samples still give stable values.
 */
export const percentileOfSorted = (sorted: readonly number[], p: number): number => {
  if (sorted.length === 0) throw new Error('percentile of no values');
  if (p < 0 || p > 100) throw new Error(`percentile must be within 0..100, got ${p}`);
  const rank = (p / 100) * (sorted.length - 1);
  const lower = Math.floor(rank);
  const upper = Math.ceil(rank);
  const low = sorted[lower] ?? Number.NaN;
  const high = sorted[upper] ?? Number.NaN;
  return low + (high - low) * (rank - lower);
};

const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/** The `p`-th percentile (0–100) of `values`, in any order. */
export const percentile = (values: readonly number[], p: number): number =>
  percentileOfSorted(ascending(values), p);

export const median = (values: readonly number[]): number => percentile(values, 50);

/** Median, quartiles and extremes of `values`; throws on an empty sample rather than inventing a figure. */
export const summarize = (values: readonly number[]): Summary => {
  const sorted = ascending(values);
  return {
    n: sorted.length,
    median: percentileOfSorted(sorted, 50),
    p25: percentileOfSorted(sorted, 25),
    p75: percentileOfSorted(sorted, 75),
    min: sorted[0] ?? Number.NaN,
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
};

/** Fisher–Yates shuffle into a new array: each round measures its subjects in a fresh order. */
export const shuffled = <T>(items: readonly T[], random: () => number = Math.random): T[] => {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const a = out[i] as T;
    out[i] = out[j] as T;
    out[j] = a;
  }
  return out;
};
