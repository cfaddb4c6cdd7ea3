/**
 * Where a process's CPU went: V8 CPU profiles taken around one part of a bench (node:inspector), or
 * read from a file, summed by self time per group of code or per function.
 */
import { Session } from 'node:inspector/promises';
import { log } from './support';

interface CallFrame {
  functionName: string;
  url: string;
}
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: CallFrame }>;
  samples: number[];
  timeDeltas: number[];
}

/** The group a frame's code belongs to: an npm package, a folder of Kring's own code, WebAssembly (PGlite), the collector, Node. */
export function groupOf({ functionName, url }: CallFrame): string {
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  if (url.startsWith('wasm')) return '(webassembly)';
  const dependency = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (dependency) return dependency[1];
  // Built code sits under dist/apps/<app>/ too: the folder before src/ names it.
  const own = url.match(/\/(apps|libs)\/([^/]+)\/src\/([^/.]+)/) ?? url.match(/\/(bench|test)\/([^/]+)/);
  if (own) return `kring ${own.slice(1).filter(Boolean).join('/')}`;
  return url.startsWith('node:') ? url : '(other)';
}

/** A function and the file it is in: finer than groupOf, for the parts of Kring's own code. */
export const functionOf = (frame: CallFrame): string =>
  frame.url ? `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}` : groupOf(frame);

/** The CPU profile of this process while `work` runs. */
export async function profiling<T>(work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = await session.post('Profiler.stop');
    return { result, profile: profile as CpuProfile };
  } finally {
    session.disconnect();
  }
}

/** Prints one JSON line for the profile, then one per key (largest self time first, idle left out). */
export function logCpuBy(profile: CpuProfile, keyOf: (frame: CallFrame) => string, figure: Record<string, unknown>, top: number): void {
  const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]));
  const byKey = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const key = keyOf(frames.get(id)!);
    byKey.set(key, (byKey.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const idleUs = byKey.get('(idle)') ?? 0;
  byKey.delete('(idle)');
  const busyUs = [...byKey.values()].reduce((sum, us) => sum + us, 0);
  log(JSON.stringify({ ...figure, busyMs: Math.round(busyUs / 1000), idleMs: Math.round(idleUs / 1000) }));
  for (const [key, us] of [...byKey].sort((a, b) => b[1] - a[1]).slice(0, top))
    log(JSON.stringify({ group: key, ms: Math.round(us / 1000), share: Number((us / busyUs).toFixed(3)) }));
}
