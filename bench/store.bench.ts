/**
 * npm run bench:store [-- --events 100000 --seconds 3 --adapters pglite,postgres]
 *
 * For each adapter, in one run on one machine: the raw limits of the database with plain SQL on a
 * table shaped exactly like the log (same columns, same indexes), then the store's own figures.
 * Prints a table per adapter and, last, one JSON line per figure (see logFigure). Not a test: nothing is asserted.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { EventStore, openEventStoreWithSql, SqlDriver } from '@kring/event-store';
import { pgliteTarget, postgresTarget } from '../test/support/targets';
import { type Figure, forSeconds, log, logFigure, pct, percentile, perSec, pooled } from './support';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '3' },
    adapters: { type: 'string', default: 'pglite,postgres' },
  },
});
const EVENTS = Number(args.events);
const SECONDS = Number(args.seconds);
const BATCH = 100;
const WRITERS = 8;
const READ_BATCH = 1000;

const data = (n: number) => ({
  networkId: `network-${n % 500}`,
  heldOn: '2026-11-22',
  activity: 'wandelen',
  attended: ['p1', 'p2', 'p3', 'p4'],
  n,
});
const metadata = { correlationId: randomUUID(), commandId: randomUUID(), actorId: 'coach-1', actorRoles: ['FACILITATOR'] };

/**
 * The strictest raw limit: the database builds each 100-row batch itself (no client, no parameters),
 * so the figure is the cost of the rows, the indexes and the WAL alone. Sending the same rows from
 * the client, as parameters or as JSON, was measured slower than the store's own append. The row holds a
 * hash-sized value, not a computed hash: chaining is the store's work, and what this baseline leaves out.
 */
async function rawInsert(driver: SqlDriver): Promise<number> {
  await driver.exec('DROP TABLE IF EXISTS bench_raw; CREATE TABLE bench_raw (LIKE kring_events INCLUDING ALL);');
  const started = performance.now();
  for (let first = 1; first <= EVENTS; first += BATCH) {
    await driver.query(
      `INSERT INTO bench_raw (position, stream_id, stream_revision, event_id, type, version, data, metadata, recorded_at, hash)
       SELECT g, 'bench-' || (g / ${BATCH}), g % ${BATCH}, gen_random_uuid(), 'MeetingHeld', 1,
              jsonb_build_object('networkId', 'network-' || (g % 500), 'heldOn', '2026-11-22', 'activity', 'wandelen',
                                 'attended', jsonb_build_array('p1', 'p2', 'p3', 'p4'), 'n', g),
              $2::jsonb, now(), decode(repeat('00', 32), 'hex')
         FROM generate_series($1::bigint, $1::bigint + ${BATCH - 1}) AS g`,
      [first, JSON.stringify(metadata)],
    );
  }
  return perSec(EVENTS, performance.now() - started);
}

/** Plain keyset SELECTs of the same rows, in the batch size the store reads with (the fastest measured). */
async function rawRead(driver: SqlDriver): Promise<number> {
  const started = performance.now();
  let after = 0n;
  let count = 0;
  for (;;) {
    const rows = await driver.query<{ position: bigint }>(
      `SELECT position, stream_id, stream_revision, event_id, type, version, data, metadata, recorded_at
         FROM bench_raw WHERE position > $1 ORDER BY position LIMIT ${READ_BATCH}`,
      [after.toString()],
    );
    count += rows.length;
    if (rows.length < READ_BATCH) break;
    after = rows[rows.length - 1].position;
  }
  if (count !== EVENTS) throw new Error(`raw read returned ${count} rows`);
  return perSec(count, performance.now() - started);
}

async function batchedAppends(store: EventStore): Promise<number> {
  const started = performance.now();
  for (let first = 0; first < EVENTS; first += BATCH) {
    const events = Array.from({ length: BATCH }, (_, i) => ({ type: 'MeetingHeld', data: data(first + i), metadata }));
    await store.appendToStream(`batch-${first / BATCH}`, events, { expectedRevision: 'no_stream' });
  }
  return perSec(EVENTS, performance.now() - started);
}

