/** Helpers the benchmarks share: none of them asserts anything, they measure and print. */

export const log = (line: string): void => void process.stdout.write(`${line}\n`);
export const perSec = (count: number, ms: number): number => Math.round((count / ms) * 1000);
export const pct = (part: number, whole: number): string => `${Math.round((part / whole) * 100)}%`;

/** The p-th percentile of ascending numbers, to two decimals. */
export function percentile(sorted: readonly number[], p: number): number {
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))].toFixed(2));
}

/**
 * Runs `writers` loops of `operation` side by side for `seconds`; returns how many completed, how long it
 * took, and each one's latency in ms (ascending).
 */
export async function forSeconds(
  writers: number,
  seconds: number,
  operation: (writer: number, n: number) => Promise<unknown>,
): Promise<{ count: number; perSec: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: writers }, async (_, writer) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const begun = performance.now();
        await operation(writer, n);
        latencies.push(performance.now() - begun);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { count: latencies.length, perSec: perSec(latencies.length, performance.now() - started), latencies };
}
