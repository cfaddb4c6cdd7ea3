/**
 * npm run bench:peers [-- --rounds 3 --seconds 3 --events 200000]
 *
 * Kring's PostgreSQL store beside @event-driven-io/emmett-postgresql (a store a team might pick
 * instead) on the same PostgreSQL server, each on a fresh database per round, rounds alternated (who
 * goes first swaps), median of the rounds. Workloads: 1-event appends from 8 writers on a new stream
 * each, the same with an exact expected revision on each writer's own stream, 100-event appends from
 * one writer, reading the whole log, and a follower that reads the log while 8 writers append: the
 * events it never saw (an event committed below a position it had already passed) are counted; and
 * live lag: 8 writers paced to 500 appends/s in all while the follower reads, the time from the start
 * of each append until the follower first saw its event (p50 and p99; events it never saw apart).
 * One JSON line per workload (see logFigure): Kring's figure, Emmett's as its yardstick, and the ratio.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, readMessagesBatch, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { dumbo } from '@event-driven-io/dumbo';
import { openEventStore, type EventStore } from '@kring/event-store';
import { postgresTarget } from '../test/support/targets';
import { forSeconds, log, logFigure, perSec, type Target } from './support';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '3' },
    events: { type: 'string', default: '200000' },
  },
});
const [ROUNDS, SECONDS, EVENTS] = [Number(args.rounds), Number(args.seconds), Number(args.events)];
const WRITERS = 8;
const data = (n: number) => ({ networkId: `network-${n % 500}`, heldOn: '2026-11-22', attended: ['p1', 'p2', 'p3', 'p4'], n });

/** What each workload needs of a store, in its own terms. */
interface Peer {
  name: string;
  /** Appends one event to a new stream; answers its position in the log. */
  appendNew(stream: string, n: number): Promise<bigint>;
  /** Appends to `stream` expecting the revision the previous call answered (undefined: a new stream); answers the next one. */
  appendExpecting(stream: string, expected: bigint | undefined, n: number): Promise<bigint>;
  appendHundred(stream: string, first: number): Promise<unknown>;
  /** Events after `after`, up to `limit`, as their positions in read order. */
  readAfter(after: bigint, limit: number): Promise<bigint[]>;
  close(): Promise<void>;
}

async function kring(): Promise<Peer & { dispose: () => Promise<void> }> {
  const fresh = await postgresTarget.fresh('bench-peers-kring');
  const store: EventStore = await openEventStore(fresh.config);
  const positions = async (after: bigint, limit: number) => {
    const found: bigint[] = [];
    for await (const event of store.readAll({ after, maxCount: limit, batchSize: limit })) found.push(event.position);
    return found;
  };
  return {
    name: 'kring',
    appendNew: async (stream, n) =>
      (await store.appendToStream(stream, [{ type: 'MeetingHeld', data: data(n) }], { expectedRevision: 'no_stream' })).position,
    appendExpecting: async (stream, expected, n) =>
      (await store.appendToStream(stream, [{ type: 'MeetingHeld', data: data(n) }], { expectedRevision: expected ?? 'no_stream' }))
        .nextExpectedRevision,
    appendHundred: (stream, first) =>
      store.appendToStream(
        stream,
        Array.from({ length: 100 }, (_, i) => ({ type: 'MeetingHeld', data: data(first + i) })),
      ),
    readAfter: positions,
    close: () => store.close(),
    dispose: () => fresh.dispose(),
  };
}

async function emmett(): Promise<Peer & { dispose: () => Promise<void> }> {
  const fresh = await postgresTarget.fresh('bench-peers-emmett');
  const connectionString = fresh.env.KRING_DATABASE_URL!;
  const store: PostgresEventStore = getPostgreSQLEventStore(connectionString);
  await store.schema.migrate();
  const pool = dumbo({ connectionString });
  const event = (n: number) => ({ type: 'MeetingHeld', data: data(n) });
  return {
    name: 'emmett',
    appendNew: async (stream, n) =>
      (await store.appendToStream(stream, [event(n)], { expectedStreamVersion: STREAM_DOES_NOT_EXIST })).lastEventGlobalPosition,
    appendExpecting: async (stream, expected, n) =>
      (await store.appendToStream(stream, [event(n)], { expectedStreamVersion: expected ?? STREAM_DOES_NOT_EXIST }))
        .nextExpectedStreamVersion,
    appendHundred: (stream, first) =>
      store.appendToStream(
        stream,
        Array.from({ length: 100 }, (_, i) => event(first + i)),
      ),
    readAfter: async (after, limit) =>
      (await readMessagesBatch(pool.execute, { after, batchSize: limit })).messages.map((message) => message.metadata.globalPosition),
    close: async () => {
      await store.close();
      await pool.close();
    },
    dispose: async () => void emmettDatabases.push(() => fresh.dispose()),
  };
}

