// Latency figures of the benchmarks.

/** The p-th percentile (0..1) of ascending `sorted`, formatted in ms. */
export function percentile(sorted: readonly number[], p: number): string {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(1);
}
