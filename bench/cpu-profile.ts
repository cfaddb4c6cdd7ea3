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
import { type CpuProfile, groupOf, logCpuBy } from './profile';

const { values: args, positionals } = parseArgs({ options: { top: { type: 'string', default: '25' } }, allowPositionals: true });

function main(): void {
  const [file] = positionals;
  if (!file) {
    process.stderr.write('usage: npm run bench:profile -- <file.cpuprofile> [--top 25]\n');
    process.exit(1);
  }
  logCpuBy(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, groupOf, { figure: 'CPU profile', file }, Number(args.top));
}

main();
