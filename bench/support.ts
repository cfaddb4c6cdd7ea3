/** Helpers the benchmarks share: none of them asserts anything, they measure and print. */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TEST_AUTH_SECRET, TEST_MASTER_KEY } from '../test/support/graphql-client';
import type { FreshStore } from '../test/support/targets';

export const log = (line: string): void => void process.stdout.write(`${line}\n`);
export const perSec = (count: number, ms: number): number => Math.round((count / ms) * 1000);
export const pct = (part: number, whole: number): string => `${Math.round((part / whole) * 100)}%`;

/** A bound a figure must keep: on its ratio to the yardstick if it has one, else on its value. */
export interface Target {
  op: '>=' | '<=' | '<';
  bound: number;
}

export interface Figure {
  /** What was measured, in words a reader of the output knows. */
  figure: string;
  adapter?: string;
  value: number;
  unit: string;
  /** What the value is measured against, in the same run: the ratio is value / yardstick. */
  yardstick?: { name: string; value: number };
  target?: Target;
  /** Whatever else explains the value (CPU by process, rounds, counts). */
  details?: Record<string, unknown>;
}

/**
 * One figure as one JSON line, in one shape for every bench, so that figures can be tracked from run to
 * run: its value and unit, the yardstick and the ratio to it, the target and whether this run met it.
 */
export function logFigure({ figure, adapter, value, unit, yardstick, target, details }: Figure): void {
  // Judged unrounded: a ratio of 0.496 prints as 0.5 and misses a target of 0.5.
  const exactRatio = yardstick && yardstick.value !== 0 ? value / yardstick.value : undefined;
  const ratio = exactRatio === undefined ? undefined : Number(exactRatio.toFixed(2));
  const judged = yardstick ? exactRatio : value;
  const met =
    target &&
    judged !== undefined &&
    (target.op === '>=' ? judged >= target.bound : target.op === '<=' ? judged <= target.bound : judged < target.bound);
  log(
    JSON.stringify({
      figure,
      ...(adapter !== undefined && { adapter }),
      value,
      unit,
      ...(yardstick && { yardstick: yardstick.name, yardstickValue: yardstick.value, ratio: ratio ?? null }),
      ...(target && { target: `${yardstick ? 'ratio ' : ''}${target.op} ${target.bound}`, met }),
      ...details,
    }),
  );
}

/** USER_HZ: /proc reports CPU time in these ticks; 100 on every Linux build we run on. */
const CLOCK_TICKS = 100;

/** CPU time a process has used so far, in ms (Linux /proc; undefined elsewhere). */
export function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    // Fields 14 and 15 (utime, stime) after the command name, which may itself hold spaces.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}

/** CPU time used so far by each PostgreSQL server process on this machine (backends, WAL writer, checkpointer), in ms by pid. */
function postgresCpuMs(): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'postgres') used.set(Number(pid), cpuMsOf(Number(pid)) ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return used;
}

/**
 * CPU used between two calls, per process: this Node process (PGlite's database runs inside it) and
 * PostgreSQL's server processes (those still running at the second call: a backend that ended meanwhile is not counted).
 */
export function cpuMeter(): () => { nodeMs: number; postgresMs: number } {
  const node = process.cpuUsage();
  const before = postgresCpuMs();
  return () => {
    const { user, system } = process.cpuUsage(node);
    let postgres = 0;
    for (const [pid, ms] of postgresCpuMs()) postgres += ms - (before.get(pid) ?? 0);
    return { nodeMs: Math.round((user + system) / 1000), postgresMs: Math.round(postgres) };
  };
}

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

/** Several alternated rounds as one: every latency, and the rate over the rounds' total time. */
export function pooled(rounds: Array<{ count: number; perSec: number; latencies: number[] }>) {
  const count = rounds.reduce((sum, r) => sum + r.count, 0);
  const seconds = rounds.reduce((sum, r) => sum + r.count / r.perSec, 0);
  return { count, perSec: Math.round(count / seconds), latencies: rounds.flatMap((r) => r.latencies).sort((a, b) => a - b) };
}

/** The API's entry as the build writes it. */
export const API_ENTRY = 'dist/apps/api/apps/api/src/main.js';

/** Builds the API as `npm run start:prod` runs it (decorator metadata needs the TypeScript compiler, not tsx). */
export function buildApi(): void {
  log('Building the API (nest build api)...');
  execFileSync(process.execPath, ['node_modules/@nestjs/cli/bin/nest.js', 'build', 'api'], { stdio: 'inherit' });
}

/**
 * Node's options for the API as `npm start` gives them (its script's words between `node` and the entry),
 * then BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=profiles" to see where its time goes.
 */
export function apiNodeArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> };
  const [, ...options] = scripts.start.split(/\s+/).slice(0, -1);
  return [...options, ...(process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [])];
}

/** The built API as a process of its own on `fresh`'s store, once it answers /health; `env` adds settings. */
export async function startServer(fresh: FreshStore, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const server = spawn(process.execPath, [...apiNodeArgs(), API_ENTRY], {
    env: {
      ...process.env,
      KRING_DATABASE_URL: '',
      KRING_DATA_DIR: '',
      ...fresh.env,
      KRING_AUTH_SECRET: TEST_AUTH_SECRET,
      KRING_MASTER_KEY: TEST_MASTER_KEY,
      // Eight clients as fast as they can: far beyond what one person's token is allowed by default.
      KRING_RATE_LIMIT: '100000000',
      PORT: String(port),
      // A bench measures its own load: no demo written on a first start.
      KRING_DEMO: 'off',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the API exited with code ${server.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  server.kill();
  throw new Error('the API did not answer /health within 60 s');
}

/** Stops a server startServer started (if it still runs) and waits until it has exited. */
export async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return;
  server.kill('SIGTERM');
  await once(server, 'exit');
}
