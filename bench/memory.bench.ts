/**
 * npm run bench:memory [-- --rounds 3 --idle-seconds 15]
 *
 * The API's resident memory on the embedded store, as a new user meets it: a first start on an empty
 * data directory (measured once the demo is written), then a restart on the same directory, left idle.
 * Targets (issue 14): <= 300 MB after a first start, <= 250 MB idle. The built API runs as its own
 * process with the Node options `npm start` gives it (BENCH_SERVER_NODE_ARGS adds more); RSS is read
 * from /proc. Median of the rounds; one JSON line per figure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { API_ENTRY, apiNodeArgs, buildApi, log, logFigure, stopServer } from './support';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '3' }, 'idle-seconds': { type: 'string', default: '15' } },
});

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024);
}

/** Starts the API on `dataDir` and resolves once its output shows `marker`. */
async function startUntil(dataDir: string, port: number, marker: RegExp): Promise<ChildProcess> {
  const api = spawn(process.execPath, [...apiNodeArgs(), API_ENTRY], {
    env: { ...process.env, KRING_DATABASE_URL: '', KRING_DATA_DIR: dataDir, KRING_DEMO: 'on', PORT: String(port) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  api.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 180_000;
  while (!marker.test(output)) {
    if (api.exitCode !== null || Date.now() > deadline) throw new Error(`the API did not log ${marker} (exit ${api.exitCode})`);
    await sleep(200);
  }
  return api;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  buildApi();
  const [first, idle]: [number[], number[]] = [[], []];
  for (let round = 1; round <= Number(args.rounds); round++) {
    const dataDir = await mkdtemp(join(tmpdir(), 'kring-memory-'));
    try {
      const fresh = await startUntil(dataDir, 3902, /Demo written/);
      first.push(await rssMb(fresh.pid!));
      await stopServer(fresh);
      const again = await startUntil(dataDir, 3902, /Kring API listening/);
      await sleep(Number(args['idle-seconds']) * 1000);
      idle.push(await rssMb(again.pid!));
      await stopServer(again);
      log(`round ${round}: ${first.at(-1)} MB after a first start (demo written), ${idle.at(-1)} MB idle after a restart`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }
  const rss = (figure: string, rounds: number[], bound: number) =>
    logFigure({ figure, value: median(rounds), unit: 'MB', target: { op: '<=', bound }, details: { rounds } });
  rss('API RSS after a first start, embedded store', first, 300);
  rss('API RSS idle after a restart, embedded store', idle, 250);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:memory failed: ${error.stack}\n`);
    process.exit(1);
  },
);