async function readAll(store: EventStore): Promise<number> {
  const started = performance.now();
  let count = 0;
  for await (const _event of store.readAll({ batchSize: READ_BATCH })) count++;
  return perSec(count, performance.now() - started);
}

/**
 * What group commit is measured against: 8 writers each sending one-row INSERTs, each its own
 * autocommit transaction, into a table shaped like the log (positions from a sequence: no order kept).
 */
async function rawSingleInserts(driver: SqlDriver, round: number, seconds: number) {
  return forSeconds(WRITERS, seconds, (w, n) =>
    driver.query(
      `INSERT INTO bench_raw1 (stream_id, stream_revision, event_id, type, version, data, metadata, recorded_at, hash)
       VALUES ($1, $2, $3, 'MeetingHeld', 1, $4::jsonb, $5::jsonb, now(), decode(repeat('00', 32), 'hex'))`,
      [`single-${round}-${w}-${n}`, 0, randomUUID(), JSON.stringify(data(n)), JSON.stringify(metadata)],
    ),
  );
}

/** The raw 1-row INSERTs and the store's 1-event appends in alternated rounds, two each: the machine's drift falls on both. */
async function singlesAlternated(driver: SqlDriver, store: EventStore): Promise<{ rawPerSec: number; appendsPerSec: number }> {
  await driver.exec(`DROP TABLE IF EXISTS bench_raw1; CREATE TABLE bench_raw1 (LIKE kring_events INCLUDING ALL);
    CREATE SEQUENCE IF NOT EXISTS bench_raw1_position; ALTER TABLE bench_raw1 ALTER position SET DEFAULT nextval('bench_raw1_position');`);
  const raw = [];
  const appends = [];
  for (let round = 0; round < 2; round++) {
    raw.push(await rawSingleInserts(driver, round, SECONDS / 2));
    appends.push((await singleAppends(store, false, SECONDS / 2)).appends);
  }
  return { rawPerSec: pooled(raw).perSec, appendsPerSec: pooled(appends).perSec };
}

/**
 * 8 writers append one event at a time. Alone, like the raw 1-row INSERTs it is compared with; or with a
 * subscriber that measures append-call-to-delivery lag (its reads share the machine with the writers).
 */
async function singleAppends(
  store: EventStore,
  follow: boolean,
  seconds: number,
): Promise<{ appends: Awaited<ReturnType<typeof forSeconds>>; lags: number[] }> {
  const sentAt = new Map<string, number>();
  const lags: number[] = [];
  const subscription = follow ? store.subscribeToAll({ after: await store.headPosition() }) : undefined;
  const following = (async () => {
    for await (const event of subscription ?? []) {
      const sent = sentAt.get(event.id);
      if (sent !== undefined) lags.push(performance.now() - sent);
    }
  })();
  const appends = await forSeconds(WRITERS, seconds, (w, n) => {
    const id = randomUUID();
    sentAt.set(id, performance.now());
    return store.appendToStream(`single-${w}-${n % 50}`, [{ id, type: 'MeetingHeld', data: data(n), metadata }]);
  });
  const settle = performance.now() + 10_000;
  while (follow && lags.length < appends.count && performance.now() < settle) await new Promise((resolve) => setTimeout(resolve, 5));
  await subscription?.close();
  await following;
  lags.sort((a, b) => a - b);
  return { appends, lags };
}