async function readAllRate(peer: Peer): Promise<{ perSec: number; count: number }> {
  const started = performance.now();
  let [after, count] = [0n, 0];
  for (;;) {
    const batch = await peer.readAfter(after, 1000);
    count += batch.length;
    if (batch.length < 1000) break;
    after = batch[batch.length - 1];
  }
  return { perSec: perSec(count, performance.now() - started), count };
}

/** 8 writers append for SECONDS while a follower reads after the last position it saw; answers the events it never saw and the out-of-order pairs it met. */
async function followWhileWriting(peer: Peer): Promise<{ written: number; missed: number; outOfOrder: number }> {
  const start = (await peer.readAfter(0n, Number.MAX_SAFE_INTEGER)).at(-1) ?? 0n;
  const seen = new Set<bigint>();
  let [last, outOfOrder, writing] = [start, 0, true];
  const follower = (async () => {
    while (writing || (await peer.readAfter(last, 1)).length > 0) {
      for (const position of await peer.readAfter(last, 1000)) {
        if (position <= last) outOfOrder++;
        seen.add(position);
        last = position > last ? position : last;
      }
    }
  })();
  const { count } = await forSeconds(WRITERS, SECONDS, (w, n) => peer.appendNew(`follow-${w}-${n}-${randomUUID()}`, n));
  writing = false;
  await follower;
  const all = await peer.readAfter(start, Number.MAX_SAFE_INTEGER);
  return { written: count, missed: all.filter((position) => !seen.has(position)).length, outOfOrder };
}

const PACED_PER_SEC = 500;

/**
 * 8 writers appending at PACED_PER_SEC in all for SECONDS while a follower reads after the last position
 * it saw: per event, the time from the start of its append until the follower first saw it.
 */
async function liveLag(peer: Peer): Promise<{ p50: number; p99: number; appended: number; neverSeen: number }> {
  let last = (await peer.readAfter(0n, Number.MAX_SAFE_INTEGER)).at(-1) ?? 0n;
  const startedAt = new Map<bigint, number>();
  const seenAt = new Map<bigint, number>();
  let writing = true;
  const follower = (async () => {
    for (let idle = 0; writing || idle < 3;) {
      const batch = await peer.readAfter(last, 1000);
      const now = performance.now();
      idle = batch.length === 0 ? idle + 1 : 0;
      for (const position of batch) {
        if (!seenAt.has(position)) seenAt.set(position, now);
        if (position > last) last = position;
      }
    }
  })();
  const interval = (1000 * WRITERS) / PACED_PER_SEC;
  const begun = performance.now();
  await Promise.all(
    Array.from({ length: WRITERS }, async (_, w) => {
      for (let n = 0; ; n++) {
        const due = begun + (w * interval) / WRITERS + n * interval;
        if (due > begun + SECONDS * 1000) return;
        if (due > performance.now()) await new Promise((resolve) => setTimeout(resolve, due - performance.now()));
        const started = performance.now();
        startedAt.set(await peer.appendNew(`paced-${w}-${n}-${randomUUID()}`, n), started);
      }
    }),
  );
  writing = false;
  await follower;
  const lags = [...startedAt].filter(([position]) => seenAt.has(position)).map(([position, started]) => seenAt.get(position)! - started);
  lags.sort((a, b) => a - b);
  const at = (p: number) => Number((lags[Math.min(lags.length - 1, Math.floor((p / 100) * lags.length))] ?? NaN).toFixed(1));
  return { p50: at(50), p99: at(99), appended: startedAt.size, neverSeen: startedAt.size - lags.length };
}

