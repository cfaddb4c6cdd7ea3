import { SingleBar } from 'cli-progress';

/**
 * Long work shows a progress bar on a terminal (on standard error, so standard output stays the
 * result); piped or in CI it stays quiet. Answers what to call as work gets done, and when it ends.
 */
export function progress(label: string, unit: string, total: number | undefined): { update: (done: number) => void; stop: () => void } {
  if (!process.stderr.isTTY || total === undefined) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({ format: `${label} {bar} {value}/{total} ${unit}, {eta_formatted} left`, stream: process.stderr });
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}