async function benchAdapter(adapter: 'pglite' | 'postgres'): Promise<Figure[]> {
  const fresh = await (adapter === 'pglite' ? pgliteTarget : postgresTarget).fresh('bench');
  const { store, sql: driver } = await openEventStoreWithSql(fresh.config);
  try {
    log(`\n== ${adapter}: ${EVENTS} events, batches of ${BATCH}, ${WRITERS} writers for ${SECONDS}s`);
    const rawInsertRowsPerSec = await rawInsert(driver);
    log(`raw multi-row INSERT (${BATCH} rows/statement, built by the server)  ${rawInsertRowsPerSec} rows/s`);
    const rawReadRowsPerSec = await rawRead(driver);
    log(`raw sequential SELECT (keyset, ${READ_BATCH} rows/round trip)  ${rawReadRowsPerSec} rows/s`);
    const appendEventsPerSec = await batchedAppends(store);
    log(
      `store: ${BATCH}-event appends                 ${appendEventsPerSec} events/s  (${pct(appendEventsPerSec, rawInsertRowsPerSec)} of raw insert; target >= 50%)`,
    );
    const readAllEventsPerSec = await readAll(store);
    log(
      `store: read the whole log                 ${readAllEventsPerSec} events/s  (${pct(readAllEventsPerSec, rawReadRowsPerSec)} of raw read; target >= 50%)`,
    );
    const singles = await singlesAlternated(driver, store);
    const rawSingleInsertsPerSec = singles.rawPerSec;
    log(`raw 1-row INSERTs, ${WRITERS} writers, autocommit  ${rawSingleInsertsPerSec} rows/s  (alternated with the next, 2 rounds each)`);
    log(
      `store: 1-event appends, ${WRITERS} writers         ${singles.appendsPerSec} appends/s  (${pct(singles.appendsPerSec, rawSingleInsertsPerSec)} of raw 1-row inserts; target >= 100%)`,
    );
    const followed = await singleAppends(store, true, SECONDS);
    const [lagP50Ms, lagP99Ms] = [percentile(followed.lags, 50), percentile(followed.lags, 99)];
    log(`store: the same with a subscriber         ${followed.appends.perSec} appends/s`);
    log(`store: subscription lag                   p50 ${lagP50Ms} ms, p99 ${lagP99Ms} ms  (target p99 < 50 ms)`);
    const rawInserts = { name: `raw multi-row INSERT (${BATCH} rows/statement, built by the server)`, value: rawInsertRowsPerSec };
    const rawReads = { name: `raw sequential SELECT (keyset, ${READ_BATCH} rows/round trip)`, value: rawReadRowsPerSec };
    const rawSingles = { name: `raw 1-row INSERTs, ${WRITERS} writers, autocommit`, value: rawSingleInsertsPerSec };
    return [
      { figure: rawInserts.name, adapter, value: rawInserts.value, unit: 'rows/s' },
      { figure: rawReads.name, adapter, value: rawReads.value, unit: 'rows/s' },
      { figure: rawSingles.name, adapter, value: rawSingles.value, unit: 'rows/s' },
      {
        figure: `store: ${BATCH}-event appends`,
        adapter,
        value: appendEventsPerSec,
        unit: 'events/s',
        yardstick: rawInserts,
        target: { op: '>=', bound: 0.5 },
      },
      {
        figure: 'store: read the whole log',
        adapter,
        value: readAllEventsPerSec,
        unit: 'events/s',
        yardstick: rawReads,
        target: { op: '>=', bound: 0.5 },
      },
      {
        figure: `store: 1-event appends, ${WRITERS} writers`,
        adapter,
        value: singles.appendsPerSec,
        unit: 'appends/s',
        yardstick: rawSingles,
        target: { op: '>=', bound: 1 },
      },
      {
        figure: `store: 1-event appends, ${WRITERS} writers, with a subscriber`,
        adapter,
        value: followed.appends.perSec,
        unit: 'appends/s',
      },
      { figure: 'store: subscription lag p50', adapter, value: lagP50Ms, unit: 'ms' },
      { figure: 'store: subscription lag p99', adapter, value: lagP99Ms, unit: 'ms', target: { op: '<', bound: 50 } },
    ];
  } finally {
    await store.close();
    await fresh.dispose();
  }
}

async function main(): Promise<void> {
  const figures: Figure[] = [];
  for (const adapter of args.adapters.split(',') as Array<'pglite' | 'postgres'>) figures.push(...(await benchAdapter(adapter)));
  log('');
  for (const figure of figures) logFigure(figure);
}

main().catch((error: Error) => {
  process.stderr.write(`bench:store failed: ${error.stack}\n`);
  process.exit(1);
});