async function measure(open: () => Promise<Peer & { dispose: () => Promise<void> }>) {
  const peer = await open();
  try {
    const newStreams = await forSeconds(WRITERS, SECONDS, (w, n) => peer.appendNew(`new-${w}-${n}-${randomUUID()}`, n));
    const next = new Map<number, bigint | undefined>();
    const own = Array.from({ length: WRITERS }, () => `own-${randomUUID()}`);
    const expected = await forSeconds(WRITERS, SECONDS, async (w, n) => next.set(w, await peer.appendExpecting(own[w], next.get(w), n)));
    let first = 0;
    const hundredStarted = performance.now();
    const deadline = hundredStarted + SECONDS * 1000;
    while (performance.now() < deadline) await peer.appendHundred(`hundred-${first / 100}`, (first += 100));
    const hundred = perSec(first, performance.now() - hundredStarted);
    // Top the log up to EVENTS before reading it all.
    let total = (await peer.readAfter(0n, Number.MAX_SAFE_INTEGER)).length;
    while (total < EVENTS) await peer.appendHundred(`fill-${total}`, (total += 100));
    const readAll = await readAllRate(peer);
    const follow = await followWhileWriting(peer);
    const lag = await liveLag(peer);
    return {
      lag,
      newStreams: newStreams.perSec,
      expected: expected.perSec,
      hundred,
      readAll: readAll.perSec,
      readCount: readAll.count,
      ...follow,
    };
  } finally {
    await peer.close();
    await peer.dispose();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Emmett's store keeps pooled connections that its close() leaves open; dropping its database then
 * ends them, and its pool reports that as an error event nobody listens to. Its databases are dropped
 * at the very end, with that one error expected.
 */
const emmettDatabases: Array<() => Promise<void>> = [];
async function dropEmmettDatabases(): Promise<void> {
  process.on('uncaughtException', (error) => {
    if (!/terminating connection due to administrator command/.test(error.message)) throw error;
  });
  for (const dispose of emmettDatabases) await dispose();
}

async function main(): Promise<void> {
  const results: Record<'kring' | 'emmett', Array<Awaited<ReturnType<typeof measure>>>> = { kring: [], emmett: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? (['kring', 'emmett'] as const) : (['emmett', 'kring'] as const);
    for (const name of order) {
      const figures = await measure(name === 'kring' ? kring : emmett);
      results[name].push(figures);
      log(`round ${round} ${name}: ${JSON.stringify(figures)}`);
    }
  }
  const figure = (workload: string, unit: string, pick: (r: Awaited<ReturnType<typeof measure>>) => number, target?: Target) =>
    logFigure({
      figure: `Kring: ${workload}`,
      adapter: 'postgres',
      value: median(results.kring.map(pick)),
      unit,
      yardstick: { name: `Emmett's PostgreSQL store: ${workload}`, value: median(results.emmett.map(pick)) },
      target,
    });
  // Issue 14: group commit makes concurrent 1-event appends at least 1.5x Emmett's.
  figure('1-event appends, 8 writers, a new stream each', 'appends/s', (r) => r.newStreams, { op: '>=', bound: 1.5 });
  figure('1-event appends, 8 writers, expected revision', 'appends/s', (r) => r.expected, { op: '>=', bound: 1.5 });
  figure('100-event appends, 1 writer', 'events/s', (r) => r.hundred);
  figure(`read all of ${EVENTS} events`, 'events/s', (r) => r.readAll);
  figure(`live lag at ${PACED_PER_SEC} appends/s, p50`, 'ms (lower is better)', (r) => r.lag.p50);
  figure(`live lag at ${PACED_PER_SEC} appends/s, p99`, 'ms (lower is better)', (r) => r.lag.p99);
  // The order check: what a follower of the log missed or saw out of order while 8 writers appended, every round's
  // together. Kring's order is gap-free by design: anything but 0 there is a bug.
  const total = (name: 'kring' | 'emmett', pick: (r: Awaited<ReturnType<typeof measure>>) => number) =>
    results[name].reduce((sum, r) => sum + pick(r), 0);
  for (const [name, store] of [
    ['kring', 'Kring'],
    ['emmett', "Emmett's PostgreSQL store"],
  ] as const) {
    const target = name === 'kring' ? ({ op: '<=', bound: 0 } as const) : undefined;
    const details = { written: total(name, (r) => r.written), rounds: ROUNDS };
    const follower = `${store}: events a follower never saw while 8 writers appended`;
    logFigure({ figure: follower, adapter: 'postgres', value: total(name, (r) => r.missed), unit: 'events', target, details });
    const outOfOrder = `${store}: neighbouring events a follower saw out of order while 8 writers appended`;
    logFigure({ figure: outOfOrder, adapter: 'postgres', value: total(name, (r) => r.outOfOrder), unit: 'pairs', target, details });
    const paced = `${store}: events a follower never saw at ${PACED_PER_SEC} appends/s`;
    const pacedDetails = { appended: total(name, (r) => r.lag.appended), rounds: ROUNDS };
    logFigure({
      figure: paced,
      adapter: 'postgres',
      value: total(name, (r) => r.lag.neverSeen),
      unit: 'events',
      target,
      details: pacedDetails,
    });
  }
  await dropEmmettDatabases();
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench:peers failed: ${error.stack}\n`);
    process.exit(1);
  },
);
