/**
 * npm run bench:profile -- <file.cpuprofile> [--top 25]
 *
 * Where a process's CPU went, by package: reads a V8 CPU profile (node --cpu-prof; a bench's API server
 * writes one with BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=profiles") and sums the self time of
 * its samples per npm package, per folder of Kring's own code, WebAssembly (PGlite's database), the
 * garbage collector and Node's natives. Prints one JSON line per group, largest first.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { log } from './support';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });

/** The group a frame's code belongs to. */
function groupOf({ functionName, url }: ProfileNode['callFrame']): string {
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  if (url.startsWith('wasm')) return '(webassembly)';
  const dependency = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (dependency) return dependency[1];
  // Built code sits under dist/apps/<app>/ too: the folder before src/ names it.
  const own = url.match(/\/(apps|libs)\/([^/]+)\/src\/([^/.]+)/) ?? url.match(/\/(bench|test)\/([^/]+)/);
  if (own) return `kring ${own.slice(1).filter(Boolean).join('/')}`;
  return url.startsWith('node:') ? url : '(other)';
}

function main(): void {
  const [file] = positionals;
  if (!file) {
    process.stderr.write('usage: npm run bench:profile -- <file.cpuprofile> [--top 25]\n');
    process.exit(1);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const groups = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id);
    if (us) groups.set(groupOf(node.callFrame), (groups.get(groupOf(node.callFrame)) ?? 0) + us);
  }
  const busyUs = [...groups].filter(([group]) => group !== '(idle)').reduce((sum, [, us]) => sum + us, 0);
  log(
    JSON.stringify({
      figure: 'CPU profile',
      file,
      busyMs: Math.round(busyUs / 1000),
      idleMs: Math.round((groups.get('(idle)') ?? 0) / 1000),
    }),
  );
  for (const [group, us] of [...groups]
    .filter(([g]) => g !== '(idle)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(args.top)))
    log(JSON.stringify({ group, ms: Math.round(us / 1000), share: Number((us / busyUs).toFixed(3)) }));
}

main();
